package action

// keysyms names the X keysyms of the printable ASCII characters that are not
// their own name (letters and digits are).
var keysyms = map[rune]string{
	' ': "space", '!': "exclam", '"': "quotedbl", '#': "numbersign", '$': "dollar",
	'%': "percent", '&': "ampersand", '\'': "apostrophe", '(': "parenleft", ')': "parenright",
	'*': "asterisk", '+': "plus", ',': "comma", '-': "minus", '.': "period", '/': "slash",
	':': "colon", ';': "semicolon", '<': "less", '=': "equal", '>': "greater", '?': "question",
	'@': "at", '[': "bracketleft", '\\': "backslash", ']': "bracketright", '^': "asciicircum",
	'_': "underscore", '`': "grave", '{': "braceleft", '|': "bar", '}': "braceright",
	'~': "asciitilde", '\n': "Return", '\t': "Tab",
}

// shifted are the characters typed with Shift on a US keyboard, besides
// capital letters.
const shifted = `~!@#$%^&*()_+{}|:"<>?`

// KeysymOf returns the X keysym name of the key that types r on a US
// keyboard, and whether Shift is held for it. ok is false for characters
// without one (non-ASCII).
func KeysymOf(r rune) (name string, shift, ok bool) {
	switch {
	case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
		return string(r), false, true
	case r >= 'A' && r <= 'Z':
		return string(r), true, true
	}
	name, ok = keysyms[r]
	for _, s := range shifted {
		if s == r {
			shift = true
		}
	}
	return name, shift, ok
}
