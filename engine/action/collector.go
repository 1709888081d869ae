package action

import "sync"

// Collector turns a stream of input events (from a window, a viewer or a
// recorder) into one Action per frame step. Events may arrive from any
// goroutine; Step is called once per frame at the frame rate.
//
// A button pressed and released within one step would be invisible in the
// held-buttons state at the step's end, and the click lost; the collector
// shows such a button as held for that step and releases it in the next.
type Collector struct {
	mu       sync.Mutex
	x, y     int
	held     Buttons // buttons physically down now
	pressed  Buttons // pressed during the current step
	deferred Buttons // pressed and released within the current step
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
	c.held |= b
	c.pressed |= b
	c.deferred &^= b
	c.mu.Unlock()
}

// Release records a button going up.
func (c *Collector) Release(b Buttons) {
	c.mu.Lock()
	c.held &^= b
	c.deferred |= b & c.pressed
	c.mu.Unlock()
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
	a := Action{X: c.x, Y: c.y, Buttons: c.held | c.deferred, KeyDown: c.down, KeyUp: c.up, Text: string(c.text), Scroll: c.scroll}
	// A quick click shows as held for this step; in the next it is up.
	c.pressed, c.deferred = 0, 0
	c.down, c.up, c.text, c.scroll = nil, nil, nil, 0
	return a
}
