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
	// Press, release, press again within one step: held at the end.
	c.Press(Left)
	c.Release(Left)
	c.Press(Left)
	if got := c.Step(); got.Buttons != Left {
		t.Fatalf("re-pressed button: %v", got)
	}
	if got := c.Step(); got.Buttons != Left {
		t.Fatalf("button held across steps: %v", got)
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
