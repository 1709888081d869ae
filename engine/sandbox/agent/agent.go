// Package agent drives a desktop without a person: seeded, scripted users
// that produce one action per frame step. Random wanders and clicks like
// the NeuralComputer "GUIWorld Random" engine; Goal does the things a user
// does (on the sandbox: open, drag, type, compute, use the menu, close);
// Mixed interleaves the two; Busy keeps to the goal tasks that change much
// of the screen (open, close, drag, menu); Tidy does the goal tasks on a
// desktop it keeps nearly empty. The sandbox's agents (New) know its apps; the
// agents of any Surface (NewForSurface: a real X display) know only its
// windows.
package agent

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// Agent chooses the action of each step from the desktop as it is now.
type Agent interface {
	Next(d *sandbox.Desktop) action.Action
}

// Kinds lists the agents New knows.
var Kinds = []string{"random", "goal", "mixed", "busy", "tidy"}

// New returns the agent of the given kind, seeded.
func New(kind string, seed uint64) (Agent, error) {
	p := newPlanner(seed)
	switch kind {
	case "random":
		return &scripted{p, func(d *sandbox.Desktop) { p.randomBurst(desktopSurface{d}) }}, nil
	case "goal":
		return &scripted{p, func(d *sandbox.Desktop) { p.goalTask(d) }}, nil
	case "busy":
		return &scripted{p, func(d *sandbox.Desktop) { p.busyTask(d) }}, nil
	case "tidy":
		return &scripted{p, func(d *sandbox.Desktop) { p.tidyTask(d) }}, nil
	case "mixed":
		return &scripted{p, func(d *sandbox.Desktop) {
			if p.rng.Float64() < 0.35 {
				p.randomBurst(desktopSurface{d})
			} else {
				p.goalTask(d)
			}
		}}, nil
	}
	return nil, fmt.Errorf("agent: unknown agent %q (want random, goal, mixed, busy or tidy)", kind)
}

// scripted plays planned actions and plans more when it runs out.
type scripted struct {
	*planner
	plan func(d *sandbox.Desktop)
}

func (s *scripted) Next(d *sandbox.Desktop) action.Action {
	return s.next(desktopSurface{d}, func() { s.plan(d) })
}

// next is the next planned action on sf, calling plan when none is left.
func (p *planner) next(sf Surface, plan func()) action.Action {
	if !p.started { // start where the cursor is
		p.started = true
		p.X, p.Y = sf.Pointer()
		p.w, p.h = sf.Size()
		p.unit = float64(p.w) / sandbox.BaseWidth
		p.doubleGap = max(1, int(sf.FPS()/8))
	}
	for tries := 0; len(p.Actions) == 0; tries++ {
		if tries > 20 { // nothing to do that can be done: wait a little
			p.Wait(p.between(2, 6))
			break
		}
		plan()
	}
	a := p.Actions[0]
	p.Actions = p.Actions[1:]
	return a
}

// planner queues actions (its Script); the script's cursor and buttons
// are where the queued actions leave them.
type planner struct {
	action.Script
	rng       *rand.Rand
	started   bool
	w, h      int
	unit      float64                // frame pixels per 256x192 pixel
	doubleGap int                    // idle steps between the clicks of a double click
	then      func(*sandbox.Desktop) // the next phase of a task under way
}

func newPlanner(seed uint64) *planner {
	return &planner{rng: rand.New(rand.NewPCG(seed, 0x6e63_7374_7564_696f))}
}

func (p *planner) between(lo, hi int) int { return lo + p.rng.IntN(hi-lo+1) }

func (p *planner) chance(f float64) bool { return p.rng.Float64() < f }

// moveTo glides to (x, y) along a cubic Bézier curve with eased speed, as
// a hand moves a mouse.
func (p *planner) moveTo(x, y int) {
	x, y = min(max(x, 0), p.w-1), min(max(y, 0), p.h-1)
	x0, y0 := float64(p.X), float64(p.Y)
	dx, dy := float64(x)-x0, float64(y)-y0
	dist := math.Hypot(dx, dy)
	if dist < 1 {
		return
	}
	speed := (6 + 14*p.rng.Float64()) * p.unit // pixels per step at full speed
	n := min(max(int(dist/speed)+2, 3), 30)
	// Control points off the straight line, on the same side or not.
	bend := func() float64 { return (p.rng.Float64() - 0.5) * 0.6 * dist }
	nx, ny := -dy/dist, dx/dist
	b1, b2 := bend(), bend()
	c1x, c1y := x0+dx*0.3+nx*b1, y0+dy*0.3+ny*b1
	c2x, c2y := x0+dx*0.7+nx*b2, y0+dy*0.7+ny*b2
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		t = t * t * (3 - 2*t)
		u := 1 - t
		bx := u*u*u*x0 + 3*u*u*t*c1x + 3*u*t*t*c2x + t*t*t*float64(x)
		by := u*u*u*y0 + 3*u*u*t*c1y + 3*u*t*t*c2y + t*t*t*float64(y)
		p.X = min(max(int(math.Round(bx)), 0), p.w-1)
		p.Y = min(max(int(math.Round(by)), 0), p.h-1)
		p.Emit(action.Action{})
	}
	p.X, p.Y = x, y
	p.Actions[len(p.Actions)-1].X, p.Actions[len(p.Actions)-1].Y = x, y
}

// jump puts the cursor at (x, y) in one step.
func (p *planner) jump(x, y int) {
	p.X, p.Y = min(max(x, 0), p.w-1), min(max(y, 0), p.h-1)
	p.Emit(action.Action{})
}

func (p *planner) click(b action.Buttons) {
	p.Press(b)
	p.Wait(p.between(0, 1))
	p.Release(b)
}

func (p *planner) doubleClick() {
	p.click(action.Left)
	p.Wait(p.doubleGap)
	p.click(action.Left)
}

// typeText types s key by key, hesitating now and then.
func (p *planner) typeText(s string) {
	for _, r := range s {
		p.TypeRune(r)
		if p.chance(0.15) {
			p.Wait(p.between(1, 3))
		}
	}
}

// drag presses at the current position, glides to (x, y) and releases.
func (p *planner) drag(x, y int) {
	p.Press(action.Left)
	p.Wait(p.between(0, 1))
	p.moveTo(x, y)
	p.Wait(p.between(0, 1))
	p.Release(action.Left)
}

// aim finds a point of r (frame pixels) where ok holds on the desktop, away
// from r's edges when it can; false when none of a few tries is.
func (p *planner) aim(r image.Rectangle, ok func(x, y int) bool) (int, int, bool) {
	in := r.Inset(min(r.Dx(), r.Dy()) / 5)
	if in.Empty() {
		in = r
	}
	for range 24 {
		x := in.Min.X + p.rng.IntN(max(in.Dx(), 1))
		y := in.Min.Y + p.rng.IntN(max(in.Dy(), 1))
		if x >= 0 && y >= 0 && x < p.w && y < p.h && ok(x, y) {
			return x, y, true
		}
	}
	return 0, 0, false
}

// randomPoint is anywhere on the frame.
func (p *planner) randomPoint() (int, int) { return p.rng.IntN(p.w), p.rng.IntN(p.h) }
