package glctx

import (
	"strings"
	"testing"
)

func TestHeadlessTwice(t *testing.T) {
	for i := range 2 {
		c, err := NewHeadless()
		if err != nil {
			t.Fatalf("context %d: %v", i, err)
		}
		t.Logf("%+v", c.Info)
		c.Close()
	}
}

// A driver without OpenGL 3.3 core is refused with a message saying so
// (Mesa pretends to be older when told to).
func TestHeadlessNeedsGL33(t *testing.T) {
	t.Setenv("MESA_GL_VERSION_OVERRIDE", "3.0")
	c, err := NewHeadless()
	if err == nil {
		c.Close()
		t.Skip("the driver ignores MESA_GL_VERSION_OVERRIDE (not Mesa)")
	}
	if !strings.Contains(err.Error(), "no OpenGL 3.3 core context") {
		t.Errorf("error %q does not say that OpenGL 3.3 core is missing", err)
	}
}
