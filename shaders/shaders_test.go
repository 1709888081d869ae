package shaders_test

import (
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/shaders"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

func TestShadersCompile(t *testing.T) {
	c, err := glctx.NewHeadless()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conv := shaders.Conv3x3Frag(3, 2)
	for name, frag := range map[string]string{"conv3x3.frag": conv, "present.frag": shaders.PresentFrag} {
		err := c.Do(func() error {
			_, err := glctx.Program("fullscreen.vert", shaders.FullscreenVert, name, frag)
			return err
		})
		if err != nil {
			t.Error(err)
		}
	}
	// A broken shader's error names it and carries the compiler's log.
	err = c.Do(func() error {
		_, err := glctx.Program("fullscreen.vert", shaders.FullscreenVert, "broken.frag", "#version 330 core\nvoid main() { nope; }\n")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "compiling shader broken.frag:") || !strings.Contains(err.Error(), "nope") {
		t.Errorf("broken shader: %v", err)
	}
}
