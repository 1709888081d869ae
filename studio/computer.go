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

	// Once the window closes, Fyne's event loop ends and calls from the
	// stepping goroutine would arrive on the wrong thread: it stops first.
	// Every way out closes the window (Quit closes them all), so the
	// shutdown watchdog is armed there; a recording the watchdog cuts
	// short is read back as unfinished (all but its last second).
	var closing atomic.Bool
	watch := newShutdownWatch()
	w.SetOnClosed(func() {
		closing.Store(true)
		watch.arm()
	})
	var runErr error
	st := &stepper{c: c, scr: scr, fps: opts.FPS, closing: &closing,
		onStep: opts.OnStep,
		onError: func(err error) {
			runErr = err
			fyne.Do(a.Quit)
		},
		onStatus: func(line string) {
			if opts.Status != nil {
				line = opts.Status() + " · " + line
			}
			fyne.Do(func() { status.SetText(line) })
		}}
	st.start()
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
	watch.disarm()
	st.halt()
	return runErr
}

// stepper steps a Computer at fps on its own goroutine, taking each step's
// action from a Screen and showing the frame on it; the sandbox window and
// the studio's Sandbox page use it.
type stepper struct {
	c        Computer
	scr      *screen.Screen
	fps      float64
	closing  *atomic.Bool                                   // set: the window is going, stop touching it
	onStep   func(a action.Action, frame *image.RGBA) error // after each step (a recorder); an error stops
	onError  func(error)
	onStatus func(line string) // "step N · R steps/s", after each step
	stop     chan struct{}
	done     chan struct{}
}

// start shows the current frame and begins stepping.
func (s *stepper) start() {
	w, h := s.scr.FrameSize()
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	s.c.Render(frame)
	s.scr.SetFrame(frame)
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	stop, done := s.stop, s.done
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Duration(float64(time.Second) / s.fps))
		defer tick.Stop()
		start := time.Now()
		for step := 1; ; step++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			act := s.scr.Step()
			s.c.Step(act)
			s.c.Render(frame)
			if s.closing != nil && s.closing.Load() {
				return
			}
			s.scr.SetFrame(frame)
			if s.onStep != nil {
				if err := s.onStep(act, frame); err != nil {
					if s.onError != nil {
						s.onError(err)
					}
					return
				}
			}
			if s.onStatus != nil {
				s.onStatus(fmt.Sprintf("step %d · %.1f steps/s", step, float64(step)/time.Since(start).Seconds()))
			}
		}
	}()
}

// halt stops stepping and waits for the goroutine.
func (s *stepper) halt() {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
}
