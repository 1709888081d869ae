package model

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// block is a pre-norm transformer block with an optional cross-attention
// sub-layer (internal injection): x + SA(LN(x)), + CA(LN(·), actions),
// + MLP(LN(·)).
type block struct {
	be    tensor.Backend
	LN1   *nn.LayerNorm
	Attn  *nn.Attention
	LN2   *nn.LayerNorm // nil without cross-attention
	Cross *nn.Attention
	LN3   *nn.LayerNorm
	MLP   *nn.MLP
}

func newBlock(be tensor.Backend, name string, dim, heads, mlpRatio int, cross bool, rng *rand.Rand) *block {
	b := &block{be: be,
		LN1:  nn.NewLayerNorm(be, name+".ln1", dim),
		Attn: nn.NewAttention(be, name+".attn", dim, dim, heads, rng),
		LN3:  nn.NewLayerNorm(be, name+".ln3", dim),
		MLP:  nn.NewMLP(be, name+".mlp", dim, mlpRatio*dim, rng)}
	if cross {
		b.LN2 = nn.NewLayerNorm(be, name+".ln2", dim)
		b.Cross = nn.NewAttention(be, name+".cross", dim, dim, heads, rng)
	}
	return b
}

func (b *block) Params() []*nn.Param {
	ps := nn.ParamsOf(b.LN1, b.Attn)
	if b.Cross != nil {
		ps = append(ps, nn.ParamsOf(b.LN2, b.Cross)...)
	}
	return append(ps, nn.ParamsOf(b.LN3, b.MLP)...)
}

// Forward maps tokens [B, T, D] (and action tokens ctx [B, A, D] for
// cross-attention) to [B, T, D].
func (b *block) Forward(x, ctx *tensor.Tensor) *tensor.Tensor {
	h := b.Attn.Forward(b.LN1.Forward(x), nil)
	b.be.Add(h, h, x)
	if b.Cross != nil {
		c := b.Cross.Forward(b.LN2.Forward(h), ctx)
		b.be.Add(c, c, h)
		h = c
	}
	out := b.MLP.Forward(b.LN3.Forward(h))
	b.be.Add(out, out, h)
	return out
}

// Backward returns dx and, with cross-attention, dctx.
func (b *block) Backward(dy *tensor.Tensor) (dx, dctx *tensor.Tensor) {
	dh := b.LN3.Backward(b.MLP.Backward(dy))
	b.be.Axpy(dh, 1, dy)
	if b.Cross != nil {
		var dq *tensor.Tensor
		dq, dctx = b.Cross.Backward(dh)
		dc := b.LN2.Backward(dq)
		b.be.Axpy(dc, 1, dh)
		dh = dc
	}
	da, _ := b.Attn.Backward(dh)
	dx = b.LN1.Backward(da)
	b.be.Axpy(dx, 1, dh)
	return dx, dctx
}
