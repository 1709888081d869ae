package backendtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// maxFDProbes caps how many elements of each input are perturbed.
const maxFDProbes = 48

// Instance is a case with concrete input values and output gradient.
type Instance struct {
	Case
	Values [][]float32 // one per input
	DY     []float32
}

// Instantiate draws the inputs and the output gradient of c from a seed
// derived from its name, so every backend sees the same numbers.
func Instantiate(be tensor.Backend, c Case) Instance {
	rng := rand.New(rand.NewPCG(hash(c.Name), 7))
	inst := Instance{Case: c}
	for _, in := range c.Inputs {
		n := tensor.Shape(in.Shape).Numel()
		gen := in.Gen
		if gen == nil {
			gen = normal
		}
		inst.Values = append(inst.Values, gen(rng, n))
	}
	out := c.Forward(be, inst.tensors(be))
	inst.DY = normal(rng, out.Numel())
	return inst
}

func normal(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func (inst Instance) tensors(be tensor.Backend) []*tensor.Tensor {
	ts := make([]*tensor.Tensor, len(inst.Values))
	for i, v := range inst.Values {
		ts[i] = be.FromHost(v, inst.Inputs[i].Shape...)
	}
	return ts
}

// objective is Σ dy·forward(inputs), in float64.
func (inst Instance) objective(be tensor.Backend, values [][]float32) float64 {
	in := make([]*tensor.Tensor, len(values))
	for i, v := range values {
		in[i] = be.FromHost(v, inst.Inputs[i].Shape...)
	}
	out := be.ToHost(inst.Forward(be, in))
	var s float64
	for i, v := range out {
		s += float64(v) * float64(inst.DY[i])
	}
	return s
}

// Gradients runs the case's backward on be.
func (inst Instance) Gradients(be tensor.Backend) [][]float32 {
	in := inst.tensors(be)
	grads := inst.Backward(be, in, be.FromHost(inst.DY, inst.Forward(be, in).Shape...))
	host := make([][]float32, len(grads))
	for i, g := range grads {
		if g != nil {
			host[i] = be.ToHost(g)
		}
	}
	return host
}

// Output runs the case's forward on be.
func (inst Instance) Output(be tensor.Backend) []float32 {
	return be.ToHost(inst.Forward(be, inst.tensors(be)))
}

// CheckFiniteDifferences compares the analytic gradient of each
// differentiable input with central differences of the objective, and
// returns the worst relative error it saw.
func CheckFiniteDifferences(be tensor.Backend, c Case) (float64, error) {
	inst := Instantiate(be, c)
	grads := inst.Gradients(be)
	h := c.FDStep
	if h == 0 {
		h = 1e-2
	}
	tol := c.FDTol
	if tol == 0 {
		tol = 1e-3
	}
	worst := 0.0
	for i, in := range c.Inputs {
		if !in.Diff {
			continue
		}
		if grads[i] == nil {
			return worst, fmt.Errorf("%s: no gradient for %s", c.Name, in.Name)
		}
		values := make([][]float32, len(inst.Values))
		for j := range values {
			values[j] = append([]float32(nil), inst.Values[j]...)
		}
		n := len(values[i])
		stride := max(1, n/maxFDProbes)
		var errSq, refSq float64
		for k := 0; k < n; k += stride {
			orig := values[i][k]
			values[i][k] = orig + h
			up := inst.objective(be, values)
			values[i][k] = orig - h
			down := inst.objective(be, values)
			values[i][k] = orig
			// The step actually taken in float32 is what the difference divides by.
			num := (up - down) / (float64(orig+h) - float64(orig-h))
			d := num - float64(grads[i][k])
			errSq += d * d
			refSq += num * num
		}
		rel := math.Sqrt(errSq) / math.Max(math.Sqrt(refSq), 1e-6)
		worst = math.Max(worst, rel)
		if rel > tol {
			return worst, fmt.Errorf("%s: gradient of %s differs from finite differences by %.3g (relative), tolerance %.g", c.Name, in.Name, rel, tol)
		}
	}
	return worst, nil
}

// Run checks every case's backward against finite differences on be, plus
// the direct checks of ops that have no gradient to difference.
func Run(t *testing.T, be tensor.Backend) {
	for _, c := range Cases() {
		t.Run("fd/"+c.Name, func(t *testing.T) {
			worst, err := CheckFiniteDifferences(be, c)
			if err != nil {
				t.Fatal(err)
			}
			if testing.Verbose() {
				t.Logf("worst relative error against finite differences: %.2g", worst)
			}
		})
	}
	t.Run("direct", func(t *testing.T) { RunDirect(t, be) })
}
