package nn

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// LinearForward computes out = x @ wᵀ + b for x [..., in], w [out, in]
// (PyTorch's layout) and optional b [out].
func LinearForward(be tensor.Backend, out, x, w, b *tensor.Tensor) {
	in, o := w.Dim(1), w.Dim(0)
	be.MatMul(out.Reshape(-1, o), x.Reshape(-1, in), w, false, true, 1, 0)
	if b != nil {
		be.Add(out, out, b)
	}
}

// LinearBackward writes dx (if not nil) and accumulates dw and db (if not nil).
func LinearBackward(be tensor.Backend, dx, dw, db, dy, x, w *tensor.Tensor) {
	in, o := w.Dim(1), w.Dim(0)
	dy2 := dy.Reshape(-1, o)
	if dx != nil {
		be.MatMul(dx.Reshape(-1, in), dy2, w, false, false, 1, 0)
	}
	be.MatMul(dw, dy2, x.Reshape(-1, in), true, false, 1, 1)
	if db != nil {
		be.SumTo(db, dy2, 1)
	}
}

// Linear is a fully connected layer over the last dimension.
type Linear struct {
	arena
	W, B *Param // B is nil without bias
	x    *tensor.Tensor
}

// NewLinear makes a Linear with PyTorch's default initialisation.
func NewLinear(be tensor.Backend, name string, in, out int, bias bool, rng *rand.Rand) *Linear {
	l := &Linear{arena: newArena(be), W: NewParam(be, name+".weight", out, in)}
	InitUniform(be, l.W, fanInBound(in), rng)
	if bias {
		l.B = NewParam(be, name+".bias", out)
		InitUniform(be, l.B, fanInBound(in), rng)
	}
	return l
}

func (l *Linear) Params() []*Param {
	if l.B == nil {
		return []*Param{l.W}
	}
	return []*Param{l.W, l.B}
}

// Forward maps x [..., in] to [..., out].
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	l.x = x
	shape := x.Shape.Clone()
	shape[len(shape)-1] = l.W.Value.Dim(0)
	out := l.buf("out", shape...)
	LinearForward(l.be, out, x, l.W.Value, valueOf(l.B))
	return out
}

// Backward returns dx and accumulates the parameter gradients.
func (l *Linear) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := l.buf("dx", l.x.Shape...)
	LinearBackward(l.be, dx, l.W.Grad, gradOf(l.B), dy, l.x, l.W.Value)
	return dx
}

func valueOf(p *Param) *tensor.Tensor {
	if p == nil {
		return nil
	}
	return p.Value
}

func gradOf(p *Param) *tensor.Tensor {
	if p == nil {
		return nil
	}
	return p.Grad
}
