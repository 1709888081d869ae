package agent

import (
	"fmt"
	"image"
	"slices"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// words are what the goal agent types.
var words = []string{
	"hello", "world", "neural", "computer", "cursor", "window", "frame", "model",
	"milk", "eggs", "bread", "apple", "zebra", "note", "todo", "sky", "blue",
	"Paris", "Monday", "42", "2026", "ok", "yes", "no", "quick", "brown", "fox",
}

// task is something an agent may do next, with its weight in the draw.
type task struct {
	weight float64
	do     func(*sandbox.Desktop)
}

// goalTask plans the next step of a purposeful session: finish what is under
// way, or pick a task that suits the desktop's state.
func (p *planner) goalTask(d *sandbox.Desktop) {
	open := float64(len(d.Windows()))
	p.finishOr(d, []task{
		{0.5 + 4/(1+open), p.openIcon},
		{1.5, p.dragWindow},
		{1.5, p.typeWords},
		{1.2, p.compute},
		{0.6, p.count},
		{0.8, p.useMenu},
		{0.4 * open, p.closeWindow},
		{0.5, p.hover},
	})
}

// busyTask is goalTask without the quiet tasks: windows opened, closed and
// dragged and the menu used back to back, the steps that change much of the
// screen and that uniform traces have least of (a window opens in 0.7% of
// the steps of goal and mixed traces).
func (p *planner) busyTask(d *sandbox.Desktop) {
	open := float64(len(d.Windows()))
	p.finishOr(d, []task{
		{1 + 4/(1+open), p.openIcon},
		{0.4, p.dragWindow},
		{1.2, p.useMenu},
		{open, p.closeWindow},
	})
}

// tidyTask is goalTask on a desktop kept nearly empty: windows closed soon
// after use and the pointer wandering over the bare desktop in between. A
// session, the studio's Play page and every probe start from the empty
// desktop, which goal and mixed traces show in 2-3% of their frames; a
// model trained on those alone draws window debris wherever the pointer
// passes over it.
func (p *planner) tidyTask(d *sandbox.Desktop) {
	open := float64(len(d.Windows()))
	p.finishOr(d, []task{
		{1 / (1 + 2*open), p.openIcon},
		{0.3, p.dragWindow},
		{0.4, p.typeWords},
		{0.3, p.compute},
		{0.2, p.count},
		{0.3, p.useMenu},
		{6 * open, p.closeWindow},
		{4 / (1 + open), p.hover},
	})
}

// finishOr runs the next phase of a task under way, or draws one of tasks
// by weight.
func (p *planner) finishOr(d *sandbox.Desktop, tasks []task) {
	if p.then != nil {
		f := p.then
		p.then = nil
		f(d)
		return
	}
	total := 0.0
	for _, t := range tasks {
		total += t.weight
	}
	r := p.rng.Float64() * total
	for _, t := range tasks {
		if r -= t.weight; r < 0 {
			t.do(d)
			return
		}
	}
	tasks[len(tasks)-1].do(d)
}

// openIcon double-clicks a visible icon, preferring one whose window is not
// open yet.
func (p *planner) openIcon(d *sandbox.Desktop) {
	icons := d.Icons()
	order := p.rng.Perm(len(icons))
	slices.SortStableFunc(order, func(a, b int) int {
		_, oa := d.Window(icons[a].Opens)
		_, ob := d.Window(icons[b].Opens)
		return boolInt(oa) - boolInt(ob)
	})
	for _, i := range order {
		if p.openNth(d, i) {
			return
		}
	}
}

// openNth moves to icon i and double-clicks it; false when it is hidden.
func (p *planner) openNth(d *sandbox.Desktop, i int) bool {
	ic := d.Icons()[i]
	x, y, ok := p.aim(ic.Picture.Union(ic.LabelBox), func(x, y int) bool {
		t := d.Hit(x, y)
		return t.Kind == sandbox.OnIcon && t.Index == i
	})
	if !ok {
		return false
	}
	p.moveTo(x, y)
	p.Wait(p.between(0, 2))
	p.doubleClick()
	p.Wait(p.between(2, 6))
	return true
}

// ensure makes a window of the kind open and on top, then calls use with
// its id; it opens one (through its icon) or raises one (by its title bar)
// first when needed.
func (p *planner) ensure(d *sandbox.Desktop, kind string, use func(*sandbox.Desktop, string)) {
	ws := d.Windows()
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].Kind != kind {
			continue
		}
		if i == len(ws)-1 {
			use(d, ws[i].ID)
			return
		}
		if p.clickWindow(d, ws[i].ID, sandbox.OnTitleBar) {
			id := ws[i].ID
			p.then = func(d *sandbox.Desktop) { use(d, id) }
			return
		}
	}
	for i, ic := range d.Icons() {
		if windowKind(d, ic.Opens) == kind && p.openNth(d, i) {
			p.then = func(d *sandbox.Desktop) {
				if w, ok := d.Window(ic.Opens); ok && w.Focused {
					use(d, ic.Opens)
				}
			}
			return
		}
	}
}

