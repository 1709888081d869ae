package trace

import (
	"math"
	"math/bits"
	"unicode/utf8"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Stats counts what the user did over a trace.
type Stats struct {
	Clicks    int     `json:"clicks"`     // button presses, each button counted
	Keys      int     `json:"keys"`       // key presses (key_down entries)
	TextChars int     `json:"text_chars"` // characters typed
	Scroll    int     `json:"scroll"`     // wheel steps, either direction
	Moves     int     `json:"moves"`      // steps in which the cursor moved
	Distance  float64 `json:"distance"`   // pixels the cursor travelled
	Idle      int     `json:"idle"`       // steps with no event (see action.IsIdle)
}

// ComputeStats counts the events of a trace, in order.
func ComputeStats(events []Event) Stats {
	var s Stats
	var prev action.Action
	for i, e := range events {
		a := e.Action
		if i == 0 {
			prev.X, prev.Y = a.X, a.Y // no movement before the first step
		}
		s.Clicks += bits.OnesCount8(uint8(a.Pressed(prev)))
		s.Keys += len(a.KeyDown)
		s.TextChars += utf8.RuneCountInString(a.Text)
		s.Scroll += abs(a.Scroll)
		if a.X != prev.X || a.Y != prev.Y {
			s.Moves++
			s.Distance += math.Hypot(float64(a.X-prev.X), float64(a.Y-prev.Y))
		}
		if a.IsIdle(prev) {
			s.Idle++
		}
		prev = a
	}
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
