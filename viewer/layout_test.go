package viewer

import "testing"

func TestLayoutMapsWindowToFrame(t *testing.T) {
	l := newLayout(900, 700, 128, 96, false)
	if l.scale != 7 || l.panel(0).Dx() != 896 || l.x0 != 2 || l.y0 != 14 {
		t.Fatalf("single panel: %+v %v", l, l.panel(0))
	}
	for _, c := range []struct {
		px, py     float64
		x, y       int
		wantInside bool
	}{
		{2, 14, 0, 0, true}, {2 + 7*10 + 6.9, 14 + 7*20, 10, 20, true}, {897.9, 685.9, 127, 95, true},
		{0, 0, 0, 0, false}, {899, 699, 127, 95, false},
	} {
		x, y, in := l.toFrame(c.px, c.py)
		if x != c.x || y != c.y || in != c.wantInside {
			t.Errorf("(%g,%g) -> (%d,%d) %v, want (%d,%d) %v", c.px, c.py, x, y, in, c.x, c.y, c.wantInside)
		}
	}
	// Split: the same frame point under the mouse in the sandbox and the
	// neural panel, and toWindow inverts toFrame.
	s := newLayout(1200, 400, 128, 96, true)
	if s.scale != 3 {
		t.Fatalf("split scale %g", s.scale)
	}
	for _, p := range []int{s.sandboxPanel(), s.neuralPanel(), s.diffPanel()} {
		w := s.toWindow(p, 40, 30)
		if x, y, in := s.toFrame(float64(w.X), float64(w.Y)); x != 40 || y != 30 || !in {
			t.Errorf("panel %d: round trip gives (%d,%d) %v", p, x, y, in)
		}
	}
	// Windows smaller than the frame still map.
	tiny := newLayout(64, 48, 128, 96, false)
	if x, y, _ := tiny.toFrame(63.9, 47.9); x != 127 || y != 95 {
		t.Errorf("half-size window: (%d,%d)", x, y)
	}
}
