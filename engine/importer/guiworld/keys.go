package guiworld

import (
	"strings"
	"unicode/utf8"

	"github.com/ncstudio/ncstudio/engine/action"
)

// chord reads a key combination like "ctrl+shift+t" as keysyms in the
// order written (modifiers first); nil if a name is empty ("ctrl++" is
// Control and plus).
func chord(s string) []string {
	var names []string
	switch {
	case s == "+":
		names = []string{"+"}
	case strings.HasSuffix(s, "++"):
		names = append(strings.Split(s[:len(s)-2], "+"), "+")
	default:
		names = strings.Split(s, "+")
	}
	syms := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			return nil
		}
		syms[i] = keysymFor(n)
	}
	return syms
}

// keyAliases are the names computer-use logs give keys, lower-cased, and
// their X keysyms (those of model.Keysyms where it has one).
var keyAliases = map[string]string{
	"ctrl": "Control_L", "control": "Control_L", "lctrl": "Control_L", "rctrl": "Control_R",
	"alt": "Alt_L", "option": "Alt_L", "lalt": "Alt_L", "ralt": "Alt_R",
	"shift": "Shift_L", "lshift": "Shift_L", "rshift": "Shift_R",
	"super": "Super_L", "win": "Super_L", "windows": "Super_L", "cmd": "Super_L", "command": "Super_L", "meta": "Super_L",
	"enter": "Return", "return": "Return", "esc": "Escape", "escape": "Escape",
	"tab": "Tab", "backspace": "BackSpace", "space": "space", "spacebar": "space",
	"delete": "Delete", "del": "Delete", "insert": "Insert", "ins": "Insert",
	"home": "Home", "end": "End",
	"pageup": "Page_Up", "page_up": "Page_Up", "pgup": "Page_Up", "prior": "Page_Up",
	"pagedown": "Page_Down", "page_down": "Page_Down", "pgdn": "Page_Down", "next": "Page_Down",
	"up": "Up", "down": "Down", "left": "Left", "right": "Right",
	"arrowup": "Up", "arrowdown": "Down", "arrowleft": "Left", "arrowright": "Right",
	"capslock": "Caps_Lock", "caps_lock": "Caps_Lock",
}

// keysymFor is the X keysym of a key name of a computer-use log.
func keysymFor(name string) string {
	lower := strings.ToLower(name)
	if sym, ok := keyAliases[lower]; ok {
		return sym
	}
	if r, size := utf8.DecodeRuneInString(name); size == len(name) {
		if sym, _, ok := action.KeysymOf(r); ok {
			return sym // "!" is exclam, "A" is A
		}
	}
	if len(lower) >= 2 && lower[0] == 'f' && isDigits(lower[1:], 2) {
		return "F" + lower[1:]
	}
	return name
}
