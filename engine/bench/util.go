package bench

import (
	"fmt"
	"runtime"
)

func cpuThreads() int { return runtime.GOMAXPROCS(0) }

func shapeStr(format string, n int) string { return fmt.Sprintf(format, n, n, n, n) }
