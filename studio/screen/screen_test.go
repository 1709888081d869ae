package screen

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/ncstudio/ncstudio/engine/action"
)

func mouse(x, y float32, b desktop.MouseButton) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}, Button: b}
}

func TestInputBecomesFrameActions(t *testing.T) {
	test.NewTempApp(t)
	s := New(256, 192)
	w := test.NewTempWindow(t, s)
	w.Resize(fyne.NewSize(600, 384)) // 2x scale, letterboxed horizontally
	s.Resize(fyne.NewSize(600, 384))
	// The frame is 512 wide at 2x: 44 units of bar on each side.
	s.MouseMoved(mouse(44+2*100, 2*50, 0))
	s.MouseDown(mouse(44+2*100, 2*50, desktop.MouseButtonPrimary))
	s.MouseUp(mouse(44+2*100, 2*50, desktop.MouseButtonPrimary))
	s.KeyDown(&fyne.KeyEvent{Name: fyne.KeyA})
	s.TypedRune('a')
	s.KeyUp(&fyne.KeyEvent{Name: fyne.KeyA})
	s.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -10)})
	a := s.Step()
	if a.X != 100 || a.Y != 50 || a.Buttons != action.Left || a.Text != "a" || a.Scroll != -1 {
		t.Fatalf("action %v", a)
	}
	if len(a.KeyDown) != 1 || a.KeyDown[0] != "a" || len(a.KeyUp) != 1 {
		t.Fatalf("keys %v %v", a.KeyDown, a.KeyUp)
	}
	// Outside the frame (on the bar), positions clamp to the edge.
	s.MouseMoved(mouse(1, 383, 0))
	if a := s.Step(); a.X != 0 || a.Y != 191 || a.Buttons != 0 {
		t.Fatalf("clamped action %v", a)
	}
}

func TestSetFrameShowsACopy(t *testing.T) {
	test.NewTempApp(t)
	s := New(4, 3)
	f := image.NewRGBA(image.Rect(0, 0, 4, 3))
	f.Set(1, 1, color.RGBA{255, 0, 0, 255})
	s.SetFrame(f)
	f.Set(1, 1, color.RGBA{0, 0, 255, 255}) // the caller may reuse its buffer
	if got := s.img.Image.(*image.RGBA).RGBAAt(1, 1); got != (color.RGBA{255, 0, 0, 255}) {
		t.Fatalf("shown pixel %v", got)
	}
}

func TestKeysym(t *testing.T) {
	for k, want := range map[fyne.KeyName]string{
		fyne.KeyA: "a", fyne.KeyReturn: "Return", fyne.KeyBackspace: "BackSpace", fyne.KeySpace: "space",
		fyne.Key5: "5", fyne.KeyPageUp: "Page_Up", desktop.KeyShiftLeft: "Shift_L", fyne.KeyEqual: "equal",
	} {
		if got := Keysym(k); got != want {
			t.Errorf("Keysym(%q) = %q, want %q", k, got, want)
		}
	}
}
