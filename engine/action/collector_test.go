package action

import (
	"reflect"
	"sync"
	"testing"
)

func TestCollectorKeepsQuickClicks(t *testing.T) {
	var c Collector
	c.Move(10, 20)
	c.Press(Left)
	c.Release(Left) // within one step
	a := c.Step()
	if a.Buttons != Left || a.X != 10 || a.Y != 20 {
		t.Fatalf("quick click step: %v", a)
	}
	if b := c.Step(); b.Buttons != 0 {
		t.Fatalf("step after a quick click still holds %v", b.Buttons)
	}
}

// TestCollectorKeepsFastDoubleClicks: two clicks whose events land in
// neighbouring steps (or one) stay two press edges.
func TestCollectorKeepsFastDoubleClicks(t *testing.T) {
	for _, split := range []bool{false, true} {
		var c Collector
		c.Press(Left)
		c.Release(Left)
		if split {
			c.Step()
		}
		c.Press(Left)
		c.Release(Left)
		var got []Buttons
		prev := Action{}
		presses := 0
		for range 5 {
			a := c.Step()
			if a.Pressed(prev).Has(Left) {
				presses++
			}
			got = append(got, a.Buttons)
			prev = a
		}
		if split {
			presses++ // the first press was in the step skipped above
		}
		if presses != 2 || got[len(got)-1] != 0 {
			t.Errorf("split %v: buttons by step %v: %d presses, want 2 and up at the end", split, got, presses)
		}
	}
	// A held button is not delayed: the state is shown in the step it began.
	var c Collector
	c.Press(Right)
	if a := c.Step(); a.Buttons != Right {
		t.Errorf("held right button shown as %v", a.Buttons)
	}
	if a := c.Step(); a.Buttons != Right {
		t.Errorf("still-held right button shown as %v", a.Buttons)
	}
}

func TestCollectorStepContents(t *testing.T) {
	var c Collector
	c.Press(Right)
	c.KeyDown("Shift_L")
	c.KeyDown("a")
	c.Type("A")
	c.KeyUp("a")
	c.Scroll(2)
	c.Scroll(-1)
	c.Move(3, 4)
	want := Action{X: 3, Y: 4, Buttons: Right, KeyDown: []string{"Shift_L", "a"}, KeyUp: []string{"a"}, Text: "A", Scroll: 1}
	if got := c.Step(); !reflect.DeepEqual(got, want) {
		t.Fatalf("step = %v, want %v", got, want)
	}
	// Held button stays held; events do not repeat.
	if got := c.Step(); !reflect.DeepEqual(got, Action{X: 3, Y: 4, Buttons: Right}) {
		t.Fatalf("second step = %v", got)
	}
	c.Release(Right)
	if got := c.Step(); got.Buttons != 0 {
		t.Fatalf("released button still held: %v", got)
	}
	// Press, release, press again within one step: two presses over three
	// steps, then held.
	c.Press(Left)
	c.Release(Left)
	c.Press(Left)
	for i, want := range []Buttons{Left, 0, Left, Left} {
		if got := c.Step(); got.Buttons != want {
			t.Fatalf("re-pressed button, step %d: %v, want %v", i, got.Buttons, want)
		}
	}
}

func TestCollectorConcurrentUse(t *testing.T) {
	var c Collector
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				c.Move(i, j)
				c.Type("x")
			}
		}()
	}
	wg.Wait()
	if got := len(c.Step().Text); got != 400 {
		t.Fatalf("typed %d characters, want 400", got)
	}
}

