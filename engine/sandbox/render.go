package sandbox

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
)

var (
	black      = color.RGBA{0, 0, 0, 255}
	white      = color.RGBA{255, 255, 255, 255}
	windowEdge = color.RGBA{40, 40, 48, 255}
	inactive   = color.RGBA{150, 150, 158, 255}
	closeRed   = color.RGBA{214, 64, 56, 255}
	selection  = color.RGBA{38, 96, 200, 255}
	menuBg     = color.RGBA{246, 246, 246, 255}
)

// Render draws the current frame into dst, which must be the desktop's size
// with its origin at (0, 0).
func (d *Desktop) Render(dst *image.RGBA) {
	if dst.Rect != image.Rect(0, 0, d.w, d.h) {
		panic(fmt.Sprintf("sandbox: Render into %v, want a %dx%d image at (0,0)", dst.Rect, d.w, d.h))
	}
	c := dst
	if d.k > 1 {
		c = d.canvas
	}
	copy(c.Pix, d.wallpaper.Pix)
	for i := range d.icons {
		d.drawIcon(c, i)
	}
	for _, w := range d.windows {
		d.drawWindow(c, w)
	}
	if d.menu != nil {
		d.drawMenu(c)
	}
	if d.k > 1 {
		downsample(dst, c, d.k)
	}
	s := sprites[d.cursorShape()]
	drawSprite(dst, s, d.x, d.y)
}

// Cursor is the cursor position in frame pixels and the sprite drawn there.
func (d *Desktop) Cursor() (x, y int, shape CursorShape) { return d.x, d.y, d.cursorShape() }

// CursorMask sets dst (the frame's size) to 255 on the pixels of the current
// frame covered by the cursor sprite, and 0 elsewhere.
func (d *Desktop) CursorMask(dst *image.Alpha) {
	maskSprite(dst, sprites[d.cursorShape()], d.x, d.y)
}

func (d *Desktop) renderWallpaper() *image.RGBA {
	wp := d.spec.Wallpaper
	img := image.NewRGBA(image.Rect(0, 0, d.iw, d.ih))
	for y := range d.ih {
		t := float64(y) / float64(max(d.ih-1, 1))
		mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
		fill(img, image.Rect(0, y, d.iw, y+1), color.RGBA{mix(wp.top.R, wp.bottom.R), mix(wp.top.G, wp.bottom.G), mix(wp.top.B, wp.bottom.B), 255})
	}
	step := d.px(16)
	dot := max(1, d.px(1))
	for y := step / 2; y < d.ih; y += step {
		for x := step / 2; x < d.iw; x += step {
			switch wp.Pattern {
			case "dots":
				shade(img, image.Rect(x, y, x+dot, y+dot), 300)
			case "grid":
				shade(img, image.Rect(x, 0, x+dot, d.ih), 232)
				shade(img, image.Rect(0, y, d.iw, y+dot), 232)
			}
		}
	}
	return img
}

func (d *Desktop) drawIcon(dst *image.RGBA, i int) {
	ic := &d.spec.Icons[i]
	pic, label := d.iconParts(i)
	shade(dst, pic.Add(image.Pt(d.ts, d.ts)), 160)
	fill(dst, pic, ic.color)
	frame(dst, pic, d.ts, darken(ic.color, 150))
	d.drawPicture(dst, pic.Inset(d.px(4)), ic.Picture, ink(ic.color))

	// The label: white on a shadow, or highlighted when selected.
	if i == d.selected {
		fill(dst, label, selection)
	} else {
		shade(dst, label, 170)
	}
	tw := min(textWidth(ic.Label, d.ts), label.Dx()-2*d.ts)
	x := label.Min.X + (label.Dx()-tw)/2
	text(dst, label.Inset(d.ts/2), x, label.Min.Y, d.ts, ic.Label, white)
}

