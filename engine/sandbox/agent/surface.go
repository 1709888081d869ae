package agent

import (
	"fmt"
	"image"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// Surface is what the agents of any screen need to know of it, in frame
// pixels: its size and frame rate, where the pointer is, its windows, and
// other things worth clicking.
type Surface interface {
	Size() (w, h int)
	FPS() float64
	Pointer() (x, y int)
	Windows() []Window
	Targets() []image.Rectangle // windows' title bars and the like
}

// Window is a top-level window of a Surface.
type Window struct {
	Frame    image.Rectangle // the whole window, decorations included
	TitleBar image.Rectangle // empty when it has none
}

// desktopSurface is the sandbox desktop seen as a Surface.
type desktopSurface struct{ d *sandbox.Desktop }

func (s desktopSurface) Size() (int, int) { return s.d.Size() }
func (s desktopSurface) FPS() float64     { return s.d.FPS() }

func (s desktopSurface) Pointer() (int, int) {
	x, y, _ := s.d.Cursor()
	return x, y
}

func (s desktopSurface) Windows() []Window {
	var ws []Window
	for _, w := range s.d.Windows() {
		ws = append(ws, Window{Frame: w.Rect, TitleBar: w.TitleBar})
	}
	return ws
}

// Targets are the icons, title bars, close boxes, keys and open menu items.
func (s desktopSurface) Targets() []image.Rectangle {
	var rs []image.Rectangle
	for _, ic := range s.d.Icons() {
		rs = append(rs, ic.Picture)
	}
	for _, w := range s.d.Windows() {
		rs = append(rs, w.TitleBar, w.CloseBox)
		for _, k := range s.d.Keys(w.ID) {
			rs = append(rs, k.Rect)
		}
	}
	if m := s.d.Menu(); m.Open {
		rs = append(rs, m.Items...)
	}
	return rs
}

// SurfaceAgent chooses each step's action on a Surface.
type SurfaceAgent struct {
	p    *planner
	kind string
}

// NewForSurface is an agent for any Surface: random (as on the sandbox),
// goal (window tasks: click into a window and type a word and Return,
// drag a window by its title bar, double- or right-click in it), or mixed.
func NewForSurface(kind string, seed uint64) (*SurfaceAgent, error) {
	switch kind {
	case "random", "goal", "mixed":
		return &SurfaceAgent{p: newPlanner(seed), kind: kind}, nil
	}
	return nil, fmt.Errorf("agent: unknown agent %q (want random, goal or mixed)", kind)
}

// Next is the action of the next step on sf.
func (a *SurfaceAgent) Next(sf Surface) action.Action {
	return a.p.next(sf, func() {
		if a.kind == "random" || a.kind == "mixed" && a.p.chance(0.4) {
			a.p.randomBurst(sf)
		} else {
			a.p.windowTask(sf)
		}
	})
}

// windowTask plans one thing a user does with a window of sf.
func (p *planner) windowTask(sf Surface) {
	ws := sf.Windows()
	if len(ws) == 0 {
		p.randomBurst(sf)
		return
	}
	w := ws[p.rng.IntN(len(ws))]
	inside := func() (int, int) {
		body := w.Frame
		if !w.TitleBar.Empty() {
			body.Min.Y = w.TitleBar.Max.Y
		}
		body = body.Intersect(image.Rect(0, 0, p.w, p.h)).Inset(2)
		if body.Empty() {
			return p.randomPoint()
		}
		return body.Min.X + p.rng.IntN(max(body.Dx(), 1)), body.Min.Y + p.rng.IntN(max(body.Dy(), 1))
	}
	switch r := p.rng.Float64(); {
	case r < 0.4: // focus it and type a word
		p.moveTo(inside())
		p.click(action.Left)
		p.Wait(p.between(1, 3))
		p.typeText(typedWords[p.rng.IntN(len(typedWords))])
		if p.chance(0.6) {
			p.TypeRune('\n')
		}
	case r < 0.65 && !w.TitleBar.Empty(): // move it by its title bar
		t := w.TitleBar.Inset(min(w.TitleBar.Dx(), w.TitleBar.Dy()) / 3)
		p.moveTo(t.Min.X+p.rng.IntN(max(t.Dx(), 1)), t.Min.Y+p.rng.IntN(max(t.Dy(), 1)))
		dx, dy := p.between(-p.w/5, p.w/5), p.between(-p.h/6, p.h/6)
		p.drag(p.X+dx, p.Y+dy)
	case r < 0.85:
		p.moveTo(inside())
		p.doubleClick()
	default:
		p.moveTo(inside())
		p.click(action.Right)
		p.Wait(p.between(2, 6))
		p.Key("Escape")
	}
	p.Wait(p.between(1, 5))
}

// typedWords are what the window agent types: words and short commands
// that the usual X programs (a terminal, an editor) take.
var typedWords = []string{"hello", "ls", "date", "echo hi", "neural", "1+2", "xyz", "pwd", "ok"}
