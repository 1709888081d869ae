package sandbox

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font/basicfont"
)

// The desktop draws with a handful of integer primitives straight into an
// *image.RGBA's pixels: exact, deterministic and fast enough for thousands of
// frames a second.

// Font metrics of basicfont.Face7x13, the desktop's only font.
const (
	glyphW    = 7  // advance
	glyphH    = 13 // line height
	glyphBits = 6  // drawn width
)

// glyphs[r-32] holds the rows of printable ASCII r, bit 0 the leftmost pixel.
var glyphs = func() (g [95][glyphH]uint8) {
	m := basicfont.Face7x13.Mask.(*image.Alpha)
	for i := range g {
		for y := range glyphH {
			for x := range glyphBits {
				if m.AlphaAt(x, i*glyphH+y).A >= 128 {
					g[i][y] |= 1 << x
				}
			}
		}
	}
	return g
}()

// fill paints r (clipped to dst) with c.
func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	row := dst.Pix[dst.PixOffset(r.Min.X, r.Min.Y):]
	n := r.Dx() * 4
	for i := 0; i < n; i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, 255
	}
	first := row[:n]
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(r.Min.X, y):], first)
	}
}

// shade scales the brightness of r (clipped) by num/256: below 256 for drop
// shadows, above to lighten.
func shade(dst *image.RGBA, r image.Rectangle, num uint32) {
	r = r.Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		p := dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)]
		for i := 0; i < len(p); i += 4 {
			p[i] = uint8(min(uint32(p[i])*num>>8, 255))
			p[i+1] = uint8(min(uint32(p[i+1])*num>>8, 255))
			p[i+2] = uint8(min(uint32(p[i+2])*num>>8, 255))
		}
	}
}

// frame paints a border of width t inside r.
func frame(dst *image.RGBA, r image.Rectangle, t int, c color.RGBA) {
	fill(dst, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), c)
	fill(dst, image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), c)
	fill(dst, image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), c)
	fill(dst, image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// text draws s with its top-left at (x, y), magnified s times, clipped to
// clip, and returns the x after the last glyph.
func text(dst *image.RGBA, clip image.Rectangle, x, y, scale int, s string, c color.RGBA) int {
	clip = clip.Intersect(dst.Rect)
	for _, r := range s {
		if r < ' ' || r > '~' {
			r = '?'
		}
		if x >= clip.Max.X {
			break
		}
		g := &glyphs[r-' ']
		for gy, bits := range g {
			if bits == 0 {
				continue
			}
			for gx := range glyphBits {
				if bits&(1<<gx) != 0 {
					fill(dst, image.Rect(x+gx*scale, y+gy*scale, x+(gx+1)*scale, y+(gy+1)*scale).Intersect(clip), c)
				}
			}
		}
		x += glyphW * scale
	}
	return x
}

// textWidth is the width of s in pixels at scale.
func textWidth(s string, scale int) int { return len(s) * glyphW * scale }

// line draws a line of thickness t from (x0, y0) to (x1, y1).
func line(dst *image.RGBA, x0, y0, x1, y1, t int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/n
		y := y0 + (y1-y0)*i/n
		fill(dst, image.Rect(x-t/2, y-t/2, x-t/2+t, y-t/2+t), c)
	}
}

// disc fills the circle of radius r around (cx, cy).
func disc(dst *image.RGBA, cx, cy, r int, c color.RGBA) {
	for dy := -r; dy <= r; dy++ {
		dx := int(math.Sqrt(float64(r*r - dy*dy)))
		fill(dst, image.Rect(cx-dx, cy+dy, cx+dx+1, cy+dy+1), c)
	}
}

// lighten mixes c towards white by amount/256.
func lighten(c color.RGBA, amount int) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(int(v) + (255-int(v))*amount/256) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}

// darken scales c by num/256.
func darken(c color.RGBA, num int) color.RGBA {
	return color.RGBA{uint8(int(c.R) * num / 256), uint8(int(c.G) * num / 256), uint8(int(c.B) * num / 256), 255}
}

// ink is black or white, whichever reads better on bg.
func ink(bg color.RGBA) color.RGBA {
	if 299*int(bg.R)+587*int(bg.G)+114*int(bg.B) > 128*1000 {
		return color.RGBA{20, 20, 24, 255}
	}
	return color.RGBA{240, 240, 240, 255}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// downsample box-filters src into dst, k x k source pixels per pixel.
func downsample(dst, src *image.RGBA, k int) {
	b := dst.Rect
	kk := uint32(k * k)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		out := dst.Pix[dst.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			var r, g, bl uint32
			for sy := range k {
				p := src.Pix[src.PixOffset(x*k, (y-b.Min.Y)*k+sy):]
				for sx := range k {
					r += uint32(p[sx*4])
					g += uint32(p[sx*4+1])
					bl += uint32(p[sx*4+2])
				}
			}
			out[x*4], out[x*4+1], out[x*4+2], out[x*4+3] = uint8((r+kk/2)/kk), uint8((g+kk/2)/kk), uint8((bl+kk/2)/kk), 255
		}
	}
}
