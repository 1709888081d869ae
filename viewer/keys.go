package viewer

import "github.com/go-gl/glfw/v3.3/glfw"

// keysym returns the X keysym name of a GLFW key, or "" for keys the model
// vocabulary has no name for. Letters are the unshifted keysym ("a"); what
// the user typed arrives separately as text.
func keysym(k glfw.Key) string {
	switch {
	case k >= glfw.KeyA && k <= glfw.KeyZ:
		return string(rune('a' + k - glfw.KeyA))
	case k >= glfw.Key0 && k <= glfw.Key9:
		return string(rune('0' + k - glfw.Key0))
	case k >= glfw.KeyKP0 && k <= glfw.KeyKP9:
		return "KP_" + string(rune('0'+k-glfw.KeyKP0))
	}
	return glfwKeysyms[k]
}

var glfwKeysyms = map[glfw.Key]string{
	glfw.KeySpace: "space", glfw.KeyApostrophe: "apostrophe", glfw.KeyComma: "comma",
	glfw.KeyMinus: "minus", glfw.KeyPeriod: "period", glfw.KeySlash: "slash",
	glfw.KeySemicolon: "semicolon", glfw.KeyEqual: "equal", glfw.KeyLeftBracket: "bracketleft",
	glfw.KeyBackslash: "backslash", glfw.KeyRightBracket: "bracketright", glfw.KeyGraveAccent: "grave",
	glfw.KeyEscape: "Escape", glfw.KeyEnter: "Return", glfw.KeyTab: "Tab", glfw.KeyBackspace: "BackSpace",
	glfw.KeyInsert: "Insert", glfw.KeyDelete: "Delete", glfw.KeyRight: "Right", glfw.KeyLeft: "Left",
	glfw.KeyDown: "Down", glfw.KeyUp: "Up", glfw.KeyPageUp: "Page_Up", glfw.KeyPageDown: "Page_Down",
	glfw.KeyHome: "Home", glfw.KeyEnd: "End", glfw.KeyCapsLock: "Caps_Lock", glfw.KeyPrintScreen: "Print",
	glfw.KeyKPDecimal: "KP_Decimal", glfw.KeyKPDivide: "KP_Divide", glfw.KeyKPMultiply: "KP_Multiply",
	glfw.KeyKPSubtract: "KP_Subtract", glfw.KeyKPAdd: "KP_Add", glfw.KeyKPEnter: "KP_Enter",
	glfw.KeyLeftShift: "Shift_L", glfw.KeyLeftControl: "Control_L", glfw.KeyLeftAlt: "Alt_L",
	glfw.KeyLeftSuper: "Super_L", glfw.KeyRightShift: "Shift_R", glfw.KeyRightControl: "Control_R",
	glfw.KeyRightAlt: "Alt_R", glfw.KeyRightSuper: "Super_R", glfw.KeyMenu: "Menu",
}
