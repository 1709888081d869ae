package model

import (
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
)

// BenchmarkAELossDefault is one autoencoder training step's forward and
// backward (no optimiser) of the default preset at batch 8.
func BenchmarkAELossDefault(b *testing.B) {
	be := cpu.New()
	cfg, _ := Preset("default")
	m, err := New(be, cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := be.FromHost(randn(rng, 0.5, 8, 3, cfg.Height, cfg.Width).Host(), 8, 3, cfg.Height, cfg.Width)
	for b.Loop() {
		m.AELoss(x, nil)
	}
}
