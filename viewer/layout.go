package viewer

import (
	"image"
	"math"
)

// layout places the frame panels in the window: one panel (the neural
// computer), or three side by side in the split view (sandbox | neural
// computer | difference), scaled as large as fits and centred.
type layout struct {
	fbW, fbH       int
	frameW, frameH int
	panels         int
	scale          float64 // window pixels per frame pixel
	x0, y0         int     // top-left of the first panel, y down
}

func newLayout(fbW, fbH, frameW, frameH int, split bool) layout {
	l := layout{fbW: fbW, fbH: fbH, frameW: frameW, frameH: frameH, panels: 1}
	if split {
		l.panels = 3
	}
	l.scale = math.Max(math.Min(float64(fbW)/float64(l.panels*frameW), float64(fbH)/float64(frameH)), 1e-3)
	// Whole window pixels per frame pixel keep the frame's pixels even.
	if l.scale >= 1 {
		l.scale = math.Floor(l.scale)
	}
	pw, ph := l.panelSize()
	l.x0, l.y0 = (fbW-l.panels*pw)/2, (fbH-ph)/2
	return l
}

func (l layout) panelSize() (int, int) {
	return int(float64(l.frameW) * l.scale), int(float64(l.frameH) * l.scale)
}

// Panel indexes.
func (l layout) sandboxPanel() int { return 0 } // split view only
func (l layout) neuralPanel() int {
	if l.panels == 3 {
		return 1
	}
	return 0
}
func (l layout) diffPanel() int { return 2 } // split view only

// panel is panel i's rectangle in window pixels, y down.
func (l layout) panel(i int) image.Rectangle {
	pw, ph := l.panelSize()
	return image.Rect(l.x0+i*pw, l.y0, l.x0+(i+1)*pw, l.y0+ph)
}

// toFrame maps a window position (y down) to frame pixels of the panel it
// is over (any panel shows the same frame coordinates), clamped to the
// frame; inside says whether it was over a panel at all.
func (l layout) toFrame(px, py float64) (x, y int, inside bool) {
	i := l.neuralPanel()
	for p := range l.panels {
		if r := l.panel(p); px >= float64(r.Min.X) && px < float64(r.Max.X) {
			i = p
		}
	}
	r := l.panel(i)
	fx := (px - float64(r.Min.X)) / l.scale
	fy := (py - float64(r.Min.Y)) / l.scale
	inside = fx >= 0 && fy >= 0 && fx < float64(l.frameW) && fy < float64(l.frameH)
	return clampInt(int(math.Floor(fx)), 0, l.frameW-1), clampInt(int(math.Floor(fy)), 0, l.frameH-1), inside
}

// toWindow maps the centre of frame pixel (x, y) in panel i to the window.
func (l layout) toWindow(i, x, y int) image.Point {
	r := l.panel(i)
	return image.Pt(r.Min.X+int((float64(x)+0.5)*l.scale), r.Min.Y+int((float64(y)+0.5)*l.scale))
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }
