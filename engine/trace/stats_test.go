package trace

import (
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

func TestComputeStats(t *testing.T) {
	acts := []action.Action{
		{X: 10, Y: 10, Buttons: action.Left},                    // a click already in the first step
		{X: 13, Y: 14, Buttons: action.Left},                    // held: no new click; moved 5 px
		{X: 13, Y: 14, Buttons: action.Left | action.Right},     // right pressed
		{X: 13, Y: 14, KeyDown: []string{"a", "b"}, Text: "ab"}, // both released
		{X: 13, Y: 14, Scroll: -3, Text: "é€"},
		{X: 13, Y: 14}, // idle
	}
	events := make([]Event, len(acts))
	for i, a := range acts {
		events[i] = Event{Index: i, Action: a}
	}
	got := ComputeStats(events)
	want := Stats{Clicks: 2, Keys: 2, TextChars: 4, Scroll: 3, Moves: 1, Distance: 5, Idle: 2}
	if got != want {
		t.Fatalf("ComputeStats = %+v, want %+v", got, want)
	}
}
