package agent

import (
	"image"
	"reflect"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// run drives a fresh default desktop for n steps and returns the actions,
// calling watch after each step.
func run(t *testing.T, kind string, seed uint64, n int, watch func(d *sandbox.Desktop, a action.Action)) []action.Action {
	t.Helper()
	d, err := sandbox.New(nil, sandbox.Options{Width: 256, Height: 192})
	if err != nil {
		t.Fatal(err)
	}
	ag, err := New(kind, seed)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]action.Action, 0, n)
	for range n {
		a := ag.Next(d)
		if a.X < 0 || a.Y < 0 || a.X >= 256 || a.Y >= 192 {
			t.Fatalf("%s agent: action %v outside the frame", kind, a)
		}
		d.Step(a)
		if watch != nil {
			watch(d, a)
		}
		out = append(out, a)
	}
	return out
}

func TestSeededAndReproducible(t *testing.T) {
	for _, kind := range Kinds {
		a := run(t, kind, 7, 1500, nil)
		b := run(t, kind, 7, 1500, nil)
		c := run(t, kind, 8, 1500, nil)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the same seed gave different actions", kind)
		}
		if reflect.DeepEqual(a, c) {
			t.Errorf("%s: different seeds gave the same actions", kind)
		}
	}
	if _, err := New("lazy", 1); err == nil {
		t.Error("unknown agent accepted")
	}
}

// TestGoalAgentDoesTheTasks watches five simulated minutes of the goal agent
// and checks that it did each kind of task.
func TestGoalAgentDoesTheTasks(t *testing.T) {
	opened := map[string]bool{}
	var dragged, typed, computed, menu, closed bool
	prevRects := map[string]image.Rectangle{}
	prevOpen := 0
	run(t, "goal", 1, 15*60*5, func(d *sandbox.Desktop, a action.Action) {
		ws := d.Windows()
		for _, w := range ws {
			opened[w.ID] = true
			if r, ok := prevRects[w.ID]; ok && r != w.Rect && a.Buttons.Has(action.Left) {
				dragged = true
			}
			switch w.Kind {
			case sandbox.KindEditor:
				typed = typed || len(w.Text) > 20
			case sandbox.KindCalculator:
				computed = computed || (w.Display != "0" && w.Display != "Error" && len(w.Display) > 0 && a.Buttons == 0)
			}
		}
		clear(prevRects)
		for _, w := range ws {
			prevRects[w.ID] = w.Rect
		}
		menu = menu || d.Menu().Open
		closed = closed || len(ws) < prevOpen
		prevOpen = len(ws)
	})
	if len(opened) < 5 || !dragged || !typed || !computed || !menu || !closed {
		t.Errorf("goal agent: opened %v, dragged %v, typed %v, computed %v, menu %v, closed %v",
			opened, dragged, typed, computed, menu, closed)
	}
}

// TestRandomAgentMix checks the GUIWorld-style mix of events.
func TestRandomAgentMix(t *testing.T) {
	acts := run(t, "random", 3, 20000, nil)
	var clicks, doubles, drags, rights, keys, scrolls, jumps, glides int
	lastClick, pressAt, moved := -100, 0, false
	prev := action.Action{X: acts[0].X, Y: acts[0].Y}
	for i, a := range acts {
		held := prev.Buttons.Has(action.Left) && a.Buttons.Has(action.Left)
		moved = moved || held && (a.X != prev.X || a.Y != prev.Y)
		switch {
		case a.Pressed(prev).Has(action.Left):
			pressAt, moved = i, false
		case a.Released(prev).Has(action.Left) && moved:
			drags++
		case a.Released(prev).Has(action.Left): // a click, without moving
			clicks++
			if pressAt-lastClick <= 6 {
				doubles++
			}
			lastClick = pressAt
		}
		if a.Pressed(prev).Has(action.Right) {
			rights++
		}
		keys += len(a.KeyDown)
		if a.Scroll != 0 {
			scrolls++
		}
		switch d := max(abs(a.X-prev.X), abs(a.Y-prev.Y)); {
		case d > 60:
			jumps++
		case d > 0:
			glides++
		}
		prev = a
	}
	// A double click counts two presses, the second within the gap.
	share := float64(doubles) / float64(clicks-doubles)
	t.Logf("clicks %d (double %.0f%%), drags %d, right %d, keys %d, scrolls %d, jumps %d, glide steps %d",
		clicks, 100*share, drags, rights, keys, scrolls, jumps, glides)
	if clicks < 200 || share < 0.2 || share > 0.4 || drags < 50 || rights < 50 || keys < 200 || scrolls < 20 || jumps < 50 || glides < 2000 {
		t.Error("random agent's mix of events is off")
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestBusyOpensMore checks what the busy agent is for: many more windows
// opened (at least 2.5 times as many), and menus, per step than the goal
// agent.
func TestBusyOpensMore(t *testing.T) {
	count := func(kind string) (opens, menus int) {
		windows, menu := 0, false
		run(t, kind, 3, 3000, func(d *sandbox.Desktop, _ action.Action) {
			if n := len(d.Windows()); n > windows {
				opens++
				windows = n
			} else {
				windows = n
			}
			if m := d.Menu().Open; m && !menu {
				menus++
			}
			menu = d.Menu().Open
		})
		return opens, menus
	}
	goalOpens, goalMenus := count("goal")
	busyOpens, busyMenus := count("busy")
	t.Logf("windows opened in 3000 steps: goal %d, busy %d; menus %d, %d", goalOpens, busyOpens, goalMenus, busyMenus)
	if 2*busyOpens < 5*goalOpens || busyMenus < goalMenus { // about 2% of steps against 0.7%
		t.Errorf("busy agent opened %d windows and %d menus, goal %d and %d", busyOpens, busyMenus, goalOpens, goalMenus)
	}
}

// TestTidyKeepsDesktopEmpty checks what the tidy agent is for: the empty
// desktop, where sessions and probes start, in a large share of its steps
// (goal and mixed traces show it in a few percent), while it still opens
// windows.
func TestTidyKeepsDesktopEmpty(t *testing.T) {
	share := func(kind string) (empty float64, opens int) {
		n, windows := 0, 0
		run(t, kind, 5, 3000, func(d *sandbox.Desktop, _ action.Action) {
			w := len(d.Windows())
			if w == 0 {
				n++
			}
			if w > windows {
				opens++
			}
			windows = w
		})
		return float64(n) / 3000, opens
	}
	goalEmpty, goalOpens := share("goal")
	tidyEmpty, tidyOpens := share("tidy")
	t.Logf("share of 3000 steps with no window open: goal %.3f, tidy %.3f; windows opened %d, %d", goalEmpty, tidyEmpty, goalOpens, tidyOpens)
	if tidyEmpty < 0.25 || tidyEmpty < 4*goalEmpty || tidyOpens < goalOpens/2 {
		t.Errorf("tidy agent: empty desktop in %.3f of its steps (goal %.3f), %d windows opened (goal %d)", tidyEmpty, goalEmpty, tidyOpens, goalOpens)
	}
}
