package studio

import (
	"context"
	"fmt"
	"image"
	"os"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/record/x11"
)

// x11Source is the Sandbox & record page's name of the X display source,
// or "" when there is no display to record.
func x11Source() string {
	if d := os.Getenv("DISPLAY"); d != "" {
		return "X11 display " + d + " (whole screen)"
	}
	return ""
}

// x11WindowPrefix starts the source chooser's names of single windows.
const x11WindowPrefix = "X11 window: "

// x11Windows are the source chooser's names of the display's titled
// windows (not the studio's own), with their rectangles.
func x11Windows() (names []string, rects map[string]image.Rectangle) {
	rects = map[string]image.Rectangle{}
	if os.Getenv("DISPLAY") == "" {
		return nil, rects
	}
	d, err := x11.Open("")
	if err != nil {
		return nil, rects
	}
	defer d.Close()
	for _, w := range d.Windows() {
		name := fmt.Sprintf("%s%s (%dx%d at %d,%d)", x11WindowPrefix, w.Title, w.Rect.Dx(), w.Rect.Dy(), w.Rect.Min.X, w.Rect.Min.Y)
		if w.Title == Title || rects[name] != (image.Rectangle{}) {
			continue
		}
		names = append(names, name)
		rects[name] = w.Rect
	}
	return names, rects
}

// x11Recording records the X display on its own goroutines until stopped:
// the whole screen scaled to the default model's frame, a person's input
// from the RECORD extension (polled where there is none), the studio's own
// windows blacked out.
type x11Recording struct {
	cancel context.CancelFunc
	done   chan struct{}
	stats  x11.Stats
	err    error
}

// startX11Recording starts recording region (empty: the whole screen)
// into dir; onFrame reports progress (from the recording goroutine).
func startX11Recording(dir string, region image.Rectangle, onFrame func(x11.Stats)) (*x11Recording, error) {
	d, err := x11.Open("")
	if err != nil {
		return nil, err
	}
	cfg := model.Presets["default"]
	o := x11.Options{Region: region, Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS, Source: "x11:" + d.Name + " (studio)",
		OnFrame: onFrame, Exclude: func() []image.Rectangle { return d.WindowsNamed(Title) }}
	input, _, err := x11.NewPersonInput(d.Name, o)
	if err != nil {
		d.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &x11Recording{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer d.Close()
		defer input.Close()
		r.stats, r.err = x11.Record(ctx, d, dir, o, input)
	}()
	return r, nil
}

// stop ends the recording and returns what it wrote.
func (r *x11Recording) stop() (x11.Stats, error) {
	r.cancel()
	<-r.done
	if r.err != nil {
		return r.stats, fmt.Errorf("recording the X display: %w", r.err)
	}
	return r.stats, nil
}
