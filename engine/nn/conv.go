package nn

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// ConvShape is the geometry of a square 2-D convolution.
type ConvShape struct{ K, Stride, Pad int }

// OutSize is the output length along an axis of input length n.
func (g ConvShape) OutSize(n int) int { return (n+2*g.Pad-g.K)/g.Stride + 1 }

// direct reports whether the convolution is a plain per-pixel matrix product
// (1×1, stride 1), which needs no unfolding.
func (g ConvShape) direct() bool { return g.K == 1 && g.Stride == 1 && g.Pad == 0 }

// ColsShape is the shape of the unfolded input Conv2DForward needs as
// workspace for x [N, C, H, W], or nil when the convolution needs none.
func (g ConvShape) ColsShape(x tensor.Shape) tensor.Shape {
	if g.direct() {
		return nil
	}
	return tensor.Shape{x[0], x[1] * g.K * g.K, g.OutSize(x[2]) * g.OutSize(x[3])}
}

// Conv2DForward computes out [N, O, Ho, Wo] from x [N, C, H, W], weights
// w [O, C, K, K] and optional bias b [O], as im2col followed by one GEMM per
// image. cols is the workspace of shape g.ColsShape (nil for 1×1 stride 1);
// it holds the unfolded input afterwards, which Conv2DBackward reuses.
func Conv2DForward(be tensor.Backend, out, cols, x, w, b *tensor.Tensor, g ConvShape) {
	n, o := x.Dim(0), w.Dim(0)
	if g.direct() {
		cols = x.Reshape(n, x.Dim(1), -1)
	} else {
		be.Im2Col(cols, x, g.K, g.Stride, g.Pad)
	}
	be.MatMul(out.Reshape(n, o, -1), w.Reshape(o, -1), cols, false, false, 1, 0)
	if b != nil {
		be.Add(out, out, b.Reshape(1, o, 1, 1))
	}
}

// Conv2DBackward writes dx (if not nil) and accumulates dw and db (if not
// nil). cols is the workspace filled by Conv2DForward; dcols is a second
// workspace of the same shape (both nil for 1×1 stride 1).
func Conv2DBackward(be tensor.Backend, dx, dw, db, dy, x, cols, dcols, w *tensor.Tensor, g ConvShape) {
	n, o := x.Dim(0), w.Dim(0)
	dy3 := dy.Reshape(n, o, -1)
	if g.direct() {
		cols = x.Reshape(n, x.Dim(1), -1)
	}
	be.MatMul(dw.Reshape(o, -1), dy3, cols, false, true, 1, 1)
	if db != nil {
		be.SumTo(db.Reshape(1, o, 1, 1), dy, 1)
	}
	if dx == nil {
		return
	}
	if g.direct() {
		be.MatMul(dx.Reshape(n, x.Dim(1), -1), w.Reshape(o, -1), dy3, true, false, 1, 0)
		return
	}
	be.MatMul(dcols, w.Reshape(o, -1), dy3, true, false, 1, 0)
	be.Col2Im(dx, dcols, g.K, g.Stride, g.Pad)
}

// Conv2D is a 2-D convolution layer over [N, C, H, W].
type Conv2D struct {
	arena
	G       ConvShape
	W, B    *Param
	x, cols *tensor.Tensor
}

// NewConv2D makes a k×k convolution from in to out channels with
// PyTorch's default initialisation; pad keeps the size at stride 1.
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
	c.cols = nil
	if cs := c.G.ColsShape(x.Shape); cs != nil {
		c.cols = c.buf("cols", cs...)
	}
	out := c.buf("out", x.Dim(0), c.W.Value.Dim(0), c.G.OutSize(x.Dim(2)), c.G.OutSize(x.Dim(3)))
	Conv2DForward(c.be, out, c.cols, x, c.W.Value, c.B.Value, c.G)
	return out
}

// Backward returns dx and accumulates the parameter gradients.
func (c *Conv2D) Backward(dy *tensor.Tensor) *tensor.Tensor {
	var dcols *tensor.Tensor
	if c.cols != nil {
		dcols = c.buf("dcols", c.cols.Shape...)
	}
	dx := c.buf("dx", c.x.Shape...)
	Conv2DBackward(c.be, dx, c.W.Grad, c.B.Grad, dy, c.x, c.cols, dcols, c.W.Value, c.G)
	return dx
}
