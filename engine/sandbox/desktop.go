// Package sandbox is the built-in conventional computer: a small,
// deterministic desktop (wallpaper, icons, windows with a text editor, a
// calculator, a counter, a clock, a right-click menu and a drawn cursor)
// described by a JSON Spec. Given the same spec, size and actions it renders
// the same frames, so it produces perfect training traces; agents drive it
// (package sandbox/agent) and people use it in a window.
package sandbox

import (
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Options size a desktop.
type Options struct {
	// Width and Height are the frame size: 64x48 to 1024x768, 4:3 or not.
	Width, Height int
	// FPS is the frame rate the desktop's time runs at (the clock, the caret,
	// double-click timing). 15 when 0.
	FPS float64
}

// Frame size limits.
const (
	MinWidth, MinHeight = 64, 48
	MaxWidth, MaxHeight = 1024, 768
	// BaseWidth and BaseHeight are the size spec coordinates refer to.
	BaseWidth, BaseHeight = 256, 192
)

// Desktop is one running sandbox. It is not safe for concurrent use.
type Desktop struct {
	spec *Spec
	w, h int     // frame size
	k    int     // supersampling: the desktop is laid out at k*w x k*h
	iw   int     // internal width
	ih   int     // internal height
	s    float64 // internal pixels per spec pixel
	ts   int     // text magnification
	fps  float64

	canvas    *image.RGBA // the internal frame when k > 1
	wallpaper *image.RGBA // pre-rendered at internal size

	step     int
	x, y     int // cursor in frame pixels
	buttons  action.Buttons
	icons    []image.Rectangle // internal pixels, the icon's whole cell
	selected int               // selected icon, -1 for none
	windows  []*window         // bottom to top
	focus    *window           // receives keys; nil when the desktop has focus
	drag     *drag
	menu     *menu
	held     *heldButton // a calculator or counter button being pressed
	click    lastClick
}

type window struct {
	spec *Window
	rect image.Rectangle // internal pixels, border and title bar included
	ed   editor
	calc calculator
	n    int // counter value
}

type drag struct {
	win    *window
	offset image.Point // cursor minus window corner
}

type menu struct {
	rect  image.Rectangle
	hover int // item under the cursor, -1 for none
}

type heldButton struct {
	win *window
	key string
}

type lastClick struct {
	step, icon int
}

// New builds a desktop from a checked spec (nil for the default).
func New(spec *Spec, opts Options) (*Desktop, error) {
	if spec == nil {
		spec = DefaultSpec()
	}
	if opts.FPS == 0 {
		opts.FPS = 15
	}
	switch {
	case opts.Width < MinWidth || opts.Height < MinHeight || opts.Width > MaxWidth || opts.Height > MaxHeight:
		return nil, fmt.Errorf("sandbox: size %dx%d is outside %dx%d to %dx%d", opts.Width, opts.Height, MinWidth, MinHeight, MaxWidth, MaxHeight)
	case opts.FPS < 1 || opts.FPS > 240 || math.IsNaN(opts.FPS):
		return nil, fmt.Errorf("sandbox: frame rate %g is outside 1 to 240", opts.FPS)
	}
	d := &Desktop{spec: spec, w: opts.Width, h: opts.Height, fps: opts.FPS, selected: -1, click: lastClick{icon: -1}}
	// Frames smaller than the base size are drawn at a multiple of their size
	// and box-filtered down, so that text and pictograms keep their shapes.
	d.k = 1
	for d.k*d.w < BaseWidth || d.k*d.h < BaseHeight {
		d.k++
	}
	d.iw, d.ih = d.k*d.w, d.k*d.h
	d.s = min(float64(d.iw)/BaseWidth, float64(d.ih)/BaseHeight)
	d.ts = max(1, int(d.s+0.25))
	if d.k > 1 {
		d.canvas = image.NewRGBA(image.Rect(0, 0, d.iw, d.ih))
	}
	d.x, d.y = d.w/2, d.h/2
	d.layoutIcons()
	d.wallpaper = d.renderWallpaper()
	return d, nil
}

// px scales spec pixels to internal pixels.
func (d *Desktop) px(v int) int { return int(math.Round(float64(v) * d.s)) }

// Metrics of the chrome, in internal pixels.
func (d *Desktop) titleH() int  { return (glyphH + 3) * d.ts }
func (d *Desktop) border() int  { return d.ts }
func (d *Desktop) lineH() int   { return glyphH * d.ts }
func (d *Desktop) charW() int   { return glyphW * d.ts }
func (d *Desktop) iconPic() int { return d.px(22) }

// layoutIcons places the icons in columns from the top-left.
func (d *Desktop) layoutIcons() {
	cellW := max(d.px(52), d.iconPic()+4*d.ts)
	cellH := max(d.px(40), d.iconPic()+d.lineH()+4*d.ts)
	top, left := d.px(4), d.px(2)
	rows := max(1, (d.ih-top)/cellH)
	d.icons = d.icons[:0]
	for i := range d.spec.Icons {
		col, row := i/rows, i%rows
		d.icons = append(d.icons, image.Rect(0, 0, cellW, cellH).Add(image.Pt(left+col*cellW, top+row*cellH)))
	}
}

// Size is the frame size.
func (d *Desktop) Size() (w, h int) { return d.w, d.h }

// FPS is the frame rate the desktop's clock runs at.
func (d *Desktop) FPS() float64 { return d.fps }

// Spec is the desktop's spec.
func (d *Desktop) Spec() *Spec { return d.spec }

// Steps is the number of steps taken since New.
func (d *Desktop) Steps() int { return d.step }

// toInternal maps a frame pixel to the centre of its internal pixels.
func (d *Desktop) toInternal(x, y int) image.Point { return image.Pt(x*d.k+d.k/2, y*d.k+d.k/2) }

// toFrame maps an internal rectangle to the frame pixels it touches.
func (d *Desktop) toFrame(r image.Rectangle) image.Rectangle {
	return image.Rect(r.Min.X/d.k, r.Min.Y/d.k, (r.Max.X+d.k-1)/d.k, (r.Max.Y+d.k-1)/d.k)
}

// Step applies one frame step's action.
func (d *Desktop) Step(a action.Action) {
	d.step++
	prev := d.buttons
	d.buttons = a.Buttons
	d.x, d.y = min(max(a.X, 0), d.w-1), min(max(a.Y, 0), d.h-1)
	p := d.toInternal(d.x, d.y)
	pressed, released := a.Pressed(action.Action{Buttons: prev}), a.Released(action.Action{Buttons: prev})

	if d.drag != nil {
		d.moveWindow(d.drag.win, p.Sub(d.drag.offset))
	}
	if released.Has(action.Left) {
		d.drag, d.held = nil, nil
	}
	if pressed.Has(action.Left) {
		d.leftPress(p)
	} else if pressed.Has(action.Right) {
		d.rightPress(p)
	}
	if d.menu != nil {
		d.menu.hover = d.menuItemAt(p)
	}
	d.keys(a)
	if a.Scroll != 0 {
		if w := d.windowAt(p); w != nil && w.spec.Kind == KindEditor {
			lines := len(wrap(w.ed.text, d.editorCols(w)))
			w.ed.scroll = min(max(w.ed.scroll+a.Scroll, 0), max(lines-d.editorRows(w), 0))
		}
	}
}

func (d *Desktop) leftPress(p image.Point) {
	if d.menu != nil {
		i := d.menuItemAt(p)
		d.menu = nil
		if i >= 0 {
			d.doMenu(d.spec.Menu[i])
		}
		return
	}
	if w := d.windowAt(p); w != nil {
		d.raise(w)
		d.selected, d.click = -1, lastClick{icon: -1}
		switch {
		case p.In(d.closeBox(w)):
			d.close(w)
		case p.In(d.titleBar(w)):
			d.drag = &drag{win: w, offset: p.Sub(w.rect.Min)}
		default:
			if key, ok := d.keyAt(w, p); ok {
				d.held = &heldButton{w, key}
				d.pressKey(w, key)
			}
		}
		return
	}
	d.focus = nil
	i := d.iconAt(p)
	d.selected = i
	if i < 0 {
		d.click = lastClick{icon: -1}
		return
	}
	// Two presses on the same icon within half a second open it.
	if d.click.icon == i && d.step-d.click.step <= d.doubleClickSteps() {
		d.open(d.spec.Icons[i].Opens)
		d.click = lastClick{icon: -1}
		return
	}
	d.click = lastClick{step: d.step, icon: i}
}

// doubleClickSteps is the most steps between the presses of a double click.
func (d *Desktop) doubleClickSteps() int { return max(2, int(math.Round(d.fps/2))) }

func (d *Desktop) rightPress(p image.Point) {
	if w := d.windowAt(p); w != nil {
		d.raise(w)
		d.menu = nil
		return
	}
	d.selected = -1
	d.menu = &menu{rect: d.menuRect(p), hover: -1}
}

// keys sends typed text and keys to the menu or the focused window.
func (d *Desktop) keys(a action.Action) {
	if d.menu != nil {
		if slices.Contains(a.KeyDown, "Escape") {
			d.menu = nil
		}
		return
	}
	w := d.focus
	if w == nil {
		return
	}
	switch w.spec.Kind {
	case KindEditor:
		w.ed.insert(a.Text)
		for _, k := range a.KeyDown {
			switch k {
			case "BackSpace":
				w.ed.backspace()
			case "Return", "KP_Enter":
				w.ed.insert("\n")
			}
		}
	case KindCalculator:
		for _, r := range a.Text {
			switch {
			case r >= '0' && r <= '9' || r == '+' || r == '-' || r == '*' || r == '/' || r == '=':
				w.calc.press(string(r))
			case r == 'c' || r == 'C':
				w.calc.press("C")
			}
		}
		for _, k := range a.KeyDown {
			switch k {
			case "Return", "KP_Enter":
				w.calc.press("=")
			case "Escape", "Delete":
				w.calc.press("C")
			case "BackSpace":
				w.calc.backspace()
			}
		}
	case KindCounter:
		for _, r := range a.Text {
			if r == '+' || r == '-' || r == '0' {
				d.pressKey(w, string(r))
			}
		}
		for _, k := range a.KeyDown {
			switch k {
			case "Up":
				d.pressKey(w, "+")
			case "Down":
				d.pressKey(w, "-")
			}
		}
	}
}

// pressKey presses a calculator or counter button.
func (d *Desktop) pressKey(w *window, key string) {
	switch w.spec.Kind {
	case KindCalculator:
		w.calc.press(key)
	case KindCounter:
		switch key {
		case "+":
			w.n = min(w.n+1, 99999)
		case "-":
			w.n = max(w.n-1, -9999)
		case "0":
			w.n = 0
		}
	}
}

// open shows the window with the given id, or raises it if it is open.
func (d *Desktop) open(id string) {
	for _, w := range d.windows {
		if w.spec.ID == id {
			d.raise(w)
			return
		}
	}
	i := slices.IndexFunc(d.spec.Windows, func(w Window) bool { return w.ID == id })
	ws := &d.spec.Windows[i]
	w := &window{spec: ws}
	w.ed.insert(ws.Text)
	size := image.Pt(d.px(ws.Width), d.px(ws.Height))
	at := image.Pt(d.px(ws.X), d.px(ws.Y))
	if ws.X == 0 && ws.Y == 0 {
		// Placed by what is on screen (how many windows are open), not by
		// how many were opened before: a model that sees only the last few
		// frames can then know where the window appears.
		at = d.cascade(len(d.windows))
	}
	at = d.fit(at, size)
	w.rect = image.Rectangle{at, at.Add(size)}
	d.windows = append(d.windows, w)
	d.focus = w
}

func (d *Desktop) raise(w *window) {
	i := slices.Index(d.windows, w)
	d.windows = append(slices.Delete(d.windows, i, i+1), w)
	d.focus = w
}

func (d *Desktop) close(w *window) {
	i := slices.Index(d.windows, w)
	d.windows = slices.Delete(d.windows, i, i+1)
	d.focus = nil
	if n := len(d.windows); n > 0 {
		d.focus = d.windows[n-1]
	}
}

// cascade is where the i-th cascaded window goes: right of the icons, each
// one down and right of the one before.
func (d *Desktop) cascade(i int) image.Point {
	left := 0
	for _, ic := range d.icons {
		left = max(left, ic.Max.X)
	}
	i %= 6
	return image.Pt(left+d.px(4+12*i), d.px(6+10*i))
}

// fit moves a corner at up and left so that a window of the given size is
// on screen.
func (d *Desktop) fit(at, size image.Point) image.Point {
	return image.Pt(max(min(at.X, d.iw-size.X), 0), max(min(at.Y, d.ih-size.Y), 0))
}

// moveWindow puts w's corner at p, keeping part of its title bar on screen.
func (d *Desktop) moveWindow(w *window, p image.Point) {
	keep := 4 * d.titleH()
	p.X = min(max(p.X, keep-w.rect.Dx()), d.iw-keep)
	p.Y = min(max(p.Y, 0), d.ih-d.titleH())
	w.rect = w.rect.Sub(w.rect.Min).Add(p)
}

func (d *Desktop) doMenu(m MenuItem) {
	switch {
	case m.Opens != "":
		d.open(m.Opens)
	case m.Do == "close-all":
		d.windows, d.focus = nil, nil
	case m.Do == "cascade":
		for i, w := range d.windows {
			d.moveWindow(w, d.fit(d.cascade(i), w.rect.Size()))
		}
	}
}

// Geometry of windows, in internal pixels.

func (d *Desktop) titleBar(w *window) image.Rectangle {
	b := d.border()
	return image.Rect(w.rect.Min.X+b, w.rect.Min.Y+b, w.rect.Max.X-b, w.rect.Min.Y+b+d.titleH())
}

func (d *Desktop) closeBox(w *window) image.Rectangle {
	t := d.titleBar(w)
	m := 2 * d.ts
	return image.Rect(t.Max.X-t.Dy()+m, t.Min.Y+m, t.Max.X-m, t.Max.Y-m)
}

func (d *Desktop) content(w *window) image.Rectangle {
	b := d.border()
	return image.Rect(w.rect.Min.X+b, w.rect.Min.Y+b+d.titleH(), w.rect.Max.X-b, w.rect.Max.Y-b)
}

// textArea is the content minus its padding, where editor text goes.
func (d *Desktop) textArea(w *window) image.Rectangle { return d.content(w).Inset(2 * d.ts) }

func (d *Desktop) editorCols(w *window) int { return max(1, d.textArea(w).Dx()/d.charW()) }
func (d *Desktop) editorRows(w *window) int { return max(1, d.textArea(w).Dy()/d.lineH()) }

// keypad lays out a calculator's or counter's buttons.
func (d *Desktop) keypad(w *window) (display image.Rectangle, keys []string, rects []image.Rectangle) {
	c := d.content(w).Inset(2 * d.ts)
	gap := 2 * d.ts
	switch w.spec.Kind {
	case KindCalculator:
		display = image.Rect(c.Min.X, c.Min.Y, c.Max.X, c.Min.Y+d.lineH()+4*d.ts)
		grid := image.Rect(c.Min.X, display.Max.Y+gap, c.Max.X, c.Max.Y)
		for r, row := range calcKeys {
			for col, k := range row {
				keys = append(keys, k)
				rects = append(rects, cell(grid, col, r, 4, 4, gap))
			}
		}
	case KindCounter:
		bh := min(d.lineH()+6*d.ts, c.Dy()/2)
		display = image.Rect(c.Min.X, c.Min.Y, c.Max.X, c.Max.Y-bh-gap)
		row := image.Rect(c.Min.X, c.Max.Y-bh, c.Max.X, c.Max.Y)
		for i, k := range counterKeys {
			keys = append(keys, k)
			rects = append(rects, cell(row, i, 0, 3, 1, gap))
		}
	}
	return display, keys, rects
}

// cell is cell (col, row) of an n x m grid over r with gaps between cells.
func cell(r image.Rectangle, col, row, n, m, gap int) image.Rectangle {
	x0 := r.Min.X + col*(r.Dx()+gap)/n
	x1 := r.Min.X + (col+1)*(r.Dx()+gap)/n - gap
	y0 := r.Min.Y + row*(r.Dy()+gap)/m
	y1 := r.Min.Y + (row+1)*(r.Dy()+gap)/m - gap
	return image.Rect(x0, y0, x1, y1)
}

func (d *Desktop) keyAt(w *window, p image.Point) (string, bool) {
	_, keys, rects := d.keypad(w)
	for i, r := range rects {
		if p.In(r) {
			return keys[i], true
		}
	}
	return "", false
}

// menuRect places the menu's box at p, inside the screen.
func (d *Desktop) menuRect(p image.Point) image.Rectangle {
	wide := 0
	for _, m := range d.spec.Menu {
		wide = max(wide, textWidth(m.Label, d.ts))
	}
	size := image.Pt(wide+8*d.ts, len(d.spec.Menu)*d.menuItemH()+2*d.border())
	p.X = max(min(p.X, d.iw-size.X), 0)
	p.Y = max(min(p.Y, d.ih-size.Y), 0)
	return image.Rectangle{p, p.Add(size)}
}

func (d *Desktop) menuItemH() int { return d.lineH() + 4*d.ts }

func (d *Desktop) menuItem(i int) image.Rectangle {
	r := d.menu.rect.Inset(d.border())
	y := r.Min.Y + i*d.menuItemH()
	return image.Rect(r.Min.X, y, r.Max.X, y+d.menuItemH())
}

func (d *Desktop) menuItemAt(p image.Point) int {
	for i := range d.spec.Menu {
		if p.In(d.menuItem(i)) {
			return i
		}
	}
	return -1
}

// windowAt is the topmost window under p.
func (d *Desktop) windowAt(p image.Point) *window {
	for i := len(d.windows) - 1; i >= 0; i-- {
		if p.In(d.windows[i].rect) {
			return d.windows[i]
		}
	}
	return nil
}

// iconAt is the icon whose picture or label is under p, or -1.
func (d *Desktop) iconAt(p image.Point) int {
	for i := range d.icons {
		pic, label := d.iconParts(i)
		if p.In(pic) || p.In(label) {
			return i
		}
	}
	return -1
}

// iconParts are the picture and label boxes of icon i.
func (d *Desktop) iconParts(i int) (pic, label image.Rectangle) {
	c := d.icons[i]
	n := d.iconPic()
	x := c.Min.X + (c.Dx()-n)/2
	pic = image.Rect(x, c.Min.Y+d.ts, x+n, c.Min.Y+d.ts+n)
	w := min(textWidth(d.spec.Icons[i].Label, d.ts), c.Dx()-2*d.ts) + 2*d.ts
	lx := c.Min.X + (c.Dx()-w)/2
	label = image.Rect(lx, pic.Max.Y+d.ts, lx+w, pic.Max.Y+d.ts+d.lineH())
	return pic, label
}

// cursorShape is the I-beam over an editor's text and the arrow elsewhere.
func (d *Desktop) cursorShape() CursorShape {
	p := d.toInternal(d.x, d.y)
	if d.menu == nil && d.drag == nil {
		if w := d.windowAt(p); w != nil && w.spec.Kind == KindEditor && p.In(d.content(w)) {
			return IBeam
		}
	}
	return Arrow
}

// seconds is the desktop clock's time of day.
func (d *Desktop) seconds() int {
	return (d.spec.clockStart + int(float64(d.step)/d.fps)) % 86400
}

// caretOn reports the blinking caret's phase: about half a second on, half off.
func (d *Desktop) caretOn() bool {
	half := max(1, int(math.Round(d.fps/2)))
	return (d.step/half)%2 == 0
}
