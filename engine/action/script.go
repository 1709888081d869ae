package action

// Script builds a sequence of per-step actions the way a hand produces
// them: it keeps the cursor position and the held buttons, and each method
// appends the steps of one gesture. Agents and probes write their scripted
// input with it.
type Script struct {
	Actions []Action
	X, Y    int
	Buttons Buttons
}

// Emit appends one step at the current cursor and buttons with a's events.
func (s *Script) Emit(a Action) {
	a.X, a.Y, a.Buttons = s.X, s.Y, s.Buttons
	s.Actions = append(s.Actions, a)
}

// Wait appends n idle steps.
func (s *Script) Wait(n int) {
	for range n {
		s.Emit(Action{})
	}
}

// MoveTo glides in a straight line to (x, y) over n steps.
func (s *Script) MoveTo(x, y, n int) {
	x0, y0 := s.X, s.Y
	for i := 1; i <= n; i++ {
		s.X, s.Y = x0+(x-x0)*i/n, y0+(y-y0)*i/n
		s.Emit(Action{})
	}
}

// Press and Release change the held buttons, one step each.
func (s *Script) Press(b Buttons) {
	s.Buttons |= b
	s.Emit(Action{})
}

func (s *Script) Release(b Buttons) {
	s.Buttons &^= b
	s.Emit(Action{})
}

// Click presses and releases b in two steps.
func (s *Script) Click(b Buttons) {
	s.Press(b)
	s.Release(b)
}

// Key presses and releases a named key in two steps.
func (s *Script) Key(name string) {
	s.Emit(Action{KeyDown: []string{name}})
	s.Emit(Action{KeyUp: []string{name}})
}

// TypeRune types one character as a US keyboard does: key down with the
// text (and Shift where needed), then key up. Characters without a key are
// skipped.
func (s *Script) TypeRune(r rune) {
	name, shift, ok := KeysymOf(r)
	if !ok {
		return
	}
	down := Action{KeyDown: []string{name}}
	up := Action{KeyUp: []string{name}}
	if shift {
		down.KeyDown = []string{"Shift_L", name}
		up.KeyUp = []string{name, "Shift_L"}
	}
	if r != '\n' && r != '\t' {
		down.Text = string(r)
	}
	s.Emit(down)
	s.Emit(up)
}

// Type types text character by character.
func (s *Script) Type(text string) {
	for _, r := range text {
		s.TypeRune(r)
	}
}