// With PaceKeys(1) keys typed within one step come out one a step, each with
// its modifier, release and text; without it they stay in their step.
func TestCollectorPacesKeys(t *testing.T) {
	typeInto := func(c *Collector) {
		c.KeyDown("e")
		c.Type("e")
		c.KeyUp("e")
		c.KeyDown("Shift_L")
		c.KeyDown("dollar")
		c.Type("$")
		c.KeyUp("dollar")
		c.KeyUp("Shift_L")
		c.KeyDown("Return")
		c.KeyUp("Return")
		c.Scroll(1)
	}
	var all Collector
	typeInto(&all)
	want := Action{KeyDown: []string{"e", "Shift_L", "dollar", "Return"}, KeyUp: []string{"e", "dollar", "Shift_L", "Return"}, Text: "e$", Scroll: 1}
	if got := all.Step(); !reflect.DeepEqual(got, want) {
		t.Errorf("unpaced step = %v, want %v", got, want)
	}

	var paced Collector
	paced.PaceKeys(1)
	typeInto(&paced)
	steps := []Action{
		{KeyDown: []string{"e"}, KeyUp: []string{"e"}, Text: "e", Scroll: 1},
		{KeyDown: []string{"Shift_L", "dollar"}, KeyUp: []string{"dollar", "Shift_L"}, Text: "$"},
		{KeyDown: []string{"Return"}, KeyUp: []string{"Return"}},
		{},
	}
	for i, want := range steps {
		if got := paced.Step(); !reflect.DeepEqual(got, want) {
			t.Errorf("paced step %d = %v, want %v", i, got, want)
		}
	}

	// A key typed while others wait joins the queue's end.
	paced.KeyDown("a")
	paced.KeyDown("b")
	if got := paced.Step(); !reflect.DeepEqual(got.KeyDown, []string{"a"}) {
		t.Errorf("got %v", got)
	}
	paced.KeyDown("c")
	for _, want := range []string{"b", "c"} {
		if got := paced.Step(); !reflect.DeepEqual(got.KeyDown, []string{want}) {
			t.Errorf("got %v, want %s", got, want)
		}
	}

	// A key held down while steps stall queues at most maxKeySteps steps.
	for range 2 * maxKeySteps {
		paced.KeyDown("x")
	}
	n := 0
	for len(paced.Step().KeyDown) > 0 {
		n++
	}
	if n != maxKeySteps {
		t.Errorf("%d steps of queued keys, want %d", n, maxKeySteps)
	}
}

func TestIsModifier(t *testing.T) {
	for name, want := range map[string]bool{"Shift_L": true, "Control_R": true, "Alt_L": true, "Super_L": true, "Caps_Lock": true, "a": false, "Return": false, "F1": false, "dollar": false, "nonsense": false} {
		if IsModifier(name) != want {
			t.Errorf("IsModifier(%q) = %v", name, !want)
		}
	}
}

// TestPacePointer: a jump glides at most the pace a step, a click made at
// the far end waits until the pointer is there, and Warp jumps at once.
func TestPacePointer(t *testing.T) {
	var c Collector
	c.PacePointer(10)
	c.Warp(0, 0)
	c.Move(30, 40) // 50 px away: five steps
	c.Press(Left)
	c.Release(Left)
	c.Move(0, 40) // moved on after the click
	var got []Action
	for range 8 {
		got = append(got, c.Step())
	}
	want := []struct {
		x, y int
		b    Buttons
	}{{6, 8, 0}, {12, 16, 0}, {18, 24, 0}, {24, 32, 0}, {30, 40, Left}, {30, 40, 0}, {20, 40, 0}, {10, 40, 0}}
	for i, w := range want {
		if a := got[i]; a.X != w.x || a.Y != w.y || a.Buttons != w.b {
			t.Errorf("step %d: (%d,%d) buttons %v, want (%d,%d) %v", i, a.X, a.Y, a.Buttons, w.x, w.y, w.b)
		}
	}
	c.Warp(100, 5)
	if a := c.Step(); a.X != 100 || a.Y != 5 {
		t.Errorf("after Warp: (%d,%d), want (100,5)", a.X, a.Y)
	}
	c.PacePointer(0)
	c.Move(0, 90)
	if a := c.Step(); a.X != 0 || a.Y != 90 {
		t.Errorf("without a pace: (%d,%d), want (0,90)", a.X, a.Y)
	}
}
