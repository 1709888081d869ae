package embedded

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// The default checkpoint must fit the binary budget, load, and play from
// the sandbox's first frame.
func TestDefaultLoadsAndPlays(t *testing.T) {
	const budget = 24 << 20
	if Size() > budget {
		t.Errorf("embedded checkpoint is %d bytes, over the %d budget", Size(), budget)
	}
	m, meta, err := Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	if meta["ncstudio.preset"] == "" {
		t.Error("no provenance in the metadata")
	}
	d, err := sandbox.New(nil, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	d.Render(frame)
	s, err := m.NewSession(frame, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Step(action.Action{X: 10, Y: 10})
	s.Frame(frame)
}
