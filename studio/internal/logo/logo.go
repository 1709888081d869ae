// Package logo draws the NC Studio icon. It has no GUI dependencies, so the
// icon generator builds without cgo.
package logo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Draw draws the NC Studio icon at size x size pixels: a dark rounded tile
// holding a glowing "screen" whose pixels are a lattice of neurons, with a
// mouse cursor on top. Icon.png at the repository root is Draw(512), written
// by `go generate ./studio` (see ../mkicon); a test keeps them equal.
func Draw(size int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float64(size) / 512 // design units are 512 px
	const ss = 4             // supersampling per axis

	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / s
					y := (float64(py) + (float64(sy)+0.5)/ss) / s
					cr, cg, cb, ca := logoSample(x, y)
					r += cr * ca
					g += cg * ca
					b += cb * ca
					a += ca
				}
			}
			n := float64(ss * ss)
			img.SetRGBA(px, py, color.RGBA{
				R: uint8(math.Round(255 * r / n)),
				G: uint8(math.Round(255 * g / n)),
				B: uint8(math.Round(255 * b / n)),
				A: uint8(math.Round(255 * a / n)),
			})
		}
	}
	return img
}

// PNG returns Draw(size) encoded as PNG.
func PNG(size int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Draw(size)); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return buf.Bytes()
}

// logoSample returns the straight (non-premultiplied) colour at design
// coordinates (x, y) in [0, 512).
func logoSample(x, y float64) (r, g, b, a float64) {
	// Tile: rounded square with a vertical navy gradient.
	if !inRoundRect(x, y, 16, 16, 496, 496, 96) {
		return 0, 0, 0, 0
	}
	t := y / 512
	r, g, b = mix3(0.09, 0.10, 0.20, 0.04, 0.05, 0.11, t)
	a = 1

	// Screen: rounded rectangle with a teal-to-violet diagonal gradient.
	const sx0, sy0, sx1, sy1 = 88, 112, 424, 352
	if inRoundRect(x, y, sx0-10, sy0-10, sx1+10, sy1+10, 34) && !inRoundRect(x, y, sx0, sy0, sx1, sy1, 24) {
		r, g, b = 0.72, 0.76, 0.86 // bezel
	}
	if inRoundRect(x, y, sx0, sy0, sx1, sy1, 24) {
		u := ((x - sx0) + (y - sy0)) / ((sx1 - sx0) + (sy1 - sy0))
		r, g, b = mix3(0.05, 0.55, 0.62, 0.38, 0.20, 0.70, u)
		// Neuron lattice: soft bright dots with faint links.
		const step = 48.0
		cx := sx0 + 24 + step*math.Round((x-sx0-24)/step)
		cy := sy0 + 24 + step*math.Round((y-sy0-24)/step)
		d := math.Hypot(x-cx, y-cy)
		glow := math.Max(0, 1-d/10)
		lx := math.Abs(y-cy) < 1.5 || math.Abs(x-cx) < 1.5
		if lx {
			r, g, b = mix3(r, g, b, 1, 1, 1, 0.18)
		}
		r, g, b = mix3(r, g, b, 0.92, 1, 0.98, glow)
	}
	// Stand.
	if inRoundRect(x, y, 216, 362, 296, 392, 6) || inRoundRect(x, y, 168, 388, 344, 408, 10) {
		r, g, b = 0.72, 0.76, 0.86
	}

	// Cursor arrow with a dark outline, tip at (292, 184).
	if in, edge := inCursor(x-292, y-184); in {
		if edge {
			r, g, b = 0.05, 0.06, 0.10
		} else {
			r, g, b = 1, 1, 1
		}
	}
	return r, g, b, a
}

// inCursor reports whether (x, y), relative to the tip, is inside the classic
// arrow cursor (scaled up), and whether it is on its outline.
func inCursor(x, y float64) (in, edge bool) {
	// Polygon of the arrow, clockwise, in pixels relative to the tip.
	poly := [][2]float64{{0, 0}, {0, 150}, {36, 116}, {60, 168}, {84, 157}, {61, 107}, {108, 105}}
	if !inPolygon(x, y, poly) {
		return false, false
	}
	return true, distToPolygon(x, y, poly) < 9
}

func inRoundRect(x, y, x0, y0, x1, y1, rad float64) bool {
	if x < x0 || x >= x1 || y < y0 || y >= y1 {
		return false
	}
	cx := math.Max(x0+rad, math.Min(x, x1-rad))
	cy := math.Max(y0+rad, math.Min(y, y1-rad))
	return math.Hypot(x-cx, y-cy) <= rad
}

func inPolygon(x, y float64, p [][2]float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		xi, yi, xj, yj := p[i][0], p[i][1], p[j][0], p[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

func distToPolygon(x, y float64, p [][2]float64) float64 {
	best := math.Inf(1)
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		ax, ay, bx, by := p[j][0], p[j][1], p[i][0], p[i][1]
		dx, dy := bx-ax, by-ay
		t := math.Max(0, math.Min(1, ((x-ax)*dx+(y-ay)*dy)/(dx*dx+dy*dy)))
		best = math.Min(best, math.Hypot(x-(ax+t*dx), y-(ay+t*dy)))
	}
	return best
}

func mix3(r0, g0, b0, r1, g1, b1, t float64) (float64, float64, float64) {
	return r0 + (r1-r0)*t, g0 + (g1-g0)*t, b0 + (b1-b0)*t
}
