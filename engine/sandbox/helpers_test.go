package sandbox

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

func leftDown(x, y int) action.Action  { return action.Action{X: x, Y: y, Buttons: action.Left} }
func rightDown(x, y int) action.Action { return action.Action{X: x, Y: y, Buttons: action.Right} }
func up(x, y int) action.Action        { return action.Action{X: x, Y: y} }

func newFrame(d *Desktop) *image.RGBA {
	w, h := d.Size()
	return image.NewRGBA(image.Rect(0, 0, w, h))
}

func newDesktop(t testing.TB, spec *Spec, w, h int) *Desktop {
	t.Helper()
	d, err := New(spec, Options{Width: w, Height: h})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func center(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

// click presses and releases the left button at p, one step each.
func click(d *Desktop, p image.Point) {
	d.Step(leftDown(p.X, p.Y))
	d.Step(up(p.X, p.Y))
}

func doubleClick(d *Desktop, p image.Point) {
	click(d, p)
	click(d, p)
}

// openIcon double-clicks the icon whose label is given.
func openIcon(t testing.TB, d *Desktop, label string) {
	t.Helper()
	for _, ic := range d.Icons() {
		if ic.Label == label {
			doubleClick(d, center(ic.Picture))
			return
		}
	}
	t.Fatalf("no icon %q", label)
}

func mustWindow(t testing.TB, d *Desktop, id string) WindowInfo {
	t.Helper()
	w, ok := d.Window(id)
	if !ok {
		t.Fatalf("window %q is not open; open: %v", id, d.Windows())
	}
	return w
}

// render returns a copy of the current frame.
func render(d *Desktop) *image.RGBA {
	f := newFrame(d)
	d.Render(f)
	return f
}

func samePixels(a, b *image.RGBA, r image.Rectangle) bool {
	r = r.Intersect(a.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				return false
			}
		}
	}
	return true
}
