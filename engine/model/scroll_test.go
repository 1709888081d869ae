package model

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
)

// TestAddScrollInput: a checkpoint given the scroll input predicts what it
// did before (the new channels start with zero weight) and learns from
// there (weight on them changes it); the PyTorch parity test checks what
// the scroll input holds.
func TestAddScrollInput(t *testing.T) {
	be := cpu.New()
	cfg := testConfig(Internal, false)
	cfg.Dyn.Delta = true
	rng := rand.New(rand.NewPCG(4, 5))
	m, path, f := savedCheckpoint(t, be, cfg, rng)
	if err := AddScrollInput(f, path, []int{2, 4}); err != nil {
		t.Fatal(err)
	}
	widened, err := FromCheckpoint(be, path, f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(widened.Cfg.Dyn.ScrollShifts, []int{2, 4}) {
		t.Fatalf("scroll shifts %v, want [2 4]", widened.Cfg.Dyn.ScrollShifts)
	}
	in := randomInputs(rng, cfg)
	predict := func(m *Model) []float32 { return slices.Clone(be.ToHost(m.Dyn.Forward(in))) }
	before, after := predict(m), predict(widened)
	// Equal up to rounding: the longer dot products are summed in
	// another order.
	if e, _ := backendtest.RelErr(after, before); e > 1e-6 {
		t.Errorf("the widened checkpoint predicts differently before training (relative error %.3g)", e)
	}
	w := be.ToHost(widened.Dyn.In.W.Value)
	for i := range w {
		w[i] += float32(0.1 * rng.NormFloat64())
	}
	be.Upload(widened.Dyn.In.W.Value, w)
	base := predict(widened)
	if slices.Equal(base, after) {
		t.Error("weights on the scroll channels changed nothing")
	}

	if err := AddScrollInput(f, path, []int{2}); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second AddScrollInput: %v, want an error saying it already has one", err)
	}
	f2, _ := ckpt.Load(path)
	_, lh := cfg.LatentSize()
	if err := AddScrollInput(f2, path, []int{2, lh}); err == nil || !strings.Contains(err.Error(), "scroll_shifts") {
		t.Errorf("scroll rows = latent height: %v, want an error", err)
	}
}
