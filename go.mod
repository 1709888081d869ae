module github.com/ncstudio/ncstudio

go 1.26
