package action

import "sync"

// Collector turns a stream of input events (from a window, a viewer or a
// recorder) into one Action per frame step. Events may arrive from any
// goroutine; Step is called once per frame at the frame rate.
//
// Every button change is shown for at least one step, in order: a click
// pressed and released within one step shows as held for that step and up
// in the next, and the two clicks of a double click faster than the frame
// rate stay two clicks (up, down, up, down over successive steps) instead of
// merging into one long press.
type Collector struct {
	mu       sync.Mutex
	x, y     int
	buttons  Buttons   // physically down now
	shown    Buttons   // in the last step returned
	changes  []Buttons // button states still to show, one per step
	down, up []string
	text     []rune
	scroll   int
}

// Move records the cursor position in frame pixels.
func (c *Collector) Move(x, y int) {
	c.mu.Lock()
	c.x, c.y = x, y
	c.mu.Unlock()
}

// Press records a button going down.
func (c *Collector) Press(b Buttons) {
	c.mu.Lock()
	c.setButtons(c.buttons | b)
	c.mu.Unlock()
}

// Release records a button going up.
func (c *Collector) Release(b Buttons) {
	c.mu.Lock()
	c.setButtons(c.buttons &^ b)
	c.mu.Unlock()
}

// setButtons queues a new button state after those not yet shown.
func (c *Collector) setButtons(b Buttons) {
	c.buttons = b
	last := c.shown
	if n := len(c.changes); n > 0 {
		last = c.changes[n-1]
	}
	if b != last {
		c.changes = append(c.changes, b)
	}
}

// KeyDown and KeyUp record a key by its X keysym name.
func (c *Collector) KeyDown(keysym string) {
	c.mu.Lock()
	c.down = append(c.down, keysym)
	c.mu.Unlock()
}

func (c *Collector) KeyUp(keysym string) {
	c.mu.Lock()
	c.up = append(c.up, keysym)
	c.mu.Unlock()
}

// Type records typed text.
func (c *Collector) Type(s string) {
	c.mu.Lock()
	c.text = append(c.text, []rune(s)...)
	c.mu.Unlock()
}

// Scroll records wheel steps (positive: up).
func (c *Collector) Scroll(steps int) {
	c.mu.Lock()
	c.scroll += steps
	c.mu.Unlock()
}

// Step returns the action of the step that just ended and starts the next.
func (c *Collector) Step() Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.changes) > 0 {
		c.shown, c.changes = c.changes[0], c.changes[1:]
	}
	a := Action{X: c.x, Y: c.y, Buttons: c.shown, KeyDown: c.down, KeyUp: c.up, Text: string(c.text), Scroll: c.scroll}
	c.down, c.up, c.text, c.scroll = nil, nil, nil, 0
	return a
}
