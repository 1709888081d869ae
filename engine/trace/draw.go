package trace

import (
	"image"
)

// scaleRGBA resizes src to w x h: each output pixel averages the source
// pixels it covers (a box filter), which keeps text legible when shrinking
// and is nearest-neighbour when enlarging.
func scaleRGBA(src *image.RGBA, w, h int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if w == sw && h == sh {
		return src
	}
	span := func(i, n, sn int) (int, int) {
		lo := i * sn / n
		return lo, max((i+1)*sn/n, lo+1)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		y0, y1 := span(y, h, sh)
		for x := range w {
			x0, x1 := span(x, w, sw)
			var r, g, b, n int
			for sy := y0; sy < y1; sy++ {
				row := src.Pix[sy*src.Stride:]
				for sx := x0; sx < x1; sx++ {
					p := row[4*sx : 4*sx+3 : 4*sx+3]
					r, g, b, n = r+int(p[0]), g+int(p[1]), b+int(p[2]), n+1
				}
			}
			d := dst.Pix[y*dst.Stride+4*x : y*dst.Stride+4*x+4 : y*dst.Stride+4*x+4]
			d[0], d[1], d[2], d[3] = uint8((r+n/2)/n), uint8((g+n/2)/n), uint8((b+n/2)/n), 0xff
		}
	}
	return dst
}

// dot paints a size x size square of index c centred on (x, y).
func dot(p *image.Paletted, x, y, size int, c uint8) {
	r := image.Rect(x-size/2, y-size/2, x-size/2+size, y-size/2+size).Intersect(p.Rect)
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		for xx := r.Min.X; xx < r.Max.X; xx++ {
			p.Pix[p.PixOffset(xx, yy)] = c
		}
	}
}

// line paints a segment with a square brush (Bresenham).
func line(p *image.Paletted, x0, y0, x1, y1, size int, c uint8) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		dot(p, x0, y0, size, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e // both tests use the error before this step
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// ring paints a circle of radius r (midpoint algorithm).
func ring(p *image.Paletted, cx, cy, r, size int, c uint8) {
	x, y, e := r, 0, 1-r
	for x >= y {
		for _, q := range [8][2]int{{x, y}, {y, x}, {-y, x}, {-x, y}, {-x, -y}, {-y, -x}, {y, -x}, {x, -y}} {
			dot(p, cx+q[0], cy+q[1], size, c)
		}
		y++
		if e < 0 {
			e += 2*y + 1
		} else {
			x--
			e += 2*(y-x) + 1
		}
	}
}
