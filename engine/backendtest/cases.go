// Package backendtest is the conformance suite every tensor.Backend must
// pass: each op's backward against central finite differences, each op's
// forward and backward against PyTorch, and the optimiser against PyTorch's
// AdamW. Backends call Run and CompareTorch from their own tests; the CUDA
// backend also calls CompareBackends against the CPU backend.
package backendtest

import (
	"math"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Input is one input of an op case.
type Input struct {
	Name  string
	Shape []int
	Diff  bool                                  // its gradient is checked
	Gen   func(rng *rand.Rand, n int) []float32 // nil: standard normal
}

// Case is one op under test, with a single output. Forward allocates the
// output; Backward returns the gradient of each input (nil where Diff is
// false) given the output gradient dy.
type Case struct {
	Name     string
	Torch    string         // the op's name in torch_ops.py
	Params   map[string]any // extra arguments for both sides
	Inputs   []Input
	Forward  func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor
	Backward func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor
	FDStep   float32 // 0: 1e-2
	FDTol    float64 // 0: 1e-3 relative
}

func diff(name string, shape ...int) Input  { return Input{Name: name, Shape: shape, Diff: true} }
func fixed(name string, shape ...int) Input { return Input{Name: name, Shape: shape} }

// zerosLike allocates a zero tensor of t's shape.
func zerosLike(be tensor.Backend, t *tensor.Tensor) *tensor.Tensor { return be.Zeros(t.Shape...) }

// unaryCase builds a case for an elementwise activation.
func unaryCase(name string, fwd func(be tensor.Backend, out, x *tensor.Tensor), bwd func(be tensor.Backend, dx, dy, x *tensor.Tensor)) Case {
	return Case{Name: name, Torch: name, Inputs: []Input{diff("x", 3, 5, 7)},
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			out := zerosLike(be, in[0])
			fwd(be, out, in[0])
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			dx := zerosLike(be, in[0])
			bwd(be, dx, dy, in[0])
			return []*tensor.Tensor{dx}
		}}
}

func matmulCase(name string, ta, tb bool, a, b, c []int) Case {
	return Case{Name: name, Torch: "matmul", Params: map[string]any{"trans_a": ta, "trans_b": tb, "reduce": len(c) == 2 && len(a) > 2},
		Inputs: []Input{diff("a", a...), diff("b", b...)},
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			out := be.Zeros(c...)
			be.MatMul(out, in[0], in[1], ta, tb, 1, 0)
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			da, db := zerosLike(be, in[0]), zerosLike(be, in[1])
			// d op(a) = dy op(b)ᵀ and d op(b) = op(a)ᵀ dy, written in terms of the stored layouts.
			if ta {
				be.MatMul(da, in[1], dy, tb, true, 1, 0)
			} else {
				be.MatMul(da, dy, in[1], false, !tb, 1, 0)
			}
			if tb {
				be.MatMul(db, dy, in[0], true, ta, 1, 0)
			} else {
				be.MatMul(db, in[0], dy, !ta, false, 1, 0)
			}
			return []*tensor.Tensor{da, db}
		}}
}

// convCase convolves x [2, c, h, h+1] to 4 channels. Large c and h make a
// backend tile the output (the CPU one tiles about 256K unfolded floats).
func convCase(name string, k, stride int, bias bool, c, h int) Case {
	g := nn.ConvShape{K: k, Stride: stride, Pad: (k - 1) / 2}
	inputs := []Input{diff("x", 2, c, h, h+1), diff("w", 4, c, k, k)}
	if bias {
		inputs = append(inputs, diff("b", 4))
	}
	biasOf := func(in []*tensor.Tensor) *tensor.Tensor {
		if bias {
			return in[2]
		}
		return nil
	}
	return Case{Name: name, Torch: "conv2d", Params: map[string]any{"stride": stride, "pad": g.Pad},
		Inputs: inputs,
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			x := in[0]
			out := be.Zeros(x.Dim(0), 4, g.OutSize(x.Dim(2)), g.OutSize(x.Dim(3)))
			be.Conv2D(out, x, in[1], biasOf(in), g.Stride, g.Pad)
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			grads := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1])}
			var db *tensor.Tensor
			if bias {
				db = zerosLike(be, in[2])
				grads = append(grads, db)
			}
			be.Conv2DBackward(grads[0], grads[1], db, dy, in[0], in[1], g.Stride, g.Pad)
			return grads
		}}
}

func binaryCase(name string, a, b []int, op func(be tensor.Backend, out, a, b *tensor.Tensor)) Case {
	return Case{Name: name, Torch: name[:3], Inputs: []Input{diff("a", a...), diff("b", b...)},
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			s, err := tensor.BroadcastShape(in[0].Shape, in[1].Shape)
			if err != nil {
				panic(err)
			}
			out := be.Zeros(s...)
			op(be, out, in[0], in[1])
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			grads := make([]*tensor.Tensor, 2)
			for i := range grads {
				g := dy
				if name[:3] == "mul" { // d(a*b)/da = b, broadcast
					g = zerosLike(be, dy)
					be.Mul(g, dy, in[1-i])
				}
				grads[i] = zerosLike(be, in[i])
				be.SumTo(grads[i], g, 0)
			}
			return grads
		}}
}

func lossCase(name string, weighted bool, loss func(be tensor.Backend, grad, p, t, w *tensor.Tensor) float32) Case {
	inputs := []Input{diff("pred", 2, 3, 4, 5), fixed("target", 2, 3, 4, 5)}
	if weighted {
		inputs = append(inputs, Input{Name: "weight", Shape: []int{2, 1, 4, 5}, Gen: uniform(0, 3)})
	}
	var torchName = name
	if weighted {
		torchName = name[:len(name)-len("_weighted")]
	}
	run := func(be tensor.Backend, in []*tensor.Tensor) (float32, *tensor.Tensor) {
		var w *tensor.Tensor
		if weighted {
			w = in[2]
		}
		grad := zerosLike(be, in[0])
		return loss(be, grad, in[0], in[1], w), grad
	}
	return Case{Name: name, Torch: torchName, Inputs: inputs,
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			l, _ := run(be, in)
			return be.FromHost([]float32{l}, 1)
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			_, grad := run(be, in)
			be.Scale(grad, be.ToHost(dy)[0])
			return []*tensor.Tensor{grad, nil, nil}[:len(in)]
		}}
}

func uniform(lo, hi float64) func(*rand.Rand, int) []float32 {
	return func(rng *rand.Rand, n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(lo + (hi-lo)*rng.Float64())
		}
		return v
	}
}

// causalMask is the additive [t, t] mask hiding future keys.
func causalMask(rng *rand.Rand, n int) []float32 {
	t := int(math.Sqrt(float64(n)))
	m := make([]float32, n)
	for i := 0; i < t; i++ {
		for j := i + 1; j < t; j++ {
			m[i*t+j] = float32(math.Inf(-1))
		}
	}
	return m
}
