package action

import (
	"math/rand/v2"
	"testing"
)

func TestPressClock(t *testing.T) {
	var c PressClock
	seq := []Action{{}, {Buttons: Left}, {}, {}, {Buttons: Left | Right}, {Buttons: Right}}
	want := [][3]int{ // Since(left, middle, right) before each step
		{0, 0, 0}, {0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {1, 0, 1},
	}
	prev := Action{}
	for i, a := range seq {
		got := [3]int{c.Since(Left), c.Since(Middle), c.Since(Right)}
		if got != want[i] {
			t.Fatalf("before step %d: since %v, want %v", i, got, want[i])
		}
		c.Step(prev, a)
		prev = a
	}
	// A held button is one press; the clock forgets it after PressMemory.
	for n := 3; n <= PressMemory+1; n++ {
		c.Step(prev, prev)
		want := n
		if n > PressMemory {
			want = 0
		}
		if got := c.Since(Right); got != want {
			t.Fatalf("%d steps after the press: since %d, want %d", n, got, want)
		}
	}
}

// Replaying the last PressMemory steps gives the clock that saw them all.
func TestReplayPresses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seq := make([]Action, 400)
	for i := range seq {
		if rng.IntN(6) == 0 {
			seq[i].Buttons = Buttons(rng.IntN(8))
		} else if i > 0 {
			seq[i].Buttons = seq[i-1].Buttons
		}
	}
	step := func(s int) (Action, Action) {
		if s == 0 {
			return Action{}, seq[0]
		}
		return seq[s-1], seq[s]
	}
	var full PressClock
	for i := range seq {
		if got := ReplayPresses(i, step); got != full {
			t.Fatalf("before step %d: replayed %v, stepped %v", i, got, full)
		}
		full.Step(step(i))
	}
}
