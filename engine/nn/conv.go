package nn

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// ConvShape is the geometry of a square 2-D convolution.
type ConvShape struct{ K, Stride, Pad int }

// OutSize is the output length along an axis of input length n.
func (g ConvShape) OutSize(n int) int { return (n+2*g.Pad-g.K)/g.Stride + 1 }

// Conv2D is a 2-D convolution layer over [N, C, H, W].
type Conv2D struct {
	arena
	G    ConvShape
	W, B *Param
	x    *tensor.Tensor
}

// NewConv2D makes a k×k convolution from in to out channels with
// PyTorch's default initialisation; the padding keeps the size at stride 1.
func NewConv2D(be tensor.Backend, name string, in, out, k, stride int, rng *rand.Rand) *Conv2D {
	c := &Conv2D{arena: newArena(be), G: ConvShape{K: k, Stride: stride, Pad: (k - 1) / 2},
		W: NewParam(be, name+".weight", out, in, k, k), B: NewParam(be, name+".bias", out)}
	bound := fanInBound(in * k * k)
	InitUniform(be, c.W, bound, rng)
	InitUniform(be, c.B, bound, rng)
	return c
}

func (c *Conv2D) Params() []*Param { return []*Param{c.W, c.B} }

// Forward maps x [N, C, H, W] to [N, O, Ho, Wo].
func (c *Conv2D) Forward(x *tensor.Tensor) *tensor.Tensor {
	c.x = x
	out := c.buf("out", x.Dim(0), c.W.Value.Dim(0), c.G.OutSize(x.Dim(2)), c.G.OutSize(x.Dim(3)))
	c.be.Conv2D(out, x, c.W.Value, c.B.Value, c.G.Stride, c.G.Pad)
	return out
}

// Backward returns dx and accumulates the parameter gradients.
func (c *Conv2D) Backward(dy *tensor.Tensor) *tensor.Tensor {
	dx := c.buf("dx", c.x.Shape...)
	c.be.Conv2DBackward(dx, c.W.Grad, c.B.Grad, dy, c.x, c.W.Value, c.G.Stride, c.G.Pad)
	return dx
}
