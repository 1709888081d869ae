// Package screen is the Fyne widget through which a person uses a frame-based
// computer (the sandbox desktop now, the neural computer later): it shows
// frames pixel-exactly, scaled to fit, and turns the mouse and keyboard
// events it receives into one action.Action per frame step.
package screen

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Screen shows frames of a fixed pixel size and collects input in frame
// coordinates. Create it with New.
type Screen struct {
	widget.BaseWidget
	w, h    int
	img     *canvas.Image
	input   action.Collector
	mu      sync.Mutex
	frame   *image.RGBA
	focused bool
}

var (
	_ desktop.Hoverable = (*Screen)(nil)
	_ desktop.Mouseable = (*Screen)(nil)
	_ desktop.Keyable   = (*Screen)(nil)
	_ fyne.Scrollable   = (*Screen)(nil)
	_ fyne.Tappable     = (*Screen)(nil)
)

// New makes a screen for frames of w×h pixels.
func New(w, h int) *Screen {
	s := &Screen{w: w, h: h, frame: image.NewRGBA(image.Rect(0, 0, w, h))}
	s.img = canvas.NewImageFromImage(s.frame)
	s.img.FillMode = canvas.ImageFillContain
	s.img.ScaleMode = canvas.ImageScalePixels // sharp pixels: what the model sees
	s.ExtendBaseWidget(s)
	return s
}

func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.img) }

// FrameSize is the size of the frames the screen shows.
func (s *Screen) FrameSize() (w, h int) { return s.w, s.h }

// MinSize is the frame's own size, so a frame is never shown smaller than 1:1.
func (s *Screen) MinSize() fyne.Size { return fyne.NewSize(float32(s.w), float32(s.h)) }

// SetFrame shows a copy of frame (which must be w×h). Safe from any goroutine.
func (s *Screen) SetFrame(frame *image.RGBA) {
	s.mu.Lock()
	next := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	copy(next.Pix, frame.Pix)
	s.frame = next
	s.mu.Unlock()
	fyne.Do(func() {
		s.mu.Lock()
		s.img.Image = s.frame
		s.mu.Unlock()
		s.img.Refresh()
	})
}

// Step returns the action of the frame step that just ended.
func (s *Screen) Step() action.Action { return s.input.Step() }

// toFrame maps a position in the widget to frame pixels, accounting for the
// letterboxing of ImageFillContain, clamped to the frame.
func (s *Screen) toFrame(p fyne.Position) (int, int) {
	size := s.Size()
	scale := min(size.Width/float32(s.w), size.Height/float32(s.h))
	if scale <= 0 {
		return 0, 0
	}
	ox := (size.Width - scale*float32(s.w)) / 2
	oy := (size.Height - scale*float32(s.h)) / 2
	x := int((p.X - ox) / scale)
	y := int((p.Y - oy) / scale)
	return min(max(x, 0), s.w-1), min(max(y, 0), s.h-1)
}

func (s *Screen) move(p fyne.Position) { s.input.Move(s.toFrame(p)) }

// Button is the action button of a Fyne mouse button (0 for others).
func Button(b desktop.MouseButton) action.Buttons {
	switch b {
	case desktop.MouseButtonPrimary:
		return action.Left
	case desktop.MouseButtonSecondary:
		return action.Right
	case desktop.MouseButtonTertiary:
		return action.Middle
	}
	return 0
}

func (s *Screen) MouseIn(e *desktop.MouseEvent)    { s.move(e.Position) }
func (s *Screen) MouseMoved(e *desktop.MouseEvent) { s.move(e.Position) }
func (s *Screen) MouseOut()                        {}

// Cursor hides the system pointer over the screen: the frames draw the
// computer's own cursor, and two would confuse.
func (s *Screen) Cursor() desktop.Cursor { return desktop.HiddenCursor }

func (s *Screen) MouseDown(e *desktop.MouseEvent) {
	s.move(e.Position)
	s.input.Press(Button(e.Button))
	s.requestFocus()
}

func (s *Screen) MouseUp(e *desktop.MouseEvent) {
	s.move(e.Position)
	s.input.Release(Button(e.Button))
}

// Tapped only takes the keyboard focus; MouseDown/MouseUp carry the click.
func (s *Screen) Tapped(*fyne.PointEvent) { s.requestFocus() }

func (s *Screen) Scrolled(e *fyne.ScrollEvent) {
	if n := ScrollSteps(e); n != 0 {
		s.input.Scroll(n)
	}
}

// ScrollSteps is the wheel steps of a Fyne scroll event (positive: up).
// Fyne reports wheel notches as multiples of about 10 units; anything
// smaller still counts as one step.
func ScrollSteps(e *fyne.ScrollEvent) int {
	if steps := int(e.Scrolled.DY / 10); steps != 0 {
		return steps
	} else if e.Scrolled.DY > 0 {
		return 1
	} else if e.Scrolled.DY < 0 {
		return -1
	}
	return 0
}

func (s *Screen) requestFocus() { Focus(s) }

// Focus gives a focusable widget the keyboard focus of its window.
func Focus(w fyne.Focusable) {
	if c := fyne.CurrentApp(); c != nil {
		if o, ok := w.(fyne.CanvasObject); ok {
			if cnv := c.Driver().CanvasForObject(o); cnv != nil {
				cnv.Focus(w)
			}
		}
	}
}

// FocusGained and FocusLost make the screen focusable for keyboard input.
func (s *Screen) FocusGained() {}
func (s *Screen) FocusLost()   {}

// TypedRune receives text as typed (after the keyboard layout).
func (s *Screen) TypedRune(r rune) { s.input.Type(string(r)) }

// TypedKey is Fyne's key-repeat path for non-text keys; KeyDown/KeyUp already
// record every key, so nothing is added here.
func (s *Screen) TypedKey(*fyne.KeyEvent) {}

func (s *Screen) KeyDown(e *fyne.KeyEvent) {
	if k := Keysym(e.Name); k != "" {
		s.input.KeyDown(k)
	}
}

func (s *Screen) KeyUp(e *fyne.KeyEvent) {
	if k := Keysym(e.Name); k != "" {
		s.input.KeyUp(k)
	}
}
