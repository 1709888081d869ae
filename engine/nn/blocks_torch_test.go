package nn_test

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/optim"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// trainConfig is shared by both sides of the comparison. Adam's eps is large
// on purpose: with a tiny eps, elements whose gradient is pure rounding noise
// (the key bias: softmax ignores it) get full-size updates of random sign,
// which no two implementations can agree on.
var trainConfig = map[string]any{
	"steps": 3, "lr": 1e-2, "betas": []float64{0.9, 0.99}, "eps": 1e-3,
	"weight_decay": 0.05, "max_grad_norm": 1.0,
}

func TestTransformerBlockAgainstPyTorch(t *testing.T) {
	be := cpu.New()
	rng := rand.New(rand.NewPCG(5, 6))
	blk := nn.NewTransformerBlock(be, "blk", 64, 4, 4, rng)
	randomizeNorms(be, blk.Params(), rng)
	compareBlock(t, be, blk, map[string]any{"kind": "transformer", "dim": 64, "heads": 4, "mlp": 4}, []int{2, 64, 64}, rng)
}

func TestResBlockAgainstPyTorch(t *testing.T) {
	be := cpu.New()
	rng := rand.New(rand.NewPCG(7, 8))
	blk := nn.NewResBlock(be, "blk", 16, 4, rng)
	randomizeNorms(be, blk.Params(), rng)
	compareBlock(t, be, blk, map[string]any{"kind": "resblock", "channels": 16, "groups": 4}, []int{2, 16, 12, 12}, rng)
}

// randomizeNorms moves norm gains and biases off 1 and 0 so that their
// gradients are exercised in full.
func randomizeNorms(be tensor.Backend, ps []*nn.Param, rng *rand.Rand) {
	for _, p := range ps {
		if p.Value.Dim(0) == p.Value.Numel() { // 1-D: gains and biases
			v := be.ToHost(p.Value)
			for i := range v {
				v[i] += float32(0.3 * rng.NormFloat64())
			}
			be.Copy(p.Value, be.FromHost(v, p.Value.Shape...))
		}
	}
}

func randn(be tensor.Backend, rng *rand.Rand, shape ...int) *tensor.Tensor {
	v := make([]float32, tensor.Shape(shape).Numel())
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return be.FromHost(v, shape...)
}

func compareBlock(t *testing.T, be tensor.Backend, blk nn.Block, cfg map[string]any, xShape []int, rng *rand.Rand) {
	backendtest.RequireTorch(t)
	for k, v := range trainConfig {
		cfg[k] = v
	}
	x, dy := randn(be, rng, xShape...), randn(be, rng, xShape...)
	js, _ := json.Marshal(cfg)
	in := &ckpt.File{Metadata: map[string]string{"config": string(js)}}
	add := func(f *ckpt.File, name string, t *tensor.Tensor) {
		f.Tensors = append(f.Tensors, ckpt.Tensor{Name: name, DType: ckpt.F32, Shape: t.Shape, Data: be.ToHost(t)})
	}
	add(in, "x", x)
	add(in, "dy", dy)
	for _, p := range blk.Params() {
		add(in, p.Name, p.Value)
	}
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := ckpt.Save(inPath, in); err != nil {
		t.Fatal(err)
	}
	backendtest.RunPyref(t, "torch_blocks.py", inPath, outPath)
	ref, err := ckpt.Load(outPath)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got *tensor.Tensor, tol float64) {
		t.Helper()
		want, ok := ref.Get(name)
		if !ok {
			t.Fatalf("PyTorch wrote no %s", name)
		}
		// An exactly-zero reference (the key bias's gradient: softmax ignores a
		// shift shared by all keys) leaves only float32 noise to compare.
		if e, abs := backendtest.RelErr(be.ToHost(got), want.Data); e > tol && abs > 1e-6 {
			t.Errorf("%s: relative error %.3g against PyTorch (float64), tolerance %g", name, e, tol)
		}
	}
	out := blk.Forward(x)
	check("out", out, backendtest.TorchTolerance)
	check("grad/x", blk.Backward(dy), backendtest.TorchTolerance)
	for _, p := range blk.Params() {
		check("grad/"+p.Name, p.Grad, backendtest.TorchTolerance)
	}

	opt := optim.NewAdamW(be, blk.Params())
	opt.Beta1, opt.Beta2, opt.Eps, opt.WeightDecay = 0.9, 0.99, 1e-3, 0.05
	opt.MaxGradNorm = 1
	for step := 0; step < trainConfig["steps"].(int); step++ {
		opt.ZeroGrad()
		blk.Forward(x)
		blk.Backward(dy)
		opt.Step(1e-2)
	}
	for _, p := range blk.Params() {
		check("trained/"+p.Name, p.Value, backendtest.TorchTolerance)
	}
}