// drawPicture draws an icon's pictogram inside r.
func (d *Desktop) drawPicture(dst *image.RGBA, r image.Rectangle, picture string, c color.RGBA) {
	u := max(1, r.Dx()/8) // one eighth of the picture
	t := max(1, u/2)
	switch picture {
	case "document", "note":
		frame(dst, r, t, c)
		for y := r.Min.Y + 2*u; y < r.Max.Y-u; y += 2 * u {
			fill(dst, image.Rect(r.Min.X+u+t, y, r.Max.X-u-t, y+t), c)
		}
		if picture == "note" {
			line(dst, r.Max.X-3*u, r.Min.Y, r.Max.X, r.Min.Y+3*u, t, c)
		}
	case "calculator":
		frame(dst, r, t, c)
		fill(dst, image.Rect(r.Min.X+u, r.Min.Y+u, r.Max.X-u, r.Min.Y+3*u), c)
		for row := range 2 {
			for col := range 3 {
				x := r.Min.X + u + col*2*u + col*u/2
				y := r.Min.Y + 4*u + row*2*u
				fill(dst, image.Rect(x, y, x+3*u/2, y+3*u/2), c)
			}
		}
	case "clock":
		cx, cy, rad := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2, r.Dx()/2
		disc(dst, cx, cy, rad, c)
		disc(dst, cx, cy, rad-t, lighten(c, 230))
		line(dst, cx, cy, cx, cy-rad+2*u, t, c)
		line(dst, cx, cy, cx+2*u, cy, t, c)
	case "folder":
		fill(dst, image.Rect(r.Min.X, r.Min.Y+u, r.Min.X+4*u, r.Min.Y+3*u), c)
		frame(dst, image.Rect(r.Min.X, r.Min.Y+2*u, r.Max.X, r.Max.Y-u), t, c)
	case "terminal":
		frame(dst, r, t, c)
		x := r.Min.X + u
		line(dst, x, r.Min.Y+2*u, x+2*u, r.Min.Y+4*u, t, c)
		line(dst, x+2*u, r.Min.Y+4*u, x, r.Min.Y+6*u, t, c)
		fill(dst, image.Rect(x+3*u, r.Min.Y+6*u-t, x+6*u, r.Min.Y+6*u), c)
	case "star":
		cx, cy := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
		for k := range 5 {
			a := float64(k)*4*math.Pi/5 - math.Pi/2
			b := float64(k+1)*4*math.Pi/5 - math.Pi/2
			rad := float64(r.Dx()) / 2
			line(dst, cx+int(rad*math.Cos(a)), cy+int(rad*math.Sin(a)), cx+int(rad*math.Cos(b)), cy+int(rad*math.Sin(b)), t, c)
		}
	}
}

func (d *Desktop) drawWindow(dst *image.RGBA, w *window) {
	focused := w == d.focus
	shade(dst, w.rect.Add(image.Pt(2*d.ts, 2*d.ts)), 150)
	fill(dst, w.rect, windowEdge)
	bar := d.titleBar(w)
	barColor := inactive
	if focused {
		barColor = w.spec.color
	}
	fill(dst, bar, barColor)
	cb := d.closeBox(w)
	text(dst, image.Rect(bar.Min.X, bar.Min.Y, cb.Min.X-d.ts, bar.Max.Y), bar.Min.X+3*d.ts, bar.Min.Y+2*d.ts, d.ts, w.spec.Title, ink(barColor))
	boxColor := darken(barColor, 200)
	if focused {
		boxColor = closeRed
	}
	fill(dst, cb, boxColor)
	m := max(1, cb.Dx()/4)
	line(dst, cb.Min.X+m, cb.Min.Y+m, cb.Max.X-m-1, cb.Max.Y-m-1, d.ts, white)
	line(dst, cb.Max.X-m-1, cb.Min.Y+m, cb.Min.X+m, cb.Max.Y-m-1, d.ts, white)

	c := d.content(w)
	bg := w.spec.background
	fill(dst, c, bg)
	switch w.spec.Kind {
	case KindEditor, KindText:
		d.drawText(dst, w, focused && w.spec.Kind == KindEditor)
	case KindCalculator:
		d.drawKeypad(dst, w, w.calc.shown(), 1)
	case KindCounter:
		d.drawKeypad(dst, w, fmt.Sprint(w.n), 2)
	case KindClock:
		d.drawClock(dst, c, bg)
	}
}

// drawText draws a text or editor window's lines, scrolled so that the end
// (and the caret) shows.
func (d *Desktop) drawText(dst *image.RGBA, w *window, caret bool) {
	area := d.textArea(w)
	fg := ink(w.spec.background)
	lines := wrap(w.ed.text, d.editorCols(w))
	rows := d.editorRows(w)
	first := 0
	if w.spec.Kind == KindEditor {
		first = max(0, len(lines)-rows-w.ed.scroll)
	}
	y := area.Min.Y
	for i := first; i < len(lines) && i < first+rows; i++ {
		x := text(dst, area, area.Min.X, y, d.ts, lines[i], fg)
		if caret && i == len(lines)-1 && d.caretOn() {
			fill(dst, image.Rect(x, y, x+d.ts, y+d.lineH()).Intersect(area), fg)
		}
		y += d.lineH()
	}
}

