package main

import (
	"bytes"
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

// TestCkptGrow grows the built-in default (half floats, the new blocks
// single) and checks that a session of the copy steps to the same latents.
func TestCkptGrow(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "grown.safetensors")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "grow", "default", out, "--layers", "3"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	base, _, err := loadModel("default")
	if err != nil {
		t.Fatal(err)
	}
	grown, _, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if grown.Cfg.Dyn.Layers != base.Cfg.Dyn.Layers+3 {
		t.Fatalf("%d layers, want %d", grown.Cfg.Dyn.Layers, base.Cfg.Dyn.Layers+3)
	}
	start := image.NewRGBA(image.Rect(0, 0, base.Cfg.Width, base.Cfg.Height))
	for i := range start.Pix {
		start.Pix[i] = uint8(i * 7)
	}
	step := func(m *model.Model) [][]float32 {
		s, err := m.NewSession(start, 5)
		if err != nil {
			t.Fatal(err)
		}
		var zs [][]float32
		for i := range 3 {
			z := s.Step(action.Action{X: 20 + 9*i, Y: 30, Buttons: action.Left})
			zs = append(zs, slices.Clone(m.Backend().ToHost(z)))
		}
		return zs
	}
	want := step(base)
	if !slices.EqualFunc(want, step(grown), slices.Equal) {
		t.Error("the grown default steps to other latents than the default")
	}
	wideOut := filepath.Join(dir, "wide.safetensors")
	if err := dispatch([]string{"ckpt", "grow", "default", wideOut, "--mlp-ratio", "5"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	wide, _, err := model.Load(cpu.New(), wideOut)
	if err != nil {
		t.Fatal(err)
	}
	if d := wide.Cfg.Dyn; d.MLPRatio != 5 || d.Layers != base.Cfg.Dyn.Layers {
		t.Fatalf("MLP ratio %d and %d layers, want 5 and the default's %d", d.MLPRatio, d.Layers, base.Cfg.Dyn.Layers)
	}
	// Sums over more hidden units (the new ones zero) round differently.
	for i, z := range step(wide) {
		if e, _ := backendtest.RelErr(z, want[i]); e > 1e-5 {
			t.Errorf("step %d: the widened default's latent is %.2g off the default's", i, e)
		}
	}
	f, _ := ckpt.Load(out)
	if w, ok := f.Get("dyn.block6.mlp.down.weight"); !ok || w.DType != ckpt.F32 {
		t.Errorf("dyn.block6.mlp.down.weight: %v (found %v), want a single-float tensor", w, ok)
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "grow", "default", out}, "exists", 1},
		{[]string{"ckpt", "grow", writeTestCkpt(t), filepath.Join(dir, "x.safetensors")}, "not an NC Studio model", 1},
		{[]string{"ckpt", "grow", "default", filepath.Join(dir, "y.safetensors"), "--layers", "-1"}, "--layers", 2},
		{[]string{"ckpt", "grow", "default", filepath.Join(dir, "y.safetensors"), "--mlp-ratio", "2"}, "already", 1},
		{[]string{"ckpt", "grow", "default"}, "want IN and OUT", 2},
	})
}

func TestCkptDynamics(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "wide.safetensors")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "dynamics", "default", out, "--dim", "64", "--layers", "2", "--heads", "2"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	m, meta, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Cfg.Dyn; d.Dim != 64 || d.Layers != 2 || d.Heads != 2 || d.Context != 2 {
		t.Errorf("dynamics %+v, want width 64, 2 layers, 2 heads, the default's context of 2", d)
	}
	if _, ok := meta["ncstudio.dynamics_steps"]; ok || meta["ncstudio.autoencoder_steps"] == "" {
		t.Errorf("metadata %v: want the autoencoder's step count kept and the old dynamics' dropped", meta)
	}
	base, _ := loadCkptFile("default")
	f, _ := ckpt.Load(out)
	for _, name := range []string{"enc.in.weight", "dec.out.weight"} {
		a, _ := base.Get(name)
		b, ok := f.Get(name)
		if !ok || !slices.Equal(a.Data, b.Data) {
			t.Errorf("%s changed", name)
		}
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "dynamics", "default", out}, "exists", 1},
		{[]string{"ckpt", "dynamics", "default", filepath.Join(dir, "x.safetensors"), "--heads", "3"}, "heads", 1},
		{[]string{"ckpt", "dynamics", "default", filepath.Join(dir, "y.safetensors"), "--dim", "-1"}, "negative", 2},
	})
}
