package model

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// testConfig is a small model with the given injection mode and every
// optional part switched on.
func testConfig(mode string, cursorMap bool) Config {
	c, _ := Preset("tiny")
	c.Width, c.Height = 32, 24
	c.AE = AEConfig{Channels: []int{4, 6, 8}, Blocks: []int{1, 0, 1}, Latent: 3, Scale: 1}
	c.Dyn.Injection = mode
	c.Dyn.Layers = 3
	c.Dyn.ResidualEvery = 2
	c.Dyn.ActionTokens = 3
	c.Dyn.CursorMap = cursorMap
	return c
}

// perturb adds noise to every parameter so that none is at a special value
// (norm gains at 1, zero biases) that would hide a wrong gradient.
func perturb(be tensor.Backend, ps []*nn.Param, rng *rand.Rand) {
	for _, p := range ps {
		v := be.ToHost(p.Value)
		for i := range v {
			v[i] += float32(0.05 * rng.NormFloat64())
		}
		be.Upload(p.Value, v)
	}
}

func randn(rng *rand.Rand, scale float64, shape ...int) *tensor.Tensor {
	v := make([]float32, tensor.Shape(shape).Numel())
	for i := range v {
		v[i] = float32(scale * rng.NormFloat64())
	}
	return tensor.FromSlice(v, shape...)
}

// TestAgainstPyTorch runs the encoder, decoder and dynamics (each injection
// mode) forward and backward here and in the PyTorch reference
// (engine/pyref/ncmodel.py, float64) on the same checkpoint and inputs.
func TestAgainstPyTorch(t *testing.T) {
	backendtest.RequireTorch(t)
	be := cpu.New()
	for _, mode := range InjectionModes {
		for _, cursorMap := range []bool{true, false} {
			if !cursorMap && mode != Internal {
				continue
			}
			t.Run(fmt.Sprintf("%s/cursor_map=%v", mode, cursorMap), func(t *testing.T) {
				compareWithTorch(t, be, testConfig(mode, cursorMap))
			})
		}
	}
	for _, k := range []int{1, 2} {
		t.Run(fmt.Sprintf("internal/delta/context=%d", k), func(t *testing.T) {
			cfg := testConfig(Internal, true)
			cfg.Dyn.Delta, cfg.Dyn.Context = true, k
			compareWithTorch(t, be, cfg)
		})
	}
	t.Run("internal/delta/scroll", func(t *testing.T) {
		cfg := testConfig(Internal, false)
		cfg.Dyn.Delta, cfg.Dyn.ScrollShifts = true, []int{2, 4}
		compareWithTorch(t, be, cfg)
	})
	t.Run("internal/delta/presses", func(t *testing.T) {
		cfg := testConfig(Internal, true)
		cfg.Dyn.Delta, cfg.Dyn.PressHistory = true, 8
		compareWithTorch(t, be, cfg)
	})
}

func compareWithTorch(t *testing.T, be tensor.Backend, cfg Config) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := New(be, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	perturb(be, m.Params(), rng)
	const b = 2
	lw, lh := cfg.LatentSize()
	cz := cfg.AE.Latent
	in := map[string]*tensor.Tensor{
		"frames":       randn(rng, 0.5, b, 3, cfg.Height, cfg.Width),
		"latents":      randn(rng, 1, b, cz, lh, lw),
		"noisy":        randn(rng, 1, b, cz, lh, lw),
		"context":      randn(rng, 1, b, cz*cfg.Dyn.Context, lh, lw),
		"actions":      randn(rng, 1, b, cfg.ActionInputs()),
		"tau":          tensor.FromSlice([]float32{0.25, 0.9}, b),
		"sigma":        tensor.FromSlice([]float32{0, 0.1}, b),
		"d_latents":    randn(rng, 1, b, cz, lh, lw),
		"d_recon":      randn(rng, 1, b, 3, cfg.Height, cfg.Width),
		"d_prediction": randn(rng, 1, b, cz, lh, lw),
	}
	if cfg.Dyn.CursorMap {
		in["cursor"] = randn(rng, 1, b, 1, lh, lw)
	}
	dir := t.TempDir()
	modelPath, inPath, outPath := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := m.Save(modelPath, nil); err != nil {
		t.Fatal(err)
	}
	f := &ckpt.File{}
	for name, v := range in {
		f.Tensors = append(f.Tensors, ckpt.Tensor{Name: name, DType: ckpt.F32, Shape: v.Shape, Data: v.Host()})
	}
	if err := ckpt.Save(inPath, f); err != nil {
		t.Fatal(err)
	}
	backendtest.RunPyref(t, "ncmodel.py", "check", modelPath, inPath, outPath)
	ref, err := ckpt.Load(outPath)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got *tensor.Tensor) {
		t.Helper()
		want, ok := ref.Get(name)
		if !ok {
			t.Fatalf("PyTorch wrote no %s", name)
		}
		if e, abs := backendtest.RelErr(be.ToHost(got), want.Data); e > backendtest.TorchTolerance && abs > 1e-6 {
			t.Errorf("%s: relative error %.3g against PyTorch (float64), tolerance %g", name, e, backendtest.TorchTolerance)
		}
	}
	up := func(name string) *tensor.Tensor {
		v := in[name]
		if v == nil {
			return nil
		}
		return be.FromHost(v.Host(), v.Shape...)
	}
	for _, p := range m.Params() {
		be.Fill(p.Grad, 0)
	}
	check("latents", m.Enc.Forward(up("frames")))
	m.Enc.Backward(up("d_latents"))
	check("recon", m.Dec.Forward(up("latents")))
	m.Dec.Backward(up("d_recon"))
	v := m.Dyn.Forward(DynamicsInputs{Noisy: up("noisy"), Context: up("context"), Cursor: up("cursor"), Actions: up("actions"),
		Tau: in["tau"].Host(), Sigma: in["sigma"].Host()})
	check("prediction", v)
	m.Dyn.Backward(up("d_prediction"))
	for _, p := range m.Params() {
		check("grad/"+p.Name, p.Grad)
	}
}
