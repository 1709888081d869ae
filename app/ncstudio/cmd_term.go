package main

import (
	stdcontext "context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
)

func init() {
	register(&command{
		name:    "record terminal",
		usage:   "--out DIR [--size COLSxROWS] [--fps F] [--cell WxH] [--theme NAME] [--cursor STYLE] -- CMD [ARG...]",
		summary: "run CMD in a pseudo-terminal and record what is typed and shown as a cli trace",
		run:     runRecordTerminal,
	})
}

// termFlags are the terminal options shared by recording and importing.
type termFlags struct {
	size, cell, theme, cursor *string
	fps                       *float64
}

func addTermFlags(c *context, defaultSize string) *termFlags {
	return &termFlags{
		size:   c.Flags.String("size", defaultSize, "terminal columns x rows"),
		cell:   c.Flags.String("cell", "8x16", "character cell in pixels (Go Mono is sized to fit)"),
		theme:  c.Flags.String("theme", "dark", "colours: "+strings.Join(term.ThemeNames(), ", ")),
		cursor: c.Flags.String("cursor", "block", "text cursor: block, underline, bar, hidden"),
		fps:    c.Flags.Float64("fps", 15, "frames per second"),
	}
}

// options reads the flags; size may be left empty when the source gives it.
func (f *termFlags) options() (termrec.Options, error) {
	o := termrec.Options{FPS: *f.fps, Theme: *f.theme}
	if *f.size != "" {
		if _, err := fmt.Sscanf(*f.size, "%dx%d", &o.Cols, &o.Rows); err != nil {
			return o, usagef("--size %q: want COLSxROWS, e.g. 80x24", *f.size)
		}
	}
	if _, err := fmt.Sscanf(*f.cell, "%dx%d", &o.CellW, &o.CellH); err != nil {
		return o, usagef("--cell %q: want WxH in pixels, e.g. 8x16", *f.cell)
	}
	var err error
	if o.Cursor, err = term.ParseCursorStyle(*f.cursor); err != nil {
		return o, usageError{err}
	}
	if _, err := o.Renderer(); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

func runRecordTerminal(c *context) error {
	out := c.Flags.String("out", "", "trace directory to write (must not exist or be empty)")
	tf := addTermFlags(c, "80x24")
	argv, err := c.Parse()
	if err != nil {
		return err
	}
	if *out == "" || len(argv) == 0 {
		return usagef("record terminal: --out DIR and a command after -- are required")
	}
	o, err := tf.options()
	if err != nil {
		return err
	}
	o.Source = "pty:" + strings.Join(argv, " ")
	ctx, stop := signal.NotifyContext(stdcontext.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	// On a terminal, keys go to the program as typed (raw mode): Ctrl+C
	// reaches the program, and the recording ends when it exits.
	var stdin io.Reader = os.Stdin
	if restore, err := makeRaw(int(os.Stdin.Fd())); err == nil {
		defer restore()
		fmt.Fprintf(c.Stderr, "● recording %s at %gfps into %s; it ends when the program exits\r\n", *tf.size, o.FPS, *out)
	}
	s, err := termrec.RunPTY(ctx, *out, o, argv, stdin, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "\r\nrecorded %d frames (%s) into %s; %s exited with %d\r\n",
		s.Frames, s.Duration.Round(time.Second/10), *out, argv[0], s.ExitCode)
	return nil
}

// makeRaw puts the terminal fd into raw mode and returns how to undo it;
// it fails when fd is not a terminal.
func makeRaw(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}
