package action

import (
	"image"
	"math"
	"sync"
)

// Collector turns a stream of input events (from a window, a viewer or a
// recorder) into one Action per frame step. Events may arrive from any
// goroutine; Step is called once per frame at the frame rate.
//
// Every button change is shown for at least one step, in order: a click
// pressed and released within one step shows as held for that step and up
// in the next, and the two clicks of a double click faster than the frame
// rate stay two clicks (up, down, up, down over successive steps) instead of
// merging into one long press.
//
// Keys are by default shown in the step they were typed in, all of them: a
// recording must keep what happened in each frame. A player sets PaceKeys
// so that keys typed faster than it steps (a slow step, a lagging display)
// are spread over the following steps instead of reaching the model as one
// step of many keys, which it has seldom seen.
//
// A player may also PacePointer: a pointer that jumps further in one step
// than the model ever saw (a fast flick, a slow step) then glides there a
// few steps instead, and a click waits until the pointer has reached the
// place it was made at.
type Collector struct {
	mu      sync.Mutex
	x, y    int
	buttons Buttons        // physically down now
	shown   Buttons        // in the last step returned
	changes []buttonChange // button states still to show, one per step
	pace    int            // most pixels the pointer moves a step; 0: no limit
	at      image.Point    // the pointer in the last step returned
	keys    []keyStep      // key events still to show, the first in the next step
	perStep int            // most key presses in a step; 0: no limit
	scroll  int
}

// buttonChange is a button state and where the pointer was when it began.
type buttonChange struct {
	b  Buttons
	at image.Point
}

// keyStep holds the key events of one step.
type keyStep struct {
	down, up []string
	text     []rune
	presses  int // downs of keys other than modifiers
}

// maxKeySteps bounds the keys queued by PaceKeys (a key held down repeats
// while steps are slow); beyond it the last step takes them all.
const maxKeySteps = 256

// Move records the cursor position in frame pixels.
func (c *Collector) Move(x, y int) {
	c.mu.Lock()
	c.x, c.y = x, y
	c.mu.Unlock()
}

// Warp puts the pointer at (x, y) at once, also with PacePointer: where a
// new session starts.
func (c *Collector) Warp(x, y int) {
	c.mu.Lock()
	c.x, c.y, c.at = x, y, image.Pt(x, y)
	c.mu.Unlock()
}

// PacePointer moves the pointer at most n frame pixels a step (0: no
// limit, the default).
func (c *Collector) PacePointer(n int) {
	c.mu.Lock()
	c.pace = max(n, 0)
	c.mu.Unlock()
}

// glide moves from toward to by at most pace pixels (0: all the way).
func glide(from, to image.Point, pace int) image.Point {
	d := to.Sub(from)
	dist := math.Hypot(float64(d.X), float64(d.Y))
	if pace == 0 || dist <= float64(pace) {
		return to
	}
	f := float64(pace) / dist
	return from.Add(image.Pt(int(math.Round(float64(d.X)*f)), int(math.Round(float64(d.Y)*f))))
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
		last = c.changes[n-1].b
	}
	if b != last {
		c.changes = append(c.changes, buttonChange{b, image.Pt(c.x, c.y)})
	}
}

// PaceKeys shows at most n key presses a step (0: no limit, the default).
// A modifier (Shift, Control, ...) goes with the key after it, and a key's
// release and text with its press or a later step.
func (c *Collector) PaceKeys(n int) {
	c.mu.Lock()
	c.perStep = max(n, 0)
	c.mu.Unlock()
}

// KeyDown and KeyUp record a key by its X keysym name.
func (c *Collector) KeyDown(keysym string) {
	c.mu.Lock()
	press := !IsModifier(keysym)
	k := c.lastKeyStep()
	if c.perStep > 0 && k.presses >= c.perStep && len(c.keys) < maxKeySteps {
		c.keys = append(c.keys, keyStep{})
		k = &c.keys[len(c.keys)-1]
	}
	k.down = append(k.down, keysym)
	if press {
		k.presses++
	}
	c.mu.Unlock()
}

func (c *Collector) KeyUp(keysym string) {
	c.mu.Lock()
	k := c.lastKeyStep()
	k.up = append(k.up, keysym)
	c.mu.Unlock()
}

// Type records typed text.
func (c *Collector) Type(s string) {
	c.mu.Lock()
	k := c.lastKeyStep()
	k.text = append(k.text, []rune(s)...)
	c.mu.Unlock()
}

// lastKeyStep is the step that new key events join. Called with mu held.
func (c *Collector) lastKeyStep() *keyStep {
	if len(c.keys) == 0 {
		c.keys = append(c.keys, keyStep{})
	}
	return &c.keys[len(c.keys)-1]
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
	target := image.Pt(c.x, c.y)
	if c.pace > 0 && len(c.changes) > 0 {
		target = c.changes[0].at // the next click's place first
	}
	c.at = glide(c.at, target, c.pace)
	if len(c.changes) > 0 && (c.pace == 0 || c.at == c.changes[0].at) {
		c.shown, c.changes = c.changes[0].b, c.changes[1:]
	}
	a := Action{X: c.at.X, Y: c.at.Y, Buttons: c.shown, Scroll: c.scroll}
	c.scroll = 0
	if len(c.keys) > 0 {
		k := c.keys[0]
		c.keys = c.keys[1:]
		a.KeyDown, a.KeyUp, a.Text = k.down, k.up, string(k.text)
	}
	return a
}
