package embedded

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
)

func BenchmarkSessionStep(b *testing.B) {
	m, _, err := Load(cpu.New())
	if err != nil {
		b.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	s, _ := m.NewSession(frame, 1)
	i := 0
	for b.Loop() {
		i++
		s.Step(action.Action{X: i % 256, Y: i % 192})
	}
}
