package action

// PressMemory is how many steps a PressClock remembers a press: about a
// second at 15 frames a second, long enough for double and triple clicks.
// Replaying the last PressMemory steps rebuilds a clock exactly.
const PressMemory = 16

// PressClock counts the steps since each mouse button was last pressed. One
// step of input cannot tell the second press of a double click from a
// single click; how long ago the button went down before can.
type PressClock struct {
	since [3]int // per button: steps since its last press, 0 = none remembered
}

// MouseButtons are the buttons a PressClock follows, in its order.
var MouseButtons = [3]Buttons{Left, Middle, Right}

// Step advances the clock past action a, which followed prev.
func (c *PressClock) Step(prev, a Action) {
	pressed := a.Pressed(prev)
	for i, b := range MouseButtons {
		switch {
		case pressed.Has(b):
			c.since[i] = 1
		case c.since[i] > 0 && c.since[i] < PressMemory:
			c.since[i]++
		default:
			c.since[i] = 0
		}
	}
}

// Since returns how many steps ago button b (one of MouseButtons) was
// last pressed, before the action about to be taken: 1 when in the
// previous action, 0 when not in the last PressMemory.
func (c PressClock) Since(b Buttons) int {
	for i, m := range MouseButtons {
		if m == b {
			return c.since[i]
		}
	}
	return 0
}

// ReplayPresses returns the clock as it stands before step i of a sequence
// whose step s is action(s) (following prev(s)), from the PressMemory steps
// before it.
func ReplayPresses(i int, step func(s int) (prev, a Action)) PressClock {
	var c PressClock
	for s := max(0, i-PressMemory); s < i; s++ {
		c.Step(step(s))
	}
	return c
}
