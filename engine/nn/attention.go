package nn

import (
	"math"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Attention is multi-head attention over tokens [B, T, D]: self-attention
// when the context is the input itself, cross-attention otherwise.
type Attention struct {
	arena
	Heads       int
	Q, K, V, O  *Linear
	Mask        *tensor.Tensor // optional additive [Tq, Tk] mask
	self        bool
	q, k, v, pr *tensor.Tensor // per-head [B, H, T, Dh] and probabilities
}

// NewAttention makes attention from dim-wide queries to ctxDim-wide keys and values.
func NewAttention(be tensor.Backend, name string, dim, ctxDim, heads int, rng *rand.Rand) *Attention {
	return &Attention{arena: newArena(be), Heads: heads,
		Q: NewLinear(be, name+".q", dim, dim, true, rng),
		K: NewLinear(be, name+".k", ctxDim, dim, true, rng),
		V: NewLinear(be, name+".v", ctxDim, dim, true, rng),
		O: NewLinear(be, name+".out", dim, dim, true, rng)}
}

func (a *Attention) Params() []*Param { return ParamsOf(a.Q, a.K, a.V, a.O) }

// toHeads maps [B, T, H*Dh] to [B, H, T, Dh].
func (a *Attention) toHeads(name string, x *tensor.Tensor) *tensor.Tensor {
	b, t, d := x.Dim(0), x.Dim(1), x.Dim(2)
	out := a.buf(name, b, a.Heads, t, d/a.Heads)
	a.be.Permute0213(out, x.Reshape(b, t, a.Heads, d/a.Heads))
	return out
}

// fromHeads maps [B, H, T, Dh] back to [B, T, H*Dh].
func (a *Attention) fromHeads(name string, x *tensor.Tensor) *tensor.Tensor {
	b, h, t, dh := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	out := a.buf(name, b, t, h, dh)
	a.be.Permute0213(out, x)
	return out.Reshape(b, t, h*dh)
}

func (a *Attention) scale() float32 {
	return float32(1 / math.Sqrt(float64(a.q.Dim(3))))
}

// Forward attends from x [B, Tq, D] to ctx [B, Tk, Dc]; ctx == nil attends to x.
func (a *Attention) Forward(x, ctx *tensor.Tensor) *tensor.Tensor {
	a.self = ctx == nil
	if a.self {
		ctx = x
	}
	a.q = a.toHeads("q", a.Q.Forward(x))
	a.k = a.toHeads("k", a.K.Forward(ctx))
	a.v = a.toHeads("v", a.V.Forward(ctx))
	a.pr = a.buf("probs", a.q.Dim(0), a.Heads, a.q.Dim(2), a.k.Dim(2))
	o := a.buf("o", a.q.Shape...)
	a.be.Attention(o, a.pr, a.q, a.k, a.v, a.Mask, a.scale())
	return a.O.Forward(a.fromHeads("merged", o))
}

// Probs are the attention probabilities of the last Forward, [B, H, Tq,
// Tk] (valid until the next Forward), for looking at where tokens attend.
func (a *Attention) Probs() *tensor.Tensor { return a.pr }

// Backward returns dx and dctx (nil for self-attention, whose context
// gradient is folded into dx).
func (a *Attention) Backward(dy *tensor.Tensor) (dx, dctx *tensor.Tensor) {
	do := a.toHeads("do", a.O.Backward(dy))
	dq, dk, dv := a.buf("dq", a.q.Shape...), a.buf("dk", a.k.Shape...), a.buf("dv", a.v.Shape...)
	a.be.AttentionBackward(dq, dk, dv, do, a.q, a.k, a.v, a.pr, a.scale())
	dx = a.Q.Backward(a.fromHeads("dq_merged", dq))
	dctx = a.K.Backward(a.fromHeads("dk_merged", dk))
	a.be.Axpy(dctx, 1, a.V.Backward(a.fromHeads("dv_merged", dv)))
	if a.self {
		a.be.Axpy(dx, 1, dctx)
		return dx, nil
	}
	return dx, dctx
}
