package nn

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// MLP is Linear → GELU → Linear.
type MLP struct {
	Up, Down *Linear
	act      *Activation
}

func NewMLP(be tensor.Backend, name string, dim, hidden int, rng *rand.Rand) *MLP {
	return &MLP{Up: NewLinear(be, name+".up", dim, hidden, true, rng),
		Down: NewLinear(be, name+".down", hidden, dim, true, rng), act: NewGELU(be)}
}

func (m *MLP) Params() []*Param { return ParamsOf(m.Up, m.Down) }

func (m *MLP) Forward(x *tensor.Tensor) *tensor.Tensor {
	return m.Down.Forward(m.act.Forward(m.Up.Forward(x)))
}

func (m *MLP) Backward(dy *tensor.Tensor) *tensor.Tensor {
	return m.Up.Backward(m.act.Backward(m.Down.Backward(dy)))
}

// TransformerBlock is a pre-norm block: x + Attn(LN(x)), then + MLP(LN(·)).
type TransformerBlock struct {
	be       tensor.Backend
	LN1, LN2 *LayerNorm
	Attn     *Attention
	MLP      *MLP
}

func NewTransformerBlock(be tensor.Backend, name string, dim, heads, mlpRatio int, rng *rand.Rand) *TransformerBlock {
	return &TransformerBlock{be: be,
		LN1:  NewLayerNorm(be, name+".ln1", dim),
		Attn: NewAttention(be, name+".attn", dim, dim, heads, rng),
		LN2:  NewLayerNorm(be, name+".ln2", dim),
		MLP:  NewMLP(be, name+".mlp", dim, mlpRatio*dim, rng)}
}

func (b *TransformerBlock) Params() []*Param { return ParamsOf(b.LN1, b.Attn, b.LN2, b.MLP) }

// Forward maps tokens [B, T, D] to [B, T, D].
func (b *TransformerBlock) Forward(x *tensor.Tensor) *tensor.Tensor {
	h := b.Attn.Forward(b.LN1.Forward(x), nil)
	b.be.Add(h, h, x)
	out := b.MLP.Forward(b.LN2.Forward(h))
	b.be.Add(out, out, h)
	return out
}

func (b *TransformerBlock) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dh := b.LN2.Backward(b.MLP.Backward(dy))
	b.be.Axpy(dh, 1, dy)
	da, _ := b.Attn.Backward(dh)
	dx := b.LN1.Backward(da)
	b.be.Axpy(dx, 1, dh)
	return dx
}

// ResBlock is the convolutional residual block of image autoencoders:
// x + Conv(SiLU(GN(Conv(SiLU(GN(x)))))), channels and size unchanged.
type ResBlock struct {
	be           tensor.Backend
	GN1, GN2     *GroupNorm
	Act1, Act2   *Activation
	Conv1, Conv2 *Conv2D
}

func NewResBlock(be tensor.Backend, name string, channels, groups int, rng *rand.Rand) *ResBlock {
	return &ResBlock{be: be,
		GN1: NewGroupNorm(be, name+".gn1", groups, channels), Act1: NewSiLU(be),
		Conv1: NewConv2D(be, name+".conv1", channels, channels, 3, 1, rng),
		GN2:   NewGroupNorm(be, name+".gn2", groups, channels), Act2: NewSiLU(be),
		Conv2: NewConv2D(be, name+".conv2", channels, channels, 3, 1, rng)}
}

func (r *ResBlock) Params() []*Param { return ParamsOf(r.GN1, r.Conv1, r.GN2, r.Conv2) }

// Forward maps x [N, C, H, W] to the same shape.
func (r *ResBlock) Forward(x *tensor.Tensor) *tensor.Tensor {
	h := r.Conv1.Forward(r.Act1.Forward(r.GN1.Forward(x)))
	out := r.Conv2.Forward(r.Act2.Forward(r.GN2.Forward(h)))
	r.be.Add(out, out, x)
	return out
}

func (r *ResBlock) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dh := r.GN2.Backward(r.Act2.Backward(r.Conv2.Backward(dy)))
	dx := r.GN1.Backward(r.Act1.Backward(r.Conv1.Backward(dh)))
	r.be.Axpy(dx, 1, dy)
	return dx
}

// PlainResBlock is x + Conv(SiLU(Conv(SiLU(x)))): a residual block without
// normalisation, whose every op a fragment shader runs exactly (the
// decoders that the viewer runs on the GPU are built from it). The second
// convolution starts scaled down so the block begins near the identity.
type PlainResBlock struct {
	be           tensor.Backend
	Act1, Act2   *Activation
	Conv1, Conv2 *Conv2D
}

func NewPlainResBlock(be tensor.Backend, name string, channels int, rng *rand.Rand) *PlainResBlock {
	r := &PlainResBlock{be: be, Act1: NewSiLU(be), Act2: NewSiLU(be),
		Conv1: NewConv2D(be, name+".conv1", channels, channels, 3, 1, rng),
		Conv2: NewConv2D(be, name+".conv2", channels, channels, 3, 1, rng)}
	be.Scale(r.Conv2.W.Value, 0.1)
	return r
}

func (r *PlainResBlock) Params() []*Param { return ParamsOf(r.Conv1, r.Conv2) }

// Forward maps x [N, C, H, W] to the same shape.
func (r *PlainResBlock) Forward(x *tensor.Tensor) *tensor.Tensor {
	out := r.Conv2.Forward(r.Act2.Forward(r.Conv1.Forward(r.Act1.Forward(x))))
	r.be.Add(out, out, x)
	return out
}

func (r *PlainResBlock) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := r.Act1.Backward(r.Conv1.Backward(r.Act2.Backward(r.Conv2.Backward(dy))))
	r.be.Axpy(dx, 1, dy)
	return dx
}
