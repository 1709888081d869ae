package nn

import (
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// LayerNorm normalises over the last dimension, with a gain and a bias.
type LayerNorm struct {
	arena
	W, B          *Param
	Eps           float32
	x, mean, rstd *tensor.Tensor
}

func NewLayerNorm(be tensor.Backend, name string, dim int) *LayerNorm {
	l := &LayerNorm{arena: newArena(be), W: NewParam(be, name+".weight", dim), B: NewParam(be, name+".bias", dim), Eps: 1e-5}
	InitConst(be, l.W, 1)
	return l
}

func (l *LayerNorm) Params() []*Param { return []*Param{l.W, l.B} }

func (l *LayerNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	rows := x.Numel() / x.Dim(-1)
	l.x, l.mean, l.rstd = x, l.buf("mean", rows), l.buf("rstd", rows)
	out := l.buf("out", x.Shape...)
	l.be.LayerNorm(out, l.mean, l.rstd, x, l.W.Value, l.B.Value, l.Eps)
	return out
}

func (l *LayerNorm) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := l.buf("dx", l.x.Shape...)
	l.be.LayerNormBackward(dx, l.W.Grad, l.B.Grad, dy, l.x, l.mean, l.rstd, l.W.Value)
	return dx
}

// GroupNorm normalises [N, C, H, W] over groups of channels, with a
// per-channel gain and bias.
type GroupNorm struct {
	arena
	W, B          *Param
	Groups        int
	Eps           float32
	x, mean, rstd *tensor.Tensor
}

func NewGroupNorm(be tensor.Backend, name string, groups, channels int) *GroupNorm {
	g := &GroupNorm{arena: newArena(be), W: NewParam(be, name+".weight", channels), B: NewParam(be, name+".bias", channels), Groups: groups, Eps: 1e-5}
	InitConst(be, g.W, 1)
	return g
}

func (g *GroupNorm) Params() []*Param { return []*Param{g.W, g.B} }

func (g *GroupNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	g.x, g.mean, g.rstd = x, g.buf("mean", x.Dim(0), g.Groups), g.buf("rstd", x.Dim(0), g.Groups)
	out := g.buf("out", x.Shape...)
	g.be.GroupNorm(out, g.mean, g.rstd, x, g.W.Value, g.B.Value, g.Groups, g.Eps)
	return out
}

func (g *GroupNorm) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := g.buf("dx", g.x.Shape...)
	g.be.GroupNormBackward(dx, g.W.Grad, g.B.Grad, dy, g.x, g.mean, g.rstd, g.W.Value, g.Groups)
	return dx
}

// Activation is a pointwise nonlinearity: SiLU or GELU.
type Activation struct {
	arena
	gelu bool
	x    *tensor.Tensor
}

func NewSiLU(be tensor.Backend) *Activation { return &Activation{arena: newArena(be)} }
func NewGELU(be tensor.Backend) *Activation { return &Activation{arena: newArena(be), gelu: true} }

func (a *Activation) Params() []*Param { return nil }

// IsGELU reports a GELU; otherwise the activation is a SiLU.
func (a *Activation) IsGELU() bool { return a.gelu }

func (a *Activation) Forward(x *tensor.Tensor) *tensor.Tensor {
	a.x = x
	out := a.buf("out", x.Shape...)
	if a.gelu {
		a.be.GELU(out, x)
	} else {
		a.be.SiLU(out, x)
	}
	return out
}

func (a *Activation) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := a.buf("dx", a.x.Shape...)
	if a.gelu {
		a.be.GELUBackward(dx, dy, a.x)
	} else {
		a.be.SiLUBackward(dx, dy, a.x)
	}
	return dx
}

// Upsample2x is nearest-neighbour upsampling by two along both spatial axes.
type Upsample2x struct{ arena }

func NewUpsample2x(be tensor.Backend) *Upsample2x { return &Upsample2x{newArena(be)} }

func (u *Upsample2x) Params() []*Param { return nil }

func (u *Upsample2x) Forward(x *tensor.Tensor) *tensor.Tensor {
	out := u.buf("out", x.Dim(0), x.Dim(1), 2*x.Dim(2), 2*x.Dim(3))
	u.be.Upsample2x(out, x)
	return out
}

func (u *Upsample2x) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := u.buf("dx", dy.Dim(0), dy.Dim(1), dy.Dim(2)/2, dy.Dim(3)/2)
	u.be.Upsample2xBackward(dx, dy)
	return dx
}
