package action

// X keysym values (X11/keysymdef.h) of the keys the vocabulary names, for
// the X11 recorder and driver. Printable ASCII characters are their own
// code (Latin-1 keysyms equal the character).
var specialKeysymCodes = map[string]uint32{
	"BackSpace": 0xff08, "Tab": 0xff09, "Return": 0xff0d, "Escape": 0xff1b, "Delete": 0xffff,
	"Home": 0xff50, "Left": 0xff51, "Up": 0xff52, "Right": 0xff53, "Down": 0xff54,
	"Page_Up": 0xff55, "Page_Down": 0xff56, "End": 0xff57, "Insert": 0xff63, "Menu": 0xff67,
	"KP_Enter": 0xff8d, "Print": 0xff61,
	"F1": 0xffbe, "F2": 0xffbf, "F3": 0xffc0, "F4": 0xffc1, "F5": 0xffc2, "F6": 0xffc3,
	"F7": 0xffc4, "F8": 0xffc5, "F9": 0xffc6, "F10": 0xffc7, "F11": 0xffc8, "F12": 0xffc9,
	"Shift_L": 0xffe1, "Shift_R": 0xffe2, "Control_L": 0xffe3, "Control_R": 0xffe4,
	"Caps_Lock": 0xffe5, "Alt_L": 0xffe9, "Alt_R": 0xffea, "Super_L": 0xffeb, "Super_R": 0xffec,
}

// keysymAliases are other X names of the same keys.
var keysymAliases = map[string]string{"Prior": "Page_Up", "Next": "Page_Down"}

var keysymNames = func() map[uint32]string {
	m := make(map[uint32]string, len(specialKeysymCodes)+len(printableRunes))
	for name, code := range specialKeysymCodes {
		m[code] = name
	}
	for name, r := range printableRunes {
		m[uint32(r)] = name
	}
	return m
}()

// printableRunes maps the keysyms of printable ASCII to their characters.
var printableRunes = func() map[string]rune {
	m := map[string]rune{}
	for r := rune(0x20); r < 0x7f; r++ {
		if name, _, ok := KeysymOf(r); ok {
			m[name] = r
		}
	}
	return m
}()

// RuneOf is the printable ASCII character a keysym names ("a" is 'a',
// "exclam" is '!'); ok is false for other keysyms. It is KeysymOf's inverse.
func RuneOf(name string) (rune, bool) {
	r, ok := printableRunes[name]
	return r, ok
}

// KeysymCode is the X keysym value of a keysym name.
func KeysymCode(name string) (uint32, bool) {
	if a, ok := keysymAliases[name]; ok {
		name = a
	}
	if c, ok := specialKeysymCodes[name]; ok {
		return c, true
	}
	r, ok := RuneOf(name) // Latin-1 keysyms are their character
	return uint32(r), ok
}

// KeysymName is the vocabulary's name of an X keysym value; ok is false for
// keysyms it has no name for.
func KeysymName(code uint32) (string, bool) {
	n, ok := keysymNames[code]
	return n, ok
}

// IsModifier says whether a keysym is a modifier key (Shift, Control, Caps
// Lock, Alt, Super: X's 0xffe1-0xffee block), which changes the key pressed
// with it rather than typing anything itself.
func IsModifier(name string) bool {
	c, ok := KeysymCode(name)
	return ok && c >= 0xffe1 && c <= 0xffee
}
