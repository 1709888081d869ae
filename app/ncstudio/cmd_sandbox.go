package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/studio"
)

func init() {
	register(&command{
		name:    "sandbox",
		usage:   "[--spec FILE] [--size WxH] [--fps F] [--scale K] [--record DIR]",
		summary: "use the sandbox desktop in a window, optionally recording a trace",
		run:     runSandbox,
	})
	register(&command{
		name:    "sandbox spec",
		usage:   "[--out FILE]",
		summary: "print the built-in desktop's spec, to copy and edit",
		run:     runSandboxSpec,
	})
	register(&command{
		name:    "sandbox check",
		usage:   "FILE",
		summary: "check a desktop spec and report its first problem with its line",
		run:     runSandboxCheck,
	})
}

func runSandbox(c *context) error {
	df := addDesktopFlags(c)
	scale := c.Flags.Int("scale", 0, "window pixels per frame pixel (0: about 1000x700 pixels)")
	record := c.Flags.String("record", "", "record a trace into this new directory (NAME.nctrace)")
	quitAfter := c.Flags.Duration("quit-after", 0, "close the window after this long (for scripts and tests)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("sandbox: unexpected argument %q", args[0])
	}
	spec, dopts, err := df.parse()
	if err != nil {
		return err
	}
	d, err := sandbox.New(spec, dopts)
	if err != nil {
		return usageError{err}
	}
	opts := studio.ComputerOptions{
		Title: "NC Studio sandbox: " + spec.Name, Width: dopts.Width, Height: dopts.Height, FPS: dopts.FPS, Scale: *scale, QuitAfter: *quitAfter,
	}
	var rec *synth.Recorder
	if *record != "" {
		if rec, err = synth.NewRecorder(*record, d); err != nil {
			return err
		}
		opts.Title += " (recording)"
		opts.OnStep = rec.Step
		opts.Status = rec.Status
	}
	err = onMainThread(func() error { return studio.RunComputer(d, opts) })
	if rec != nil {
		n, cerr := rec.Close()
		if err == nil {
			err = cerr
		}
		if cerr == nil {
			fmt.Fprintf(c.Stdout, "recorded %d frames to %s\n", n, *record)
		}
	}
	return err
}

// desktopFlags are the flags that choose a sandbox desktop.
type desktopFlags struct {
	spec, size *string
	fps        *float64
}

func addDesktopFlags(c *context) desktopFlags {
	// Traces at the default preset's frame size (the embedded model's) can
	// teach it without resizing.
	def := model.Presets["default"]
	return desktopFlags{
		spec: c.Flags.String("spec", "", "desktop spec (JSON; default: the built-in desktop, see `ncstudio sandbox spec`)"),
		size: c.Flags.String("size", fmt.Sprintf("%dx%d", def.Width, def.Height), "frame size WxH (default: the default model's)"),
		fps:  c.Flags.Float64("fps", 15, "frame steps per second"),
	}
}

// parse loads the spec and reads the size, after the flags are parsed.
func (f desktopFlags) parse() (*sandbox.Spec, sandbox.Options, error) {
	w, h, err := parseSize(*f.size)
	if err != nil {
		return nil, sandbox.Options{}, err
	}
	spec, err := loadSpec(*f.spec)
	if err != nil {
		return nil, sandbox.Options{}, err
	}
	return spec, sandbox.Options{Width: w, Height: h, FPS: *f.fps}, nil
}

func runSandboxSpec(c *context) error {
	out := c.Flags.String("out", "", "write to this file instead of standard output")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("sandbox spec: unexpected argument %q", args[0])
	}
	if *out == "" {
		_, err := c.Stdout.Write(sandbox.DefaultSpecJSON())
		return err
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("sandbox spec: %s exists; not overwriting it", *out)
	}
	return atomicfile.Write(*out, func(w io.Writer) error {
		_, err := w.Write(sandbox.DefaultSpecJSON())
		return err
	})
}

// specCheck is the --json form of `sandbox check`.
type specCheck struct {
	File    string `json:"file"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
	Name    string `json:"name,omitempty"`
	Icons   int    `json:"icons"`
	Windows int    `json:"windows"`
	Menu    int    `json:"menu_items"`
}

func runSandboxCheck(c *context) error {
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("sandbox check: want one FILE, got %d arguments", len(args))
	}
	res := specCheck{File: args[0]}
	spec, err := sandbox.LoadSpec(args[0])
	if err != nil {
		res.Error = err.Error()
	} else {
		res.OK, res.Name, res.Icons, res.Windows, res.Menu = true, spec.Name, len(spec.Icons), len(spec.Windows), len(spec.Menu)
	}
	if eerr := c.Emit(res, func(w io.Writer) {
		if res.OK {
			fmt.Fprintf(w, "%s: ok: desktop %q with %d icons, %d windows, %d menu items\n", res.File, res.Name, res.Icons, res.Windows, res.Menu)
		}
	}); eerr != nil {
		return eerr
	}
	return err
}
