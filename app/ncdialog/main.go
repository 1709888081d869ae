// Command ncdialog shows one native file chooser (GTK, through
// github.com/sqweek/dialog) and prints the chosen path. The studio runs it
// as a separate process so that GTK never shares a process with the
// studio's OpenGL windows (GLFW), and so that a chooser that cannot open
// never takes the studio down.
//
//	ncdialog file   --title TITLE [--dir DIR] [--ext .safetensors]...
//	ncdialog folder --title TITLE [--dir DIR]
//
// It prints the path and exits 0; exits 3 when the user cancels; exits 1
// with a message on stderr when there is no chooser to show (no display).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/sqweek/dialog"
)

// exitCancelled is the exit status of a cancelled chooser (2 is Go's for a
// panic).
const exitCancelled = 3

type extList []string

func (e *extList) String() string     { return strings.Join(*e, ",") }
func (e *extList) Set(v string) error { *e = append(*e, strings.TrimPrefix(v, ".")); return nil }

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "file" && os.Args[1] != "folder") {
		fmt.Fprintln(os.Stderr, "usage: ncdialog file|folder --title TITLE [--dir DIR] [--ext EXT]...")
		os.Exit(1)
	}
	fs := flag.NewFlagSet("ncdialog "+os.Args[1], flag.ExitOnError)
	title := fs.String("title", "", "window title")
	dir := fs.String("dir", "", "folder to start in")
	var exts extList
	fs.Var(&exts, "ext", "offer files with this extension (repeatable; file only)")
	fs.Parse(os.Args[2:])
	path, err := choose(os.Args[1] == "folder", *title, *dir, exts)
	switch {
	case errors.Is(err, dialog.ErrCancelled):
		os.Exit(exitCancelled)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ncdialog:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

// choose runs the chooser; the library panics when GTK cannot start (no
// display), which becomes an error here.
func choose(folder bool, title, dir string, exts []string) (path string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if folder {
		b := dialog.Directory().Title(title)
		if dir != "" {
			b = b.SetStartDir(dir)
		}
		return b.Browse()
	}
	b := dialog.File().Title(title)
	if len(exts) > 0 {
		b = b.Filter(strings.Join(exts, ", ")+" files", exts...)
	}
	if dir != "" {
		b = b.SetStartDir(dir)
	}
	return b.Load()
}
