package studio

import (
	"fmt"
	"image"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/studio/screen"
)

// Computer is anything that runs one frame step at a time from user actions:
// the sandbox desktop now, a neural computer session later.
type Computer interface {
	Step(a action.Action)
	Render(dst *image.RGBA)
}

// ComputerOptions configure RunComputer.
type ComputerOptions struct {
	Title         string
	Width, Height int     // frame size in pixels
	FPS           float64 // frame steps per second
	Scale         int     // initial window scale (0: fit about 1000x700 pixels)
	// OnStep, if set, receives every step's action and the frame it produced
	// (a recorder writes them); an error stops the window with that error.
	OnStep func(a action.Action, frame *image.RGBA) error
	// Status, if set, returns a line for the status bar (e.g. "● recording").
	Status    func() string
	QuitAfter time.Duration // tests: close after this long
}

// RunComputer opens a window in which a person uses c with mouse and
// keyboard, stepping it at opts.FPS, until the window is closed. It must be
// called on the main goroutine.
func RunComputer(c Computer, opts ComputerOptions) error {
	if needsX11() && missingDisplay() {
		return ErrNoDisplay
	}
	a := app.NewWithID(AppID)
	w := a.NewWindow(opts.Title)
	scr := screen.New(opts.Width, opts.Height)
	status := widget.NewLabel("")
	w.SetContent(container.NewBorder(nil, status, nil, nil, scr))
	scale := opts.Scale
	if scale <= 0 {
		scale = max(1, min(1000/opts.Width, 700/opts.Height))
	}
	w.Resize(fyne.NewSize(float32(opts.Width*scale), float32(opts.Height*scale)+40))

	frame := image.NewRGBA(image.Rect(0, 0, opts.Width, opts.Height))
	c.Render(frame)
	scr.SetFrame(frame)

	// Once the window closes, Fyne's event loop ends and calls from the
	// stepping goroutine would arrive on the wrong thread: it stops first.
	var closing atomic.Bool
	w.SetOnClosed(func() { closing.Store(true) })
	var runErr error
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Duration(float64(time.Second) / opts.FPS))
		defer tick.Stop()
		start := time.Now()
		for step := 1; ; step++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			act := scr.Step()
			c.Step(act)
			c.Render(frame)
			if closing.Load() {
				return
			}
			scr.SetFrame(frame)
			if opts.OnStep != nil {
				if err := opts.OnStep(act, frame); err != nil {
					runErr = err
					fyne.Do(a.Quit)
					return
				}
			}
			line := fmt.Sprintf("step %d · %.1f steps/s", step, float64(step)/time.Since(start).Seconds())
			if opts.Status != nil {
				line = opts.Status() + " · " + line
			}
			fyne.Do(func() { status.SetText(line) })
		}
	}()
	if opts.QuitAfter > 0 {
		t := time.AfterFunc(opts.QuitAfter, func() {
			fyne.Do(func() {
				closing.Store(true)
				a.Quit()
			})
		})
		defer t.Stop()
	}
	w.ShowAndRun()
	close(stop)
	<-done
	return runErr
}
