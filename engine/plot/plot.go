// Package plot draws simple line charts (loss curves, PSNR drift) into
// images: axes with labelled ticks, one polyline per series, a legend,
// optionally a logarithmic y axis.
package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Series is one line.
type Series struct {
	Name  string
	X, Y  []float64
	Color color.RGBA
}

// Chart describes a plot.
type Chart struct {
	Title, XLabel, YLabel string
	LogY                  bool
	Series                []Series
}

// Palette is the default series colours.
var Palette = []color.RGBA{{31, 119, 180, 255}, {214, 39, 40, 255}, {44, 160, 44, 255}, {148, 103, 189, 255}, {255, 127, 14, 255}}

var (
	ink  = color.RGBA{30, 30, 30, 255}
	grid = color.RGBA{225, 225, 225, 255}
)

// Draw renders the chart into a new w x h image.
func (c *Chart) Draw(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Rect, color.RGBA{255, 255, 255, 255})
	area := image.Rect(64, 28, w-16, h-40)
	legend := c.legendPlaces(area)
	if n := len(legend); n > 0 {
		area.Min.Y += legend[n-1].Y - 18 // the rows below the title's
	}
	xmin, xmax, ymin, ymax := c.bounds()
	ty := func(v float64) float64 {
		if c.LogY {
			return math.Log10(math.Max(v, 1e-12))
		}
		return v
	}
	lo, hi := ty(ymin), ty(ymax)
	if hi-lo < 1e-12 {
		lo, hi = lo-1, hi+1
	}
	if xmax-xmin < 1e-12 {
		xmin, xmax = xmin-1, xmax+1
	}
	px := func(x float64) int { return area.Min.X + int(math.Round((x-xmin)/(xmax-xmin)*float64(area.Dx()-1))) }
	py := func(y float64) int { return area.Max.Y - 1 - int(math.Round((ty(y)-lo)/(hi-lo)*float64(area.Dy()-1))) }

	for _, t := range ticks(xmin, xmax, 6) {
		x := px(t)
		fill(img, image.Rect(x, area.Min.Y, x+1, area.Max.Y), grid)
		label(img, x-textWidth(format(t))/2, area.Max.Y+14, format(t))
	}
	var yt []float64
	if c.LogY {
		// Powers of ten, with 2 and 5 times them when the range is narrow.
		mult := []float64{1}
		if hi-lo < 2 {
			mult = []float64{1, 2, 5}
		}
		for e := math.Floor(lo); e <= math.Ceil(hi); e++ {
			for _, m := range mult {
				if v := math.Log10(m) + e; v >= lo-1e-9 && v <= hi+1e-9 {
					yt = append(yt, m*math.Pow(10, e))
				}
			}
		}
		if len(yt) < 2 {
			yt = []float64{ymin, ymax}
		}
	} else {
		yt = ticks(ymin, ymax, 5)
	}
	for _, t := range yt {
		y := py(t)
		fill(img, image.Rect(area.Min.X, y, area.Max.X, y+1), grid)
		label(img, area.Min.X-6-textWidth(format(t)), y+4, format(t))
	}
	frame(img, area, ink)
	for _, s := range c.Series {
		for i := 1; i < len(s.X) && i < len(s.Y); i++ {
			line(img, area, px(s.X[i-1]), py(s.Y[i-1]), px(s.X[i]), py(s.Y[i]), s.Color)
		}
	}
	label(img, area.Min.X, 18, c.Title)
	label(img, (area.Min.X+area.Max.X-textWidth(c.XLabel))/2, h-8, c.XLabel)
	label(img, 4, 18, c.YLabel)
	for i, p := range legend {
		fill(img, image.Rect(p.X, p.Y-6, p.X+14, p.Y-3), c.Series[i].Color)
		label(img, p.X+18, p.Y, c.Series[i].Name)
	}
	return img
}

// legendPlaces lays the legend out above the plot area: each series' swatch
// (x, text baseline y), in rows as wide as the area at most, each row
// right-aligned; the first row shares the title's (baseline 18) when it
// keeps clear of the title, and the others follow 16 pixels apart.
func (c *Chart) legendPlaces(area image.Rectangle) []image.Point {
	entry := make([]int, len(c.Series)) // swatch, gap, name, gap
	var rows [][]int
	var widths []int
	for i, s := range c.Series {
		entry[i] = textWidth(s.Name) + 22
		if len(rows) == 0 || widths[len(rows)-1]+entry[i] > area.Dx() {
			rows, widths = append(rows, nil), append(widths, 0)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		widths[len(rows)-1] += entry[i]
	}
	y := 18
	if len(rows) > 0 && area.Max.X-widths[0] < area.Min.X+textWidth(c.Title)+12 {
		y += 16
	}
	places := make([]image.Point, len(c.Series))
	for r, row := range rows {
		x := area.Max.X - widths[r]
		for _, i := range row {
			places[i] = image.Pt(x, y)
			x += entry[i]
		}
		y += 16
	}
	return places
}

func (c *Chart) bounds() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for i := range min(len(s.X), len(s.Y)) {
			if math.IsNaN(s.Y[i]) || math.IsInf(s.Y[i], 0) || c.LogY && s.Y[i] <= 0 {
				continue
			}
			xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
			ymin, ymax = math.Min(ymin, s.Y[i]), math.Max(ymax, s.Y[i])
		}
	}
	if math.IsInf(xmin, 1) {
		return 0, 1, 0, 1
	}
	return
}

// ticks picks about n round values covering [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func format(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e5 || a < 1e-3:
		return fmt.Sprintf("%.0e", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func textWidth(s string) int { return 7 * len(s) }

func label(img *image.RGBA, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func frame(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// line draws a 2-pixel line clipped to clip.
func line(img *image.RGBA, clip image.Rectangle, x0, y0, x1, y1 int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		x, y := x0+(x1-x0)*i/n, y0+(y1-y0)*i/n
		fill(img, image.Rect(x, y, x+2, y+2).Intersect(clip), c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