// drawKeypad draws a calculator's or counter's display (text magnified
// zoom times, right-aligned) and buttons.
func (d *Desktop) drawKeypad(dst *image.RGBA, w *window, shown string, zoom int) {
	display, keys, rects := d.keypad(w)
	bg := w.spec.background
	fill(dst, display, lighten(bg, 220))
	frame(dst, display, d.ts, darken(bg, 180))
	z := d.ts * zoom
	for z > d.ts && (textWidth(shown, z) > display.Dx()-4*d.ts || glyphH*z > display.Dy()) {
		z -= d.ts
	}
	tx := display.Max.X - 3*d.ts - textWidth(shown, z)
	ty := display.Min.Y + (display.Dy()-glyphH*z)/2
	text(dst, display.Inset(d.ts), tx, ty, z, shown, ink(lighten(bg, 220)))
	for i, r := range rects {
		face := lighten(bg, 60)
		if strings.Contains("+-*/=", keys[i]) {
			face = w.spec.color
		}
		if d.held != nil && d.held.win == w && d.held.key == keys[i] {
			face = darken(face, 160)
		}
		fill(dst, r, face)
		frame(dst, r, max(1, d.ts/2), darken(face, 170))
		tx := r.Min.X + (r.Dx()-textWidth(keys[i], d.ts))/2
		ty := r.Min.Y + (r.Dy()-glyphH*d.ts)/2
		text(dst, r, tx, ty, d.ts, keys[i], ink(face))
	}
}

// drawClock draws an analogue face with the time under it.
func (d *Desktop) drawClock(dst *image.RGBA, c image.Rectangle, bg color.RGBA) {
	fg := ink(bg)
	secs := d.seconds()
	digital := fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	face := image.Rect(c.Min.X, c.Min.Y, c.Max.X, c.Max.Y-d.lineH()-2*d.ts)
	rad := min(face.Dx(), face.Dy())/2 - 2*d.ts
	cx, cy := (face.Min.X+face.Max.X)/2, (face.Min.Y+face.Max.Y)/2+d.ts
	disc(dst, cx, cy, rad, fg)
	disc(dst, cx, cy, rad-d.ts, white)
	for h := range 12 {
		a := float64(h) * math.Pi / 6
		x, y := cx+int(float64(rad-3*d.ts)*math.Sin(a)), cy-int(float64(rad-3*d.ts)*math.Cos(a))
		fill(dst, image.Rect(x-d.ts/2, y-d.ts/2, x-d.ts/2+d.ts, y-d.ts/2+d.ts), black)
	}
	hand := func(frac float64, length float64, t int, col color.RGBA) {
		a := frac * 2 * math.Pi
		l := length * float64(rad)
		line(dst, cx, cy, cx+int(math.Round(l*math.Sin(a))), cy-int(math.Round(l*math.Cos(a))), t, col)
	}
	hand(float64(secs%43200)/43200, 0.5, 2*d.ts, black)
	hand(float64(secs%3600)/3600, 0.75, d.ts+d.ts/2, black)
	hand(float64(secs%60)/60, 0.85, d.ts, closeRed)
	tx := c.Min.X + (c.Dx()-textWidth(digital, d.ts))/2
	text(dst, c, tx, c.Max.Y-d.lineH()-d.ts, d.ts, digital, fg)
}

func (d *Desktop) drawMenu(dst *image.RGBA) {
	r := d.menu.rect
	shade(dst, r.Add(image.Pt(2*d.ts, 2*d.ts)), 150)
	fill(dst, r, windowEdge)
	fill(dst, r.Inset(d.border()), menuBg)
	for i, m := range d.spec.Menu {
		item := d.menuItem(i)
		fg := black
		if i == d.menu.hover {
			fill(dst, item, selection)
			fg = white
		}
		text(dst, item, item.Min.X+4*d.ts, item.Min.Y+2*d.ts, d.ts, m.Label, fg)
	}
}
