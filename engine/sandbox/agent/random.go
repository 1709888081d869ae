package agent

import (
	"github.com/ncstudio/ncstudio/engine/action"
)

// randomBurst plans one random event in the style of the GUIWorld Random
// engine: Bézier glides mixed with jumps, clicks (30% of them double), right
// clicks, drags, scrolling, typing and held keys, with pauses. A third of
// the targets are things on screen (icons, title bars, buttons) rather than
// uniform points, so random sessions still open and move windows.
func (p *planner) randomBurst(sf Surface) {
	x, y := p.target(sf)
	switch r := p.rng.Float64(); {
	case r < 0.35:
		p.moveTo(x, y)
	case r < 0.45:
		p.jump(x, y)
	case r < 0.65:
		p.moveTo(x, y)
		if p.chance(0.3) {
			p.doubleClick()
		} else {
			p.click(action.Left)
		}
	case r < 0.72:
		p.moveTo(x, y)
		p.click(action.Right)
	case r < 0.79:
		p.moveTo(x, y)
		tx, ty := p.target(sf)
		p.drag(tx, ty)
	case r < 0.84:
		n := p.between(1, 3)
		if p.chance(0.5) {
			n = -n
		}
		p.Emit(action.Action{Scroll: n})
	case r < 0.92:
		var s []byte
		for n := p.between(1, 6); n > 0; n-- {
			s = append(s, byte(p.between(' ', '~')))
		}
		p.typeText(string(s))
	case r < 0.96: // a held key
		k := []string{"Shift_L", "Control_L", "Alt_L", "a", "space", "BackSpace", "Return", "Escape", "Up", "Down"}[p.rng.IntN(10)]
		p.Emit(action.Action{KeyDown: []string{k}})
		p.Wait(p.between(1, 10))
		p.Emit(action.Action{KeyUp: []string{k}})
	}
	p.Wait(p.between(0, 4))
}

// target is a random point, a third of the time on something clickable.
func (p *planner) target(sf Surface) (int, int) {
	rs := sf.Targets()
	if len(rs) == 0 || p.chance(2.0/3) {
		return p.randomPoint()
	}
	r := rs[p.rng.IntN(len(rs))]
	return r.Min.X + p.rng.IntN(max(r.Dx(), 1)), r.Min.Y + p.rng.IntN(max(r.Dy(), 1))
}
