// Package viewport is the Fyne widget that shows NC Studio's OpenGL
// viewport (a viewer.Offscreen) and feeds it the mouse and keyboard: the
// view is rendered at the widget's size in device pixels, so overlays and
// text stay sharp, and shown in a canvas.Image. F1..F11 are the viewer's
// controls, as in `ncstudio play`; every other key goes to the model.
package viewport

import (
	"image"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/studio/screen"
	"github.com/ncstudio/ncstudio/viewer"
)

// Viewport shows an Offscreen view. Create it with New; Start begins
// redrawing.
type Viewport struct {
	widget.BaseWidget
	off *viewer.Offscreen
	img *canvas.Image

	bufs    [2]*image.RGBA // rendered into alternately: one is shown while the other is drawn
	next    int
	pending atomic.Bool // a drawn buffer waits to be shown: do not draw over the other yet
	// pixels is the widget's size in device pixels (w<<32 | h), set on
	// Fyne's thread by Resize and read by the redraw goroutine.
	pixels  atomic.Uint64
	scaleOf atomic.Uint32 // math.Float32bits of the canvas scale
	stop    chan struct{}
	done    chan struct{}
	// OnError, if set, receives the first rendering error (the redraw
	// stops then).
	OnError func(error)
}

var (
	_ desktop.Hoverable = (*Viewport)(nil)
	_ desktop.Mouseable = (*Viewport)(nil)
	_ desktop.Keyable   = (*Viewport)(nil)
	_ fyne.Scrollable   = (*Viewport)(nil)
	_ fyne.Tappable     = (*Viewport)(nil)
)

// New makes a viewport widget for off.
func New(off *viewer.Offscreen) *Viewport {
	v := &Viewport{off: off, img: canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))}
	v.img.FillMode = canvas.ImageFillStretch // the image is rendered at the widget's pixel size
	v.img.ScaleMode = canvas.ImageScalePixels
	v.ExtendBaseWidget(v)
	return v
}

func (v *Viewport) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.img) }

// MinSize fits one 128x96 frame at 2x.
func (v *Viewport) MinSize() fyne.Size { return fyne.NewSize(256, 192) }

// Start redraws the view hz times a second until Stop.
func (v *Viewport) Start(hz float64) {
	v.stop, v.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(v.done)
		tick := time.NewTicker(time.Duration(float64(time.Second) / hz))
		defer tick.Stop()
		for {
			select {
			case <-v.stop:
				return
			case <-tick.C:
			}
			if err := v.Redraw(); err != nil {
				if v.OnError != nil {
					v.OnError(err)
				}
				return
			}
		}
	}()
}

// Stop ends the redrawing and waits for it.
func (v *Viewport) Stop() {
	if v.stop != nil {
		close(v.stop)
		<-v.done
		v.stop = nil
	}
}

// Resize records the size in device pixels for the redraw goroutine.
func (v *Viewport) Resize(size fyne.Size) {
	v.BaseWidget.Resize(size)
	s := float32(1)
	if app := fyne.CurrentApp(); app != nil {
		if c := app.Driver().CanvasForObject(v); c != nil {
			s = c.Scale()
		}
	}
	v.scaleOf.Store(math.Float32bits(s))
	v.pixels.Store(uint64(size.Width*s)<<32 | uint64(size.Height*s))
}

// scale is the canvas's device pixels per Fyne unit.
func (v *Viewport) scale() float32 {
	if b := v.scaleOf.Load(); b != 0 {
		return math.Float32frombits(b)
	}
	return 1
}

