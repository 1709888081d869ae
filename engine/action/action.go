// Package action is the vocabulary of user input a neural computer is
// conditioned on, shared by the trace format, the sandbox desktop, the
// recorders and the model: one Action per frame step.
package action

import (
	"fmt"
	"strings"
)

// Buttons is a set of mouse buttons held down, one bit each.
type Buttons uint8

const (
	Left Buttons = 1 << iota
	Middle
	Right
)

// Has reports whether every button of b2 is held in b.
func (b Buttons) Has(b2 Buttons) bool { return b&b2 == b2 }

func (b Buttons) String() string {
	var parts []string
	for _, n := range []struct {
		b    Buttons
		name string
	}{{Left, "left"}, {Middle, "middle"}, {Right, "right"}} {
		if b.Has(n.b) {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, "+")
}

// Action is what the user did during one frame step: the state of the pointer
// at the end of the step and the discrete events within it. The action
// applied between frame i and frame i+1 is the i-th of a trace.
type Action struct {
	// X, Y is the cursor position in pixels of the frame at the end of the step.
	X int `json:"x"`
	Y int `json:"y"`
	// Buttons held at the end of the step.
	Buttons Buttons `json:"buttons,omitempty"`
	// KeyDown and KeyUp are X keysym names ("a", "Return", "BackSpace",
	// "Shift_L") pressed and released during the step, in order.
	KeyDown []string `json:"key_down,omitempty"`
	KeyUp   []string `json:"key_up,omitempty"`
	// Text is the text typed during the step (after keyboard layout).
	Text string `json:"text,omitempty"`
	// Scroll is wheel steps during the step: positive away from the user (up).
	Scroll int `json:"scroll,omitempty"`
}

// Pressed reports the buttons held now that were not held in prev: the
// clicks that began during this step.
func (a Action) Pressed(prev Action) Buttons { return a.Buttons &^ prev.Buttons }

// Released reports the buttons held in prev and not now.
func (a Action) Released(prev Action) Buttons { return prev.Buttons &^ a.Buttons }

// IsIdle reports an action with no event: only (possibly) the cursor moves.
func (a Action) IsIdle(prev Action) bool {
	return a.Buttons == prev.Buttons && len(a.KeyDown) == 0 && len(a.KeyUp) == 0 && a.Text == "" && a.Scroll == 0
}

func (a Action) String() string {
	s := fmt.Sprintf("(%d,%d)", a.X, a.Y)
	if a.Buttons != 0 {
		s += " " + a.Buttons.String()
	}
	if len(a.KeyDown) > 0 {
		s += " down:" + strings.Join(a.KeyDown, ",")
	}
	if len(a.KeyUp) > 0 {
		s += " up:" + strings.Join(a.KeyUp, ",")
	}
	if a.Text != "" {
		s += fmt.Sprintf(" text:%q", a.Text)
	}
	if a.Scroll != 0 {
		s += fmt.Sprintf(" scroll:%d", a.Scroll)
	}
	return s
}
