// Command ncstudio is NC Studio: with no arguments it opens the studio window;
// with a subcommand it runs one capability from the terminal (see `ncstudio help`).
package main

import (
	"fmt"
	"os"
)

func main() {
	err := serveMainThread(func() error { return dispatch(os.Args[1:], os.Stdout, os.Stderr) })
	if err != nil {
		fmt.Fprintf(os.Stderr, "ncstudio: %v\n", err)
		os.Exit(exitCode(err))
	}
}
