package sandbox

import (
	"fmt"
	"testing"
)

// busy opens most windows and a menu: a frame with much to draw.
func busy(b *testing.B, w, h int) *Desktop {
	d := newDesktop(b, nil, w, h)
	for _, ic := range d.Icons()[:5] {
		doubleClick(d, center(ic.Picture))
	}
	d.Step(rightDown(w*3/4, h/2))
	return d
}

func BenchmarkRender(b *testing.B) {
	for _, size := range [][2]int{{128, 96}, {256, 192}, {1024, 768}} {
		b.Run(sizeName(size), func(b *testing.B) {
			d := busy(b, size[0], size[1])
			f := newFrame(d)
			for b.Loop() {
				d.Render(f)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

func sizeName(s [2]int) string {
	return fmt.Sprintf("%dx%d", s[0], s[1])
}
