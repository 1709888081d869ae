package model

import (
	"math"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Actions enter the model as a fixed-length feature vector per step
// (ActionFeatures floats), computed on the host:
//
//	cursor     x, y in [0, 1], and sin/cos of 2^k·π·x and 2^k·π·y, k < fourierBands
//	motion     Δx, Δy since the previous step, in frame widths/heights
//	buttons    held, pressed this step, released this step (3 each)
//	scroll     wheel steps (clipped to ±4, divided by 4)
//	keys       key downs, then key ups, multi-hot over Keysyms (+1 for any other key)
//	text       typed characters, multi-hot over printable ASCII (+1 for any other)
//	presses    with dynamics.press_history H, per mouse button a one-hot of
//	           how many steps ago (1..H) it was last pressed
const fourierBands = 6

// Keysyms is the key vocabulary: the keys of a US keyboard that desktops
// and terminals see. Other keys share one "other" slot.
var Keysyms = func() []string {
	var k []string
	for c := 'a'; c <= 'z'; c++ {
		k = append(k, string(c))
	}
	for c := 'A'; c <= 'Z'; c++ {
		k = append(k, string(c))
	}
	for c := '0'; c <= '9'; c++ {
		k = append(k, string(c))
	}
	return append(k,
		"space", "exclam", "quotedbl", "numbersign", "dollar", "percent", "ampersand", "apostrophe",
		"parenleft", "parenright", "asterisk", "plus", "comma", "minus", "period", "slash",
		"colon", "semicolon", "less", "equal", "greater", "question", "at", "bracketleft",
		"backslash", "bracketright", "asciicircum", "underscore", "grave", "braceleft", "bar",
		"braceright", "asciitilde",
		"Return", "BackSpace", "Tab", "Escape", "Delete", "Insert", "Home", "End", "Page_Up", "Page_Down",
		"Left", "Right", "Up", "Down", "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R",
		"Super_L", "Caps_Lock", "KP_Enter",
		"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12")
}()

var keysymIndex = func() map[string]int {
	m := make(map[string]int, len(Keysyms))
	for i, k := range Keysyms {
		m[k] = i
	}
	return m
}()

const (
	cursorFeatures = 2 + 4*fourierBands + 2
	buttonFeatures = 3*3 + 1
	textFeatures   = 95 + 1
)

var keyFeatures = 2 * (len(Keysyms) + 1)

// ActionFeatures is the length of an action's features without the press
// history: all a model without one sees.
var ActionFeatures = cursorFeatures + buttonFeatures + keyFeatures + textFeatures

// ActionInputs is the length of the model's action input: ActionFeatures,
// then the press history's one-hots.
func (c *Config) ActionInputs() int {
	return ActionFeatures + len(action.MouseButtons)*c.Dyn.PressHistory
}

// Featurize writes the action input of a, which followed prev with presses
// the press clock before it, into dst (ActionInputs long).
func (c *Config) Featurize(dst []float32, prev, a action.Action, presses action.PressClock) {
	clear(dst)
	featurize(dst[:ActionFeatures], prev, a, c.Width, c.Height)
	h := c.Dyn.PressHistory
	for i, b := range action.MouseButtons {
		if n := presses.Since(b); n >= 1 && n <= h {
			dst[ActionFeatures+i*h+n-1] = 1
		}
	}
}

// featurize writes the features of action a, which followed prev, for
// frames of the given size, into dst (ActionFeatures long, zeroed).
func featurize(dst []float32, prev, a action.Action, width, height int) {
	x := (float64(a.X) + 0.5) / float64(width)
	y := (float64(a.Y) + 0.5) / float64(height)
	f := dst[:0]
	f = append(f, float32(x), float32(y))
	for k := range fourierBands {
		w := math.Pi * float64(int(1)<<k)
		f = append(f, float32(math.Sin(w*x)), float32(math.Cos(w*x)), float32(math.Sin(w*y)), float32(math.Cos(w*y)))
	}
	f = append(f, float32(a.X-prev.X)/float32(width), float32(a.Y-prev.Y)/float32(height))
	pressed, released := a.Pressed(prev), a.Released(prev)
	for _, b := range []action.Buttons{action.Left, action.Middle, action.Right} {
		f = append(f, bit(a.Buttons.Has(b)), bit(pressed.Has(b)), bit(released.Has(b)))
	}
	f = append(f, float32(max(-4, min(4, a.Scroll)))/4)
	keys := dst[len(f) : len(f)+keyFeatures]
	for half, names := range [][]string{a.KeyDown, a.KeyUp} {
		for _, k := range names {
			i, ok := keysymIndex[k]
			if !ok {
				i = len(Keysyms)
			}
			keys[half*(len(Keysyms)+1)+i] = 1
		}
	}
	text := dst[len(f)+keyFeatures:]
	for _, r := range a.Text {
		i := 95
		if r >= ' ' && r <= '~' {
			i = int(r - ' ')
		}
		text[i] = 1
	}
}

func bit(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// CursorMap writes into dst (h·w floats) a Gaussian bump of sigma cells at
// frame pixel (x, y), for a latent grid of w x h cells covering a frame of
// width x height.
func CursorMap(dst []float32, x, y, width, height, w, h int, sigma float64) {
	cx := (float64(x) + 0.5) / float64(width) * float64(w)
	cy := (float64(y) + 0.5) / float64(height) * float64(h)
	for j := range h {
		dy := float64(j) + 0.5 - cy
		for i := range w {
			dx := float64(i) + 0.5 - cx
			dst[j*w+i] = float32(math.Exp(-(dx*dx + dy*dy) / (2 * sigma * sigma)))
		}
	}
}
