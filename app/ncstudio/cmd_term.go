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

	"github.com/ncstudio/ncstudio/engine/importer/asciinema"
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

func init() {
	register(&command{
		name:    "import asciinema",
		usage:   "FILE.cast --out DIR [--idle-limit S] [--size COLSxROWS] [--fps F] [--cell WxH] [--theme NAME] [--cursor STYLE]",
		summary: "render an asciinema cast (v1, v2, v3) into a cli trace; input events become key actions",
		run:     runImportAsciinema,
	})
	register(&command{
		name:    "synth terminal",
		usage:   "--out DIR [--frames N] [--traces K] [--seed S] [--size COLSxROWS] [--realtime] [--jobs J]",
		summary: "write cli traces of a scripted typist using a real bash in a pseudo-terminal",
		run:     runSynthTerminal,
	})
}

func runImportAsciinema(c *context) error {
	out := c.Flags.String("out", "", "trace directory to write (must not exist or be empty)")
	idle := c.Flags.Float64("idle-limit", 0, "shorten pauses longer than this many seconds (0: the cast's idle_time_limit; -1: keep every pause)")
	tf := addTermFlags(c, "")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 1 || *out == "" {
		return usagef("import asciinema: one FILE.cast and --out DIR are required")
	}
	o, err := tf.options()
	if err != nil {
		return err
	}
	cast, err := asciinema.ReadFile(args[0])
	if err != nil {
		return err
	}
	res, err := termrec.ImportCast(cast, args[0], *out, o, *idle)
	if err != nil {
		return err
	}
	return c.Emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "imported %s (asciicast v%d, %dx%d): %d frames over %.1f s, %d keys, %d resizes, %d markers → %s\n",
			args[0], cast.Version, cast.Cols, cast.Rows, res.Frames, res.Duration, res.Keys, res.Resizes, res.Markers, *out)
	})
}

func runSynthTerminal(c *context) error {
	out := c.Flags.String("out", "", "directory to write the traces into (created if missing)")
	frames := c.Flags.Int("frames", 1800, "frames per trace")
	traces := c.Flags.Int("traces", 1, "number of traces; trace k uses seed S+k")
	seed := c.Flags.Uint64("seed", 1, "seed of the first trace")
	realtime := c.Flags.Bool("realtime", false, "type in real time and record at --fps of wall-clock time (a live recording's timing) instead of taking each frame when the output settles")
	jobs := c.Flags.Int("jobs", 4, "traces recorded at once")
	tf := addTermFlags(c, "32x12")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	switch {
	case len(args) > 0:
		return usagef("synth terminal: unexpected argument %q", args[0])
	case *out == "":
		return usagef("synth terminal: --out DIR is required")
	case *frames < 2 || *traces < 1 || *jobs < 1:
		return usagef("synth terminal: --frames must be at least 2, --traces and --jobs at least 1")
	}
	o, err := tf.options()
	if err != nil {
		return err
	}
	mode := "script"
	if *realtime {
		mode = "live"
	}
	dirs, err := seedDirs("synth terminal", *out, *traces, *seed, "bash-"+mode)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress(c.Stderr, "synth terminal", "frames", *traces**frames)
	o.OnFrame = func() { bar.add(1) }
	err = runJobs(len(dirs), *jobs, func(k int) error {
		if err := synthTerminalTrace(ctx, dirs[k], o, *seed+uint64(k), *frames, *realtime); err != nil {
			stop() // the other sessions end too
			return fmt.Errorf("%s: %w", dirs[k], err)
		}
		return nil
	})
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "wrote %d traces of %d frames to %s\n", *traces, *frames, *out)
	return nil
}

// synthTerminalTrace records one typist session in a fresh home directory.
func synthTerminalTrace(ctx stdcontext.Context, dir string, o termrec.Options, seed uint64, frames int, realtime bool) error {
	home, err := os.MkdirTemp("", "ncstudio-typist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	if err := termrec.PrepareHome(home); err != nil {
		return err
	}
	typist := termrec.NewTypist(seed)
	o.Tags = map[string]string{"agent": "typist", "seed": fmt.Sprint(seed)}
	o.Env, o.Dir = termrec.ShellEnv(home), home
	if !realtime {
		o.Source = "pty:bash (typist, scripted)"
		_, err = termrec.RunScript(ctx, dir, o, termrec.ShellArgv, typist, frames)
		return err
	}
	o.Source = "pty:bash (typist, live)"
	ctx, cancel := stdcontext.WithTimeout(ctx, time.Duration(float64(frames)/o.FPS*float64(time.Second)))
	defer cancel()
	_, err = termrec.RunPTY(ctx, dir, o, termrec.ShellArgv, typist.Keyboard(o.FPS, frames), nil)
	return err
}