// clickWindow clicks a visible point of a window's part.
func (p *planner) clickWindow(d *sandbox.Desktop, id string, part sandbox.TargetKind) bool {
	w, ok := d.Window(id)
	if !ok {
		return false
	}
	r := map[sandbox.TargetKind]image.Rectangle{sandbox.OnTitleBar: w.TitleBar, sandbox.OnContent: w.Content, sandbox.OnCloseBox: w.CloseBox}[part]
	x, y, ok := p.aim(r, func(x, y int) bool {
		t := d.Hit(x, y)
		return t.Window == id && t.Kind == part
	})
	if !ok {
		return false
	}
	p.moveTo(x, y)
	p.Wait(p.between(0, 2))
	p.click(action.Left)
	p.Wait(p.between(1, 3))
	return true
}

// dragWindow drags a window by its title bar to somewhere else on screen.
func (p *planner) dragWindow(d *sandbox.Desktop) {
	ws := d.Windows()
	for _, i := range p.rng.Perm(len(ws)) {
		w := ws[i]
		x, y, ok := p.aim(w.TitleBar, func(x, y int) bool {
			t := d.Hit(x, y)
			return t.Window == w.ID && t.Kind == sandbox.OnTitleBar
		})
		if !ok {
			continue
		}
		// A new top-left that keeps the window on screen.
		nx := p.rng.IntN(max(p.w-w.Rect.Dx(), 0) + 1)
		ny := p.rng.IntN(max(p.h-w.Rect.Dy(), 0) + 1)
		p.moveTo(x, y)
		p.Wait(p.between(0, 2))
		p.drag(x+nx-w.Rect.Min.X, y+ny-w.Rect.Min.Y)
		p.Wait(p.between(1, 4))
		return
	}
}

// typeWords focuses an editor and types a few words, sometimes fixing a typo.
func (p *planner) typeWords(d *sandbox.Desktop) {
	p.ensure(d, sandbox.KindEditor, func(d *sandbox.Desktop, id string) {
		w, _ := d.Window(id)
		if !p.clickWindow(d, id, sandbox.OnContent) {
			return
		}
		if t := w.Text; t != "" && t[len(t)-1] != ' ' && t[len(t)-1] != '\n' {
			p.typeText(" ")
		}
		for n := p.between(1, 3); n > 0; n-- {
			word := words[p.rng.IntN(len(words))]
			if p.chance(0.2) { // a typo, noticed and erased
				p.typeText(word[:len(word)/2] + "x")
				p.Wait(p.between(1, 4))
				p.Key("BackSpace")
				p.typeText(word[len(word)/2:])
			} else {
				p.typeText(word)
			}
			switch {
			case p.chance(0.25):
				p.Key("Return")
			case n > 1:
				p.typeText(" ")
			}
		}
		p.Wait(p.between(2, 8))
	})
}

