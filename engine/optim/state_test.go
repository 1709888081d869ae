package optim_test

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/optim"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

type model struct {
	up, down *nn.Linear
	act      *nn.Activation
}

func newModel(be tensor.Backend, seed uint64) *model {
	rng := rand.New(rand.NewPCG(seed, 1))
	return &model{up: nn.NewLinear(be, "up", 6, 16, true, rng), down: nn.NewLinear(be, "down", 16, 3, true, rng), act: nn.NewGELU(be)}
}

func (m *model) params() []*nn.Param { return nn.ParamsOf(m.up, m.down) }

// step runs one training step on a fixed regression batch.
func (m *model) step(be tensor.Backend, opt *optim.AdamW, x, y *tensor.Tensor) float32 {
	opt.ZeroGrad()
	pred := m.down.Forward(m.act.Forward(m.up.Forward(x)))
	grad := be.Zeros(pred.Shape...)
	loss := be.MSELoss(grad, pred, y, nil)
	m.up.Backward(m.act.Backward(m.down.Backward(grad)))
	opt.Step(1e-2)
	return loss
}

// Saving parameters and optimiser state, loading both into a fresh model,
// and continuing must give exactly what continuing the original gives.
func TestResumeFromCheckpointIsExact(t *testing.T) {
	be := cpu.New()
	rng := rand.New(rand.NewPCG(3, 3))
	x, y := tensor.FromSlice(randSlice(rng, 8*6), 8, 6), tensor.FromSlice(randSlice(rng, 8*3), 8, 3)
	a := newModel(be, 1)
	optA := optim.NewAdamW(be, a.params())
	optA.MaxGradNorm = 1
	for range 3 {
		a.step(be, optA, x, y)
	}
	dir := t.TempDir()
	modelFile, stateFile := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "m.optim.safetensors")
	f := &ckpt.File{Metadata: map[string]string{"step": "3"}}
	nn.AddParams(f, be, a.params())
	if err := ckpt.Save(modelFile, f); err != nil {
		t.Fatal(err)
	}
	if err := ckpt.Save(stateFile, optA.State()); err != nil {
		t.Fatal(err)
	}

	b := newModel(be, 2) // different initial weights: all must come from the files
	optB := optim.NewAdamW(be, b.params())
	optB.MaxGradNorm = 1
	mf, err := ckpt.Load(modelFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.LoadParams(mf, modelFile, be, b.params()); err != nil {
		t.Fatal(err)
	}
	sf, err := ckpt.Load(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := optB.Restore(sf, stateFile); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		la, lb := a.step(be, optA, x, y), b.step(be, optB, x, y)
		if la != lb {
			t.Fatalf("step %d after resuming: loss %v, original run %v", i+4, lb, la)
		}
	}
	for i, p := range a.params() {
		pa, pb := be.ToHost(p.Value), be.ToHost(b.params()[i].Value)
		for j := range pa {
			if pa[j] != pb[j] {
				t.Fatalf("%s[%d]: %v after resuming, %v in the original run", p.Name, j, pb[j], pa[j])
			}
		}
	}
}

func TestLoadParamsNamesEveryMismatch(t *testing.T) {
	be := cpu.New()
	m := newModel(be, 1)
	f := &ckpt.File{}
	nn.AddParams(f, be, m.params()[:3]) // down.bias missing
	f.Tensors[0].Shape = []int{6, 16}   // up.weight transposed
	f.Tensors[0].Name = "up.weight"
	f.Tensors = append(f.Tensors, ckpt.Tensor{Name: "extra", DType: ckpt.F32, Shape: []int{1}, Data: []float32{0}})
	err := nn.LoadParams(f, "other.safetensors", be, m.params())
	if err == nil {
		t.Fatal("mismatched checkpoint loaded")
	}
	for _, want := range []string{"other.safetensors", "missing down.bias", "up.weight has shape [6,16], the model needs [16,6]", "unexpected extra"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}
