// Package nn builds neural-network layers from the primitives of a
// tensor.Backend. Every layer has an explicit Forward, which keeps what its
// backward needs, and an explicit Backward, which returns the input gradient
// and accumulates into its parameters' gradients. There is no autograd tape:
// models call Backward in reverse order, as llm.c does.
package nn

import (
	"math"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Param is a trainable tensor with its gradient (same shape, accumulated by
// Backward, cleared by the optimiser's ZeroGrad).
type Param struct {
	Name  string
	Value *tensor.Tensor
	Grad  *tensor.Tensor
}

// NewParam allocates a zero parameter and gradient on be.
func NewParam(be tensor.Backend, name string, shape ...int) *Param {
	return &Param{Name: name, Value: be.Zeros(shape...), Grad: be.Zeros(shape...)}
}

// Layer is anything with parameters. Parameter names are given at
// construction as dotted paths ("block0.attn.qkv.weight"), the names
// checkpoints store them under.
type Layer interface {
	Params() []*Param
}

// ParamsOf concatenates the parameters of layers, in order.
func ParamsOf(layers ...Layer) []*Param {
	var ps []*Param
	for _, l := range layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// InitUniform fills p with U(-bound, bound), PyTorch's default for linear
// and convolution weights being bound = 1/sqrt(fanIn).
func InitUniform(be tensor.Backend, p *Param, bound float64, rng *rand.Rand) {
	v := make([]float32, p.Value.Numel())
	for i := range v {
		v[i] = float32((rng.Float64()*2 - 1) * bound)
	}
	be.Upload(p.Value, v)
}

// InitConst fills p with c (1 for norm gains, 0 for biases).
func InitConst(be tensor.Backend, p *Param, c float32) { be.Fill(p.Value, c) }

// fanInBound is 1/sqrt(fanIn).
func fanInBound(fanIn int) float64 { return 1 / math.Sqrt(float64(fanIn)) }

// Block is a layer with one input and one output.
type Block interface {
	Layer
	Forward(x *tensor.Tensor) *tensor.Tensor
	Backward(dy *tensor.Tensor) *tensor.Tensor
}

// Sequence runs blocks in order, and their backward passes in reverse.
type Sequence []Block

func (s Sequence) Params() []*Param {
	var ps []*Param
	for _, l := range s {
		ps = append(ps, l.Params()...)
	}
	return ps
}

func (s Sequence) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range s {
		x = l.Forward(x)
	}
	return x
}

func (s Sequence) Backward(dy *tensor.Tensor) *tensor.Tensor {
	for i := len(s) - 1; i >= 0; i-- {
		dy = s[i].Backward(dy)
	}
	return dy
}
