package screen

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Fyne names most keys by their X keysym already ("Return", "BackSpace");
// these are the ones it names differently, or by an X alias the model's
// vocabulary does not use ("Prior" is "Page_Up" there). Letters are the key's
// unshifted keysym ("a"); what the user typed arrives separately as text.
var fyneToKeysym = map[fyne.KeyName]string{
	fyne.KeySpace:           "space",
	fyne.KeyPageUp:          "Page_Up",
	fyne.KeyPageDown:        "Page_Down",
	fyne.KeyApostrophe:      "apostrophe",
	fyne.KeyComma:           "comma",
	fyne.KeyMinus:           "minus",
	fyne.KeyPeriod:          "period",
	fyne.KeySlash:           "slash",
	fyne.KeyBackslash:       "backslash",
	fyne.KeyLeftBracket:     "bracketleft",
	fyne.KeyRightBracket:    "bracketright",
	fyne.KeySemicolon:       "semicolon",
	fyne.KeyEqual:           "equal",
	fyne.KeyAsterisk:        "asterisk",
	fyne.KeyPlus:            "plus",
	fyne.KeyBackTick:        "grave",
	desktop.KeyShiftLeft:    "Shift_L",
	desktop.KeyShiftRight:   "Shift_R",
	desktop.KeyControlLeft:  "Control_L",
	desktop.KeyControlRight: "Control_R",
	desktop.KeyAltLeft:      "Alt_L",
	desktop.KeyAltRight:     "Alt_R",
	desktop.KeySuperLeft:    "Super_L",
	desktop.KeySuperRight:   "Super_R",
	desktop.KeyCapsLock:     "Caps_Lock",
	desktop.KeyPrintScreen:  "Print",
}

// Keysym returns the X keysym name of a Fyne key, or "" for an unknown key.
func Keysym(k fyne.KeyName) string {
	if s, ok := fyneToKeysym[k]; ok {
		return s
	}
	if len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z' {
		return strings.ToLower(string(k))
	}
	return string(k)
}