// compute works out a small sum on the calculator, by clicking its buttons
// or by typing.
func (p *planner) compute(d *sandbox.Desktop) {
	p.ensure(d, sandbox.KindCalculator, func(d *sandbox.Desktop, id string) {
		ops := "+-*/"
		expr := fmt.Sprintf("%d%c%d=", p.between(0, 99), ops[p.rng.IntN(4)], p.between(1, 99))
		if p.chance(0.2) {
			expr = "C" + expr
		}
		if p.chance(0.3) { // from the keyboard
			p.typeText(expr)
			p.Wait(p.between(3, 8))
			return
		}
		keys := d.Keys(id)
		for _, k := range expr {
			x, y, ok := p.aim(keyRect(keys, string(k)), func(x, y int) bool {
				t := d.Hit(x, y)
				return t.Kind == sandbox.OnKey && t.Window == id && t.Key == string(k)
			})
			if !ok {
				return
			}
			p.moveTo(x, y)
			p.click(action.Left)
			p.Wait(p.between(0, 2))
		}
		p.Wait(p.between(3, 8))
	})
}

// count clicks the counter's buttons.
func (p *planner) count(d *sandbox.Desktop) {
	p.ensure(d, sandbox.KindCounter, func(d *sandbox.Desktop, id string) {
		keys := d.Keys(id)
		key := "+"
		for n := p.between(1, 5); n > 0; n-- {
			if p.chance(0.2) {
				key = []string{"-", "0", "+"}[p.rng.IntN(3)]
			}
			x, y, ok := p.aim(keyRect(keys, key), func(x, y int) bool {
				t := d.Hit(x, y)
				return t.Kind == sandbox.OnKey && t.Window == id && t.Key == key
			})
			if !ok {
				return
			}
			p.moveTo(x, y)
			p.click(action.Left)
			p.Wait(p.between(1, 3))
		}
	})
}

// useMenu right-clicks the desktop and picks a menu item.
func (p *planner) useMenu(d *sandbox.Desktop) {
	x, y, ok := p.aim(image.Rect(0, 0, p.w, p.h), func(x, y int) bool { return d.Hit(x, y).Kind == sandbox.OnDesktop })
	if !ok {
		return
	}
	p.moveTo(x, y)
	p.Wait(p.between(0, 2))
	p.click(action.Right)
	p.Wait(p.between(2, 5))
	p.then = func(d *sandbox.Desktop) {
		m := d.Menu()
		if !m.Open {
			return
		}
		if p.chance(0.1) { // changed their mind
			p.Key("Escape")
			return
		}
		i := p.rng.IntN(len(m.Items))
		x, y, _ := p.aim(m.Items[i], func(x, y int) bool { return true })
		p.moveTo(x, y)
		p.Wait(p.between(1, 3))
		p.click(action.Left)
		p.Wait(p.between(2, 6))
	}
}

// closeWindow clicks the close box of a window.
func (p *planner) closeWindow(d *sandbox.Desktop) {
	ws := d.Windows()
	for _, i := range p.rng.Perm(len(ws)) {
		if p.clickWindow(d, ws[i].ID, sandbox.OnCloseBox) {
			return
		}
	}
}

// hover moves somewhere and rests, as people do while reading.
func (p *planner) hover(d *sandbox.Desktop) {
	x, y := p.randomPoint()
	p.moveTo(x, y)
	p.Wait(p.between(3, 12))
}

func windowKind(d *sandbox.Desktop, id string) string {
	for _, w := range d.Spec().Windows {
		if w.ID == id {
			return w.Kind
		}
	}
	return ""
}

func keyRect(keys []sandbox.Key, label string) image.Rectangle {
	for _, k := range keys {
		if k.Label == label {
			return k.Rect
		}
	}
	return image.Rectangle{}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
