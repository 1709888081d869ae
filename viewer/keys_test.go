package viewer

import (
	"testing"

	"github.com/go-gl/glfw/v3.3/glfw"
)

func TestKeysym(t *testing.T) {
	for k, want := range map[glfw.Key]string{
		glfw.KeyA: "a", glfw.KeyZ: "z", glfw.Key0: "0", glfw.Key9: "9", glfw.KeyKP5: "KP_5",
		glfw.KeyEnter: "Return", glfw.KeyBackspace: "BackSpace", glfw.KeyPageUp: "Page_Up",
		glfw.KeyLeftShift: "Shift_L", glfw.KeySpace: "space", glfw.KeyF1: "", glfw.KeyUnknown: "",
	} {
		if got := keysym(k); got != want {
			t.Errorf("key %d: %q, want %q", k, got, want)
		}
	}
}
