package model

import (
	"image"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// savedCheckpoint builds a model of cfg, perturbs its weights with rng
// (none then sits at a special value; nil leaves them), saves it and reads
// the file back: a checkpoint to edit, beside the model it came from.
func savedCheckpoint(t *testing.T, be tensor.Backend, cfg Config, rng *rand.Rand) (*Model, string, *ckpt.File) {
	t.Helper()
	m, err := New(be, cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rng != nil {
		perturb(be, m.Params(), rng)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	f, err := ckpt.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m, path, f
}

// randomInputs draws a batch of two dynamics inputs for cfg (a cursor map
// only where it has one).
func randomInputs(rng *rand.Rand, cfg Config) DynamicsInputs {
	lw, lh := cfg.LatentSize()
	cz := cfg.AE.Latent
	in := DynamicsInputs{
		Noisy:   randn(rng, 1, 2, cz, lh, lw),
		Context: randn(rng, 1, 2, cz*cfg.Dyn.Context, lh, lw),
	}
	if cfg.Dyn.CursorMap {
		in.Cursor = randn(rng, 1, 2, 1, lh, lw)
	}
	in.Actions = randn(rng, 1, 2, cfg.ActionInputs())
	in.Tau, in.Sigma = []float32{0.3, 0.8}, []float32{0, 0.1}
	return in
}

// editInEveryMode saves a perturbed model of every injection mode, edits
// the checkpoint and runs check on the model before and after.
func editInEveryMode(t *testing.T, be tensor.Backend, edit func(f *ckpt.File, path string) error,
	check func(t *testing.T, cfg Config, mode string, rng *rand.Rand, before, after *Model)) {
	for _, mode := range []string{External, Contextual, Residual, Internal} {
		t.Run(mode, func(t *testing.T) {
			cfg := testConfig(mode, true)
			rng := rand.New(rand.NewPCG(4, 5))
			m, path, f := savedCheckpoint(t, be, cfg, rng)
			if err := edit(f, path); err != nil {
				t.Fatal(err)
			}
			edited, err := FromCheckpoint(be, path, f)
			if err != nil {
				t.Fatal(err)
			}
			check(t, cfg, mode, rng, m, edited)
		})
	}
}

// TestAddLayers: in every injection mode a checkpoint grown by two layers
// predicts exactly what it did (the new blocks add zero to the residual
// stream; with residual injection layer 4 also gets a zero action branch),
// and the new blocks are wired in: weight on one changes the prediction.
func TestAddLayers(t *testing.T) {
	be := cpu.New()
	editInEveryMode(t, be, func(f *ckpt.File, path string) error {
		_, err := AddLayers(be, f, path, 2, 7)
		return err
	}, func(t *testing.T, cfg Config, mode string, rng *rand.Rand, m, grown *Model) {
		if grown.Cfg.Dyn.Layers != 5 || len(grown.Dyn.Blocks) != 5 {
			t.Fatalf("grown to %d layers (%d blocks), want 5", grown.Cfg.Dyn.Layers, len(grown.Dyn.Blocks))
		}
		if mode == Residual && len(grown.Dyn.Res) != 3 {
			t.Errorf("%d residual action branches, want 3 (layers 0, 2 and 4)", len(grown.Dyn.Res))
		}
		in := randomInputs(rng, cfg)
		predict := func(m *Model) []float32 { return slices.Clone(be.ToHost(m.Dyn.Forward(in))) }
		before, after := predict(m), predict(grown)
		// Exactly: adding zeros to the residual stream rounds nothing.
		if !slices.Equal(before, after) {
			t.Fatal("the grown checkpoint predicts differently before training")
		}
		down := grown.Dyn.Blocks[4].MLP.Down.W.Value
		w := be.ToHost(down)
		for i := range w {
			w[i] = float32(0.1 * rng.NormFloat64())
		}
		be.Upload(down, w)
		if slices.Equal(predict(grown), after) {
			t.Error("weights in the last new block changed nothing")
		}
	})
}

// reloader reads the checkpoint at path afresh on each call, for tests that
// break one copy each.
func reloader(t *testing.T, path string) func() *ckpt.File {
	return func() *ckpt.File {
		f, err := ckpt.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
}

func TestAddLayersErrors(t *testing.T) {
	be := cpu.New()
	_, path, _ := savedCheckpoint(t, be, testConfig(Internal, false), nil)
	load := reloader(t, path)
	noBlock := load()
	noBlock.Tensors = slices.DeleteFunc(noBlock.Tensors, func(t ckpt.Tensor) bool { return t.Name == "dyn.block1.mlp.up.weight" })
	wrongShape := load()
	w, _ := wrongShape.Get("dyn.block0.mlp.up.weight")
	w.Shape = []int{w.Shape[1], w.Shape[0]}
	notModel := load()
	delete(notModel.Metadata, MetaFormat)
	for _, c := range []struct {
		f    *ckpt.File
		n    int
		want string
	}{
		{load(), 0, "at least one layer"},
		{noBlock, 1, "dyn.block1.mlp.up.weight is missing"},
		{wrongShape, 1, "dyn.block0.mlp.up.weight is ["},
		{notModel, 1, "not an NC Studio model"},
	} {
		_, err := AddLayers(be, c.f, path, c.n, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("AddLayers(%d): %v, want an error naming %s and saying %q", c.n, err, path, c.want)
		}
	}
}

// TestWidenMLP: in every injection mode a checkpoint whose MLPs are widened
// from 2 to 5 times the width predicts what it did (the new hidden units
// write zero; only the order of float sums changes), the old units keep
// their weights, and the new ones are wired in: output weight on them
// changes the prediction.
func TestWidenMLP(t *testing.T) {
	be := cpu.New()
	editInEveryMode(t, be, func(f *ckpt.File, path string) error {
		_, err := WidenMLP(be, f, path, 5, 7)
		return err
	}, func(t *testing.T, cfg Config, mode string, rng *rand.Rand, m, wide *Model) {
		oldHidden := m.Dyn.Blocks[0].MLP.Up.W.Value.Shape[0]
		up := wide.Dyn.Blocks[1].MLP.Up.W.Value
		if want := oldHidden / cfg.Dyn.MLPRatio * 5; up.Shape[0] != want {
			t.Fatalf("hidden width %d, want %d", up.Shape[0], want)
		}
		if !slices.Equal(be.ToHost(up)[:oldHidden*up.Shape[1]], be.ToHost(m.Dyn.Blocks[1].MLP.Up.W.Value)) {
			t.Error("the old hidden units' input weights changed")
		}
		in := randomInputs(rng, cfg)
		predict := func(m *Model) []float32 { return slices.Clone(be.ToHost(m.Dyn.Forward(in))) }
		before, after := predict(m), predict(wide)
		if e, _ := backendtest.RelErr(after, before); e > 1e-6 {
			t.Fatalf("the widened checkpoint predicts differently before training: relative error %.2g", e)
		}
		down := wide.Dyn.Blocks[len(wide.Dyn.Blocks)-1].MLP.Down.W.Value
		w := be.ToHost(down)
		cols := down.Shape[1]
		for r := range down.Shape[0] {
			w[r*cols+cols-1] = float32(0.5 * rng.NormFloat64()) // the last new unit
		}
		be.Upload(down, w)
		if slices.Equal(predict(wide), after) {
			t.Error("output weight on a new hidden unit changed nothing")
		}
	})
}

func TestWidenMLPErrors(t *testing.T) {
	be := cpu.New()
	cfg := testConfig(Internal, false)
	_, path, _ := savedCheckpoint(t, be, cfg, nil)
	load := reloader(t, path)
	wrongShape := load()
	w, _ := wrongShape.Get("dyn.block1.mlp.down.weight")
	w.Shape = []int{w.Shape[0], w.Shape[1] - 1}
	w.Data = w.Data[:w.Elements()]
	for _, c := range []struct {
		f     *ckpt.File
		ratio int
		want  string
	}{
		{load(), cfg.Dyn.MLPRatio, "already"},
		{wrongShape, 2 * cfg.Dyn.MLPRatio, "dyn.block1.mlp.down.weight is ["},
	} {
		_, err := WidenMLP(be, c.f, path, c.ratio, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("WidenMLP(%d): %v, want an error naming %s and saying %q", c.ratio, err, path, c.want)
		}
	}
}

// TestResizeDynamics: the autoencoder's tensors stay as they were, the
// dynamics is the one a fresh model of the new config starts from, and the
// result loads and steps.
func TestResizeDynamics(t *testing.T) {
	be := cpu.New()
	cfg := testConfig(Internal, true)
	m, path, f := savedCheckpoint(t, be, cfg, rand.New(rand.NewPCG(4, 5)))
	resize := func(d *DynamicsConfig) { d.Dim, d.Layers, d.Heads = 24, 2, 3 }
	if _, err := ResizeDynamics(be, f, path, resize, 9); err != nil {
		t.Fatal(err)
	}
	resized, err := FromCheckpoint(be, path, f)
	if err != nil {
		t.Fatal(err)
	}
	wantCfg := cfg
	resize(&wantCfg.Dyn)
	fresh, _ := New(be, wantCfg, 9)
	for i, p := range resized.Params() {
		want := fresh.Params()[i].Value
		if !strings.HasPrefix(p.Name, "dyn.") {
			want = m.Params()[i].Value
		}
		if !slices.Equal(be.ToHost(p.Value), be.ToHost(want)) {
			t.Errorf("%s is not the old autoencoder's or the fresh dynamics'", p.Name)
		}
	}
	s, err := resized.NewSession(image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height)), 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Step(action.Action{X: 3, Y: 4})

	fiveHeads := func(d *DynamicsConfig) { d.Heads = 5 } // 5 does not divide 24
	if _, err := ResizeDynamics(be, f, path, fiveHeads, 9); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("5 heads of a 24-wide token: %v, want an error naming %s", err, path)
	}
}