// Redraw renders the view at the widget's pixel size into the buffer not
// on screen, then hands it to Fyne's thread. It never waits for that
// thread, so Stop can be called from it. Start calls it periodically.
func (v *Viewport) Redraw() error {
	if v.pending.Load() {
		return nil // Fyne has not shown the last one yet
	}
	px := v.pixels.Load()
	w, h := int(px>>32), int(px&0xffffffff)
	if w < 8 || h < 8 || w > 1<<14 || h > 1<<14 {
		return nil // not laid out yet (or not on a real canvas: test windows)
	}
	buf := v.bufs[v.next]
	if buf == nil || buf.Rect.Dx() != w || buf.Rect.Dy() != h {
		buf = image.NewRGBA(image.Rect(0, 0, w, h))
		v.bufs[v.next] = buf
	}
	if err := v.off.Render(buf); err != nil {
		return err
	}
	v.next = 1 - v.next
	v.pending.Store(true)
	fyne.Do(func() {
		v.img.Image = buf
		v.img.Refresh()
		v.pending.Store(false)
	})
	return nil
}

// Image is the image on screen (for tests).
func (v *Viewport) Image() image.Image { return v.img.Image }

// mouse moves the view's mouse to a position in the widget.
func (v *Viewport) mouse(p fyne.Position) {
	s := v.scale()
	v.off.MouseAt(float64(p.X*s), float64(p.Y*s))
}

func (v *Viewport) MouseIn(e *desktop.MouseEvent)    { v.mouse(e.Position) }
func (v *Viewport) MouseMoved(e *desktop.MouseEvent) { v.mouse(e.Position) }
func (v *Viewport) MouseOut()                        {}

// Cursor hides the system pointer: the model draws its own.
func (v *Viewport) Cursor() desktop.Cursor { return desktop.HiddenCursor }

func (v *Viewport) MouseDown(e *desktop.MouseEvent) {
	v.mouse(e.Position)
	v.off.Runner().Input().Press(screen.Button(e.Button))
	screen.Focus(v)
}

func (v *Viewport) MouseUp(e *desktop.MouseEvent) {
	v.mouse(e.Position)
	v.off.Runner().Input().Release(screen.Button(e.Button))
}

// Tapped only takes the keyboard focus; MouseDown/MouseUp carry the click.
func (v *Viewport) Tapped(*fyne.PointEvent) { screen.Focus(v) }

func (v *Viewport) Scrolled(e *fyne.ScrollEvent) {
	if n := screen.ScrollSteps(e); n != 0 {
		v.off.Runner().Input().Scroll(n)
	}
}

func (v *Viewport) FocusGained() {}
func (v *Viewport) FocusLost()   {}

func (v *Viewport) TypedRune(r rune) { v.off.Runner().Input().Type(string(r)) }

// TypedKey is Fyne's key-repeat path; KeyDown/KeyUp carry every key.
func (v *Viewport) TypedKey(*fyne.KeyEvent) {}

// controls maps function keys to viewer commands, as the play window does.
var controls = map[fyne.KeyName]viewer.Control{
	fyne.KeyF1: viewer.ToggleHelp, fyne.KeyF2: viewer.ToggleHUD, fyne.KeyF3: viewer.ToggleCursors,
	fyne.KeyF4: viewer.ToggleTrail, fyne.KeyF5: viewer.ToggleLog, fyne.KeyF6: viewer.ToggleSplit,
	fyne.KeyF7: viewer.TogglePause, fyne.KeyF8: viewer.SingleStep, fyne.KeyF9: viewer.Reset,
	fyne.KeyF10: viewer.FewerSamplerSteps, fyne.KeyF11: viewer.MoreSamplerSteps,
}

func (v *Viewport) KeyDown(e *fyne.KeyEvent) {
	if c, ok := controls[e.Name]; ok {
		v.off.Control(c)
		return
	}
	if k := screen.Keysym(e.Name); k != "" {
		v.off.Runner().Input().KeyDown(k)
	}
}

func (v *Viewport) KeyUp(e *fyne.KeyEvent) {
	if _, ok := controls[e.Name]; ok {
		return
	}
	if k := screen.Keysym(e.Name); k != "" {
		v.off.Runner().Input().KeyUp(k)
	}
}
