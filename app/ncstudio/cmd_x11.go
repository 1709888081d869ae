package main

import (
	stdcontext "context"
	"fmt"
	"image"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/ncstudio/ncstudio/engine/record/x11"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
)

func init() {
	register(&command{
		name:    "record x11",
		usage:   "--out DIR [--display :N] [--window ID | --region X,Y,W,H] [--size WxH] [--fps F] [--seconds S]",
		summary: "record an X11 display (frames, your mouse and keys, the cursor) as a trace, until Ctrl-C",
		run:     runRecordX11,
	})
	register(&command{
		name:    "drive x11",
		usage:   "--display :N --out DIR [--agent random|goal|mixed] [--frames N] [--seed S] [--region X,Y,W,H] [--size WxH] [--fps F]",
		summary: "drive an X11 display with a scripted agent through XTest while recording it",
		run:     runDriveX11,
	})
}

// x11Flags are the capture options shared by record and drive.
type x11Flags struct {
	display, region, size, window *string
	fps                           *float64
}

func addX11Flags(c *context) *x11Flags {
	return &x11Flags{
		display: c.Flags.String("display", "", "X display (default $DISPLAY)"),
		region:  c.Flags.String("region", "", "record only X,Y,W,H of the screen"),
		window:  c.Flags.String("window", "", "record only this window (its id, e.g. 0x1a00003 from xwininfo)"),
		size:    c.Flags.String("size", "", "frame size WxH, scaled down from the region (default: the region's)"),
		fps:     c.Flags.Float64("fps", 15, "frames per second"),
	}
}

// options opens the display and reads the capture options.
func (f *x11Flags) options() (*x11.Display, x11.Options, error) {
	o := x11.Options{FPS: *f.fps}
	var err error
	if o.Width, o.Height, err = optionalSize(*f.size); err != nil {
		return nil, o, err
	}
	if *f.region != "" && *f.window != "" {
		return nil, o, usagef("--region and --window: choose one")
	}
	if *f.region != "" {
		var x, y, w, h int
		if _, err := fmt.Sscanf(*f.region, "%d,%d,%d,%d", &x, &y, &w, &h); err != nil {
			return nil, o, usagef("--region %q: want X,Y,W,H", *f.region)
		}
		o.Region = image.Rect(x, y, x+w, y+h)
	}
	d, err := x11.Open(*f.display)
	if err != nil {
		return nil, o, err
	}
	if *f.window != "" {
		var id uint32
		if _, err := fmt.Sscan(*f.window, &id); err != nil {
			d.Close()
			return nil, o, usagef("--window %q: want a window id, e.g. 0x1a00003", *f.window)
		}
		if o.Region, err = d.WindowRect(xproto.Window(id)); err != nil {
			d.Close()
			return nil, o, err
		}
	}
	o.Source = "x11:" + d.Name
	return d, o, nil
}

func runRecordX11(c *context) error {
	out := c.Flags.String("out", "", "trace directory to write (must not exist or be empty)")
	seconds := c.Flags.Float64("seconds", 0, "stop after this many seconds (0: at Ctrl-C)")
	xf := addX11Flags(c)
	if _, err := c.Parse(); err != nil {
		return err
	}
	if *out == "" {
		return usagef("record x11: --out DIR is required")
	}
	d, o, err := xf.options()
	if err != nil {
		return err
	}
	defer d.Close()
	if *seconds > 0 {
		o.Frames = int(*seconds * o.FPS)
	}
	input, how, err := x11.NewPersonInput(d.Name, o)
	if err != nil {
		return err
	}
	defer input.Close()
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(c.Stderr, "● REC %s → %s, input by %s (Ctrl-C stops; the trace stays valid)\n", d.Name, *out, how)
	o.OnFrame = func(s x11.Stats) {
		if s.Frames%int(o.FPS) == 0 {
			fmt.Fprintf(c.Stderr, "\r● REC %d frames (%s), %d dropped ", s.Frames, s.Elapsed.Round(time.Second), s.Dropped)
		}
	}
	st, err := x11.Record(ctx, d, *out, o, input)
	fmt.Fprintln(c.Stderr)
	if err != nil {
		return err
	}
	return c.Emit(st, func(w io.Writer) { printX11Stats(w, *out, st) })
}

func runDriveX11(c *context) error {
	out := c.Flags.String("out", "", "trace directory to write (must not exist or be empty)")
	kind := c.Flags.String("agent", "mixed", "agent: random, goal or mixed")
	frames := c.Flags.Int("frames", 450, "frames to record")
	seed := c.Flags.Uint64("seed", 1, "agent seed")
	xf := addX11Flags(c)
	if _, err := c.Parse(); err != nil {
		return err
	}
	if *out == "" || *frames < 2 {
		return usagef("drive x11: --out DIR is required and --frames must be at least 2")
	}
	ag, err := agent.NewForSurface(*kind, *seed)
	if err != nil {
		return usageError{err}
	}
	d, o, err := xf.options()
	if err != nil {
		return err
	}
	defer d.Close()
	o.Frames = *frames
	o.Tags = map[string]string{"agent": *kind, "seed": fmt.Sprint(*seed)}
	dr, err := x11.NewDriver(d, o, ag)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress(c.Stderr, "drive "+d.Name, "frames", *frames)
	o.OnFrame = func(s x11.Stats) { bar.set(s.Frames) }
	st, err := x11.Record(ctx, d, *out, o, dr)
	bar.finish()
	if err != nil {
		return err
	}
	return c.Emit(st, func(w io.Writer) { printX11Stats(w, *out, st) })
}

func printX11Stats(w io.Writer, out string, st x11.Stats) {
	fmt.Fprintf(w, "recorded %d frames in %s into %s; %d frame ticks dropped; %d cursor shape%s\n",
		st.Frames, st.Elapsed.Round(time.Second/10), out, st.Dropped, st.Shapes, strings.Repeat("s", min(1, st.Shapes-1)))
}
