package sandbox

import (
	"image"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

func TestDoubleClickOpensAndSingleClicksDoNot(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	ic := d.Icons()[1] // Calc
	p := center(ic.Picture)
	click(d, p)
	if !d.Icons()[1].Selected {
		t.Error("a click does not select the icon")
	}
	for range d.doubleClickSteps() + 1 { // too slow for a double click
		d.Step(up(p.X, p.Y))
	}
	click(d, p)
	if len(d.Windows()) != 0 {
		t.Fatalf("two slow clicks opened %v", d.Windows())
	}
	click(d, p)
	w := mustWindow(t, d, "calc")
	if !w.Focused || w.Title != "Calculator" {
		t.Errorf("opened window %+v", w)
	}
	// Double-clicking it again raises rather than opening a second one.
	openIcon(t, d, "Notes")
	openIcon(t, d, "Calc")
	ws := d.Windows()
	if len(ws) != 2 || ws[1].ID != "calc" {
		t.Errorf("windows after reopening: %v", ws)
	}
}

func TestDragRaiseAndClose(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	openIcon(t, d, "Notes")
	openIcon(t, d, "Todo")
	notes := mustWindow(t, d, "notes")
	if notes.Focused {
		t.Fatal("notes has focus under todo")
	}
	// Drag notes by a visible part of its title bar.
	var grab image.Point
	for x := notes.TitleBar.Min.X; x < notes.TitleBar.Max.X; x++ {
		p := image.Pt(x, center(notes.TitleBar).Y)
		if h := d.Hit(p.X, p.Y); h.Kind == OnTitleBar && h.Window == "notes" {
			grab = p
			break
		}
	}
	if grab == (image.Point{}) {
		t.Fatal("no visible part of the notes title bar")
	}
	d.Step(leftDown(grab.X, grab.Y))
	if ws := d.Windows(); ws[len(ws)-1].ID != "notes" {
		t.Fatal("pressing the title bar does not raise the window")
	}
	to := grab.Add(image.Pt(-40, 50))
	d.Step(leftDown(grab.X-20, grab.Y+25))
	d.Step(leftDown(to.X, to.Y))
	d.Step(up(to.X, to.Y))
	d.Step(up(to.X+30, to.Y)) // moving after the release does not drag
	moved := mustWindow(t, d, "notes")
	if got, want := moved.Rect.Min, notes.Rect.Min.Add(image.Pt(-40, 50)); got != want {
		t.Errorf("window at %v after the drag, want %v", got, want)
	}
	// Dragging far off screen keeps the title bar reachable.
	g := center(moved.TitleBar)
	d.Step(leftDown(g.X, g.Y))
	d.Step(leftDown(255, 191))
	d.Step(up(255, 191))
	if w := mustWindow(t, d, "notes"); w.TitleBar.Min.Y > 191-8 || w.TitleBar.Min.X > 255-8 {
		t.Errorf("title bar pushed off screen: %v", w.TitleBar)
	}
	// The close box closes and focus passes to the window below.
	openIcon(t, d, "Todo")
	click(d, center(mustWindow(t, d, "todo").CloseBox))
	if _, ok := d.Window("todo"); ok {
		t.Fatal("close box did not close")
	}
	if w := mustWindow(t, d, "notes"); !w.Focused {
		t.Error("focus did not pass to the remaining window")
	}
}

func TestContextMenu(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	d.Step(rightDown(200, 100))
	d.Step(up(200, 100))
	m := d.Menu()
	if !m.Open || len(m.Items) != len(d.Spec().Menu) {
		t.Fatalf("menu %+v", m)
	}
	before := render(d)
	item := center(m.Items[1]) // "Calculator"
	d.Step(up(item.X, item.Y))
	if d.Menu().Hover != 1 {
		t.Errorf("hover %d, want 1", d.Menu().Hover)
	}
	if samePixels(before, render(d), d.Menu().Rect) {
		t.Error("hovering an item does not highlight it")
	}
	click(d, item)
	if d.Menu().Open {
		t.Error("menu still open after choosing")
	}
	mustWindow(t, d, "calc")

	// Escape and a click elsewhere dismiss it without doing anything.
	d.Step(rightDown(10, 180))
	d.Step(action.Action{X: 10, Y: 180, KeyDown: []string{"Escape"}})
	if d.Menu().Open {
		t.Error("Escape does not close the menu")
	}
	d.Step(rightDown(10, 180))
	d.Step(up(10, 180))
	click(d, image.Pt(5, 186))
	if d.Menu().Open || len(d.Windows()) != 1 {
		t.Errorf("a click outside: menu %v, windows %d", d.Menu().Open, len(d.Windows()))
	}
	// "Close all" closes everything.
	d.Step(rightDown(10, 100))
	d.Step(up(10, 100))
	click(d, center(d.Menu().Items[3]))
	if n := len(d.Windows()); n != 0 {
		t.Errorf("%d windows after close-all", n)
	}
}

func TestEditorTyping(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	openIcon(t, d, "Todo")
	w := mustWindow(t, d, "todo")
	p := center(w.Content)
	type_ := func(a action.Action) { a.X, a.Y = p.X, p.Y; d.Step(a) }
	type_(action.Action{KeyDown: []string{"b"}, Text: "b"})
	type_(action.Action{Text: "ut", KeyUp: []string{"b"}})
	type_(action.Action{KeyDown: []string{"BackSpace"}})
	type_(action.Action{Text: "x"})
	type_(action.Action{KeyDown: []string{"Return"}})
	type_(action.Action{Text: "Hi \u00e9!"}) // é is not in the font: dropped
	if got, want := mustWindow(t, d, "todo").Text, "- milk\n- eggs\nbux\nHi !"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if _, _, shape := d.Cursor(); shape != IBeam {
		t.Errorf("cursor over the editor is %v, want ibeam", shape)
	}
	// Keys go to the focused window only: after a click on the desktop,
	// typing does nothing.
	click(d, image.Pt(150, 185))
	type_(action.Action{Text: "zzz"})
	if strings.Contains(mustWindow(t, d, "todo").Text, "zzz") {
		t.Error("typing reached an unfocused editor")
	}
}

func TestCaretBlinksAndClockTicks(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	openIcon(t, d, "Notes")
	notes := mustWindow(t, d, "notes")
	idle := up(250, 190)
	half := d.doubleClickSteps() // half a second
	var frames []*image.RGBA
	for range 4 {
		frames = append(frames, render(d))
		for range half {
			d.Step(idle)
		}
	}
	if samePixels(frames[0], frames[1], notes.Content) || !samePixels(frames[0], frames[2], notes.Content) {
		t.Error("the caret does not blink with a one-second period")
	}
	openIcon(t, d, "Clock")
	clock := mustWindow(t, d, "clock")
	a := render(d)
	for range 15 {
		d.Step(idle)
	}
	if samePixels(a, render(d), clock.Content) {
		t.Error("the clock did not change in one second")
	}
}

func TestCalculatorComputes(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	openIcon(t, d, "Calc")
	press := func(keys string) {
		for _, k := range keys {
			for _, key := range d.Keys("calc") {
				if key.Label == string(k) {
					click(d, center(key.Rect))
				}
			}
		}
	}
	display := func() string { return mustWindow(t, d, "calc").Display }
	// In sequence: each line starts from the state the previous one left.
	for _, c := range []struct{ keys, want string }{
		{"12+7=", "19"},
		{"*3=", "57"},
		{"C9-4*2=", "10"}, // left to right, like a pocket calculator
		{"1/0=", "Error"},
		{"C2/3=", "0.6666666667"},
	} {
		press(c.keys)
		if got := display(); got != c.want {
			t.Errorf("%s shows %q, want %q", c.keys, got, c.want)
		}
	}
	// From the keyboard too.
	p := center(mustWindow(t, d, "calc").Content)
	d.Step(action.Action{X: p.X, Y: p.Y, Text: "c6*7"})
	d.Step(action.Action{X: p.X, Y: p.Y, KeyDown: []string{"Return"}})
	if display() != "42" {
		t.Errorf("typed 6*7 Return shows %q", display())
	}
}

func TestCounter(t *testing.T) {
	d := newDesktop(t, nil, 256, 192)
	openIcon(t, d, "Counter")
	keys := d.Keys("counter")
	for _, k := range []int{2, 2, 2, 0} { // + + + -
		click(d, center(keys[k].Rect))
	}
	if got := mustWindow(t, d, "counter").Display; got != "2" {
		t.Errorf("counter shows %q, want 2", got)
	}
}

func TestCursorMask(t *testing.T) {
	for _, size := range [][2]int{{256, 192}, {128, 96}, {1024, 768}} {
		d := newDesktop(t, nil, size[0], size[1])
		d.Step(up(40, 30))
		mask := image.NewAlpha(image.Rect(0, 0, size[0], size[1]))
		d.CursorMask(mask)
		sprite := CursorSprite(Arrow)
		n, want := 0, 0
		for i := 3; i < len(sprite.Image.Pix); i += 4 {
			if sprite.Image.Pix[i] != 0 {
				want++
			}
		}
		for y := range size[1] {
			for x := range size[0] {
				if mask.AlphaAt(x, y).A != 0 {
					n++
					if x < 40 || y < 30 {
						t.Fatalf("mask pixel (%d, %d) left of or above the hotspot", x, y)
					}
				}
			}
		}
		if n != want || mask.AlphaAt(40, 30).A != 255 {
			t.Errorf("%v: mask has %d pixels (want %d), hotspot %d", size, n, want, mask.AlphaAt(40, 30).A)
		}
		// The mask covers exactly the pixels the cursor changed.
		withCursor := render(d)
		d.Step(up(size[0]-1, size[1]-1))
		without := render(d)
		for y := range 20 {
			for x := range 14 {
				p := image.Pt(40+x, 30+y)
				changed := withCursor.RGBAAt(p.X, p.Y) != without.RGBAAt(p.X, p.Y)
				if changed && mask.AlphaAt(p.X, p.Y).A == 0 {
					t.Fatalf("%v: pixel %v drawn by the cursor is outside the mask", size, p)
				}
			}
		}
	}
}

func TestDeterministicAcrossSizes(t *testing.T) {
	script := func(d *Desktop) []*image.RGBA {
		var out []*image.RGBA
		w, h := d.Size()
		sx := func(x int) int { return x * w / 256 }
		sy := func(y int) int { return y * h / 192 }
		for _, ic := range d.Icons()[:3] {
			doubleClick(d, center(ic.Picture))
			out = append(out, render(d))
		}
		d.Step(action.Action{X: sx(200), Y: sy(100), Text: "12+30="})
		d.Step(rightDown(sx(20), sy(185)))
		out = append(out, render(d))
		return out
	}
	for _, size := range [][2]int{{256, 192}, {128, 96}, {320, 240}, {1024, 768}} {
		a := script(newDesktop(t, nil, size[0], size[1]))
		b := script(newDesktop(t, nil, size[0], size[1]))
		for i := range a {
			if !samePixels(a[i], b[i], a[i].Rect) {
				t.Fatalf("%v: frame %d differs between two runs", size, i)
			}
		}
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{Width: 32, Height: 24}, {Width: 2048, Height: 768}, {Width: 256, Height: 192, FPS: -1}} {
		if _, err := New(nil, o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
