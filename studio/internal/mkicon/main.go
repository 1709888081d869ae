// Command mkicon writes the NC Studio icon (logo.Draw) as a PNG file.
//
//	go run ./studio/internal/mkicon Icon.png [SIZE]
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/ncstudio/ncstudio/studio/internal/logo"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: mkicon OUT.png [SIZE]")
		os.Exit(2)
	}
	size := 512
	if len(os.Args) == 3 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 16 {
			fmt.Fprintln(os.Stderr, "mkicon: SIZE must be an integer >= 16")
			os.Exit(2)
		}
		size = n
	}
	if err := os.WriteFile(os.Args[1], logo.PNG(size), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
}
