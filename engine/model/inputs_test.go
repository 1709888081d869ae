package model

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
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
	perturb(be, []*nn.Param{widened.Dyn.In.W}, rng)
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

// TestAddPressInput: with a press history added, the checkpoint predicts
// exactly what it did whatever the presses say (their weights start at
// zero), and the presses move it once those weights are trained.
func TestAddPressInput(t *testing.T) {
	be := cpu.New()
	cfg := testConfig(Internal, true)
	cfg.Dyn.PressHistory = 0 // as trained before press histories
	rng := rand.New(rand.NewPCG(6, 7))
	m, path, f := savedCheckpoint(t, be, cfg, rng)
	if err := AddPressInput(f, path, 8); err != nil {
		t.Fatal(err)
	}
	widened, err := FromCheckpoint(be, path, f)
	if err != nil {
		t.Fatal(err)
	}
	if widened.Cfg.Dyn.PressHistory != 8 || widened.Cfg.ActionInputs() != ActionFeatures+24 {
		t.Fatalf("press history %d, %d action inputs", widened.Cfg.Dyn.PressHistory, widened.Cfg.ActionInputs())
	}
	in := randomInputs(rng, cfg)
	predict := func(m *Model, in DynamicsInputs) []float32 { return slices.Clone(be.ToHost(m.Dyn.Forward(in))) }
	before := predict(m, in)
	// The same actions with presses 1 and 3 steps ago of left and right.
	acts := be.ToHost(in.Actions)
	n := widened.Cfg.ActionInputs()
	wide := make([]float32, 0, 2*n)
	for b := range 2 {
		wide = append(wide, acts[b*ActionFeatures:(b+1)*ActionFeatures]...)
		presses := make([]float32, 24)
		presses[0], presses[16+2] = 1, 1
		wide = append(wide, presses...)
	}
	in.Actions = be.FromHost(wide, 2, n)
	after := predict(widened, in)
	if e, _ := backendtest.RelErr(after, before); e > 1e-6 {
		t.Errorf("the widened checkpoint predicts differently before training (relative error %.3g)", e)
	}
	w := be.ToHost(widened.Dyn.Act1.W.Value)
	for r := range widened.Cfg.Dyn.Dim {
		for c := ActionFeatures; c < n; c++ {
			w[r*n+c] = float32(0.5 * rng.NormFloat64())
		}
	}
	be.Upload(widened.Dyn.Act1.W.Value, w)
	if slices.Equal(predict(widened, in), after) {
		t.Error("weights on the presses changed nothing")
	}

	if err := AddPressInput(f, path, 4); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second AddPressInput: %v, want an error saying it already has one", err)
	}
	f2, _ := ckpt.Load(path)
	if err := AddPressInput(f2, path, 99); err == nil || !strings.Contains(err.Error(), "press_history") {
		t.Errorf("99 steps: %v, want an error naming press_history", err)
	}
}

// TestAddContext: a checkpoint that sees two more latents of history
// predicts what it did, whatever those latents hold (their weights start
// at zero and go between the old context and the cursor map and scroll
// inputs, whose weights must stay theirs), and the older latents move it
// once those weights are trained.
func TestAddContext(t *testing.T) {
	be := cpu.New()
	cfg := testConfig(Internal, true)
	cfg.Dyn.Delta, cfg.Dyn.ScrollShifts = true, []int{1}
	rng := rand.New(rand.NewPCG(8, 9))
	m, path, f := savedCheckpoint(t, be, cfg, rng)
	if err := AddContext(f, path, cfg.Dyn.Context+2); err != nil {
		t.Fatal(err)
	}
	longer, err := FromCheckpoint(be, path, f)
	if err != nil {
		t.Fatal(err)
	}
	if longer.Cfg.Dyn.Context != cfg.Dyn.Context+2 {
		t.Fatalf("context %d, want %d", longer.Cfg.Dyn.Context, cfg.Dyn.Context+2)
	}
	in := randomInputs(rng, cfg)
	predict := func(m *Model, in DynamicsInputs) []float32 { return slices.Clone(be.ToHost(m.Dyn.Forward(in))) }
	before := predict(m, in)
	// Each item's context, then two older latents of noise.
	lw, lh := cfg.LatentSize()
	item, older := cfg.Dyn.Context*cfg.AE.Latent*lh*lw, 2*cfg.AE.Latent*lh*lw
	ctx := be.ToHost(in.Context)
	var wide []float32
	for b := range 2 {
		wide = append(wide, ctx[b*item:(b+1)*item]...)
		wide = append(wide, be.ToHost(randn(rng, 1, older))...)
	}
	in.Context = be.FromHost(wide, 2, longer.Cfg.Dyn.Context*cfg.AE.Latent, lh, lw)
	after := predict(longer, in)
	if e, _ := backendtest.RelErr(after, before); e > 1e-6 {
		t.Errorf("the longer context predicts differently before training (relative error %.3g)", e)
	}
	perturb(be, []*nn.Param{longer.Dyn.In.W}, rng)
	if slices.Equal(predict(longer, in), after) {
		t.Error("weights on the older latents changed nothing")
	}

	if err := AddContext(f, path, longer.Cfg.Dyn.Context); err == nil || !strings.Contains(err.Error(), "already sees") {
		t.Errorf("AddContext to the same length: %v, want an error saying it already sees as much", err)
	}
}
