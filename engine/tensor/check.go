package tensor

import "fmt"

// The shape checks below are shared by every backend, so that a wiring
// mistake panics with the same message whichever backend runs it.

// MustShape panics unless t has exactly the given shape.
func MustShape(op, name string, t *Tensor, shape ...int) {
	if !t.Shape.Equal(shape) {
		panic(fmt.Sprintf("%s: %s has shape %v, want %v", op, name, t.Shape, Shape(shape)))
	}
}

// RowsCols views t as [rows, last dimension].
func RowsCols(t *Tensor) (rows, cols int) {
	cols = t.Dim(-1)
	if cols == 0 {
		return 0, 0
	}
	return t.Numel() / cols, cols
}

// MatrixDims splits t into (batch, rows, cols) of its last two dimensions.
func MatrixDims(op, name string, t *Tensor) (batch, rows, cols int) {
	if len(t.Shape) < 2 {
		panic(fmt.Sprintf("%s: %s has shape %v, need at least 2 dimensions", op, name, t.Shape))
	}
	rows, cols = t.Dim(-2), t.Dim(-1)
	if rows*cols == 0 {
		return 0, rows, cols
	}
	return t.Numel() / (rows * cols), rows, cols
}

// GEMM is the geometry of one Backend.MatMul call: c [BatchC, M, N] from
// a [BatchA, RowsA, ColsA] and b [BatchB, RowsB, ColsB], K the inner size.
// A batch of 1 is shared by every item; BatchC == 1 < Batch sums over it.
type GEMM struct {
	Batch, BatchA, BatchB, BatchC int
	M, N, K                       int
	RowsA, ColsA, RowsB, ColsB    int
}

// MatMulShapes checks the shapes of c = op(a)@op(b) and returns the geometry.
func MatMulShapes(c, a, b *Tensor, transA, transB bool) GEMM {
	const op = "MatMul"
	var g GEMM
	g.BatchA, g.RowsA, g.ColsA = MatrixDims(op, "a", a)
	g.BatchB, g.RowsB, g.ColsB = MatrixDims(op, "b", b)
	g.BatchC, g.M, g.N = MatrixDims(op, "c", c)
	k, ka := g.ColsA, g.RowsA
	if transA {
		k, ka = g.RowsA, g.ColsA
	}
	if ka != g.M {
		panic(fmt.Sprintf("%s: a %v (transA=%v) does not give %d rows of c %v", op, a.Shape, transA, g.M, c.Shape))
	}
	kb, nb := g.RowsB, g.ColsB
	if transB {
		kb, nb = g.ColsB, g.RowsB
	}
	if kb != k || nb != g.N {
		panic(fmt.Sprintf("%s: a %v, b %v (transB=%v) and c %v do not fit", op, a.Shape, b.Shape, transB, c.Shape))
	}
	g.K = k
	g.Batch = max(g.BatchA, g.BatchB)
	if (g.BatchA != 1 && g.BatchA != g.Batch) || (g.BatchB != 1 && g.BatchB != g.Batch) || (g.BatchC != g.Batch && g.BatchC != 1) {
		panic(fmt.Sprintf("%s: batch sizes of a %v, b %v, c %v do not fit", op, a.Shape, b.Shape, c.Shape))
	}
	return g
}

// Image4 checks that t is [N, C, H, W] and returns its dimensions.
func Image4(op, name string, t *Tensor) (n, c, h, w int) {
	if len(t.Shape) != 4 {
		panic(fmt.Sprintf("%s: %s has shape %v, want [N, C, H, W]", op, name, t.Shape))
	}
	return t.Dim(0), t.Dim(1), t.Dim(2), t.Dim(3)
}

// Planes2x checks that big is small with both spatial sizes doubled and
// returns the number of planes and small's plane size.
func Planes2x(op string, small, big *Tensor) (planes, h, w int) {
	n, c, h, w := Image4(op, "small", small)
	MustShape(op, "big", big, n, c, 2*h, 2*w)
	return n * c, h, w
}

// ConvGeom is the geometry of one 2-D convolution over [H, W] planes.
type ConvGeom struct{ H, W, K, Stride, Pad, Ho, Wo int }

// Direct reports a 1×1 stride-1 convolution without padding: a plain GEMM.
func (g ConvGeom) Direct() bool { return g.K == 1 && g.Stride == 1 && g.Pad == 0 }

// ConvShapes checks a convolution's shapes and returns its geometry, batch,
// input and output channels.
func ConvShapes(op string, out, x, w *Tensor, stride, pad int) (g ConvGeom, n, c, o int) {
	n, c, h, wd := Image4(op, "x", x)
	o, cw, k, k2 := Image4(op, "w", w)
	if cw != c || k != k2 || stride < 1 || pad < 0 {
		panic(fmt.Sprintf("%s: weights %v, stride %d, pad %d do not fit x %v", op, w.Shape, stride, pad, x.Shape))
	}
	g = ConvGeom{H: h, W: wd, K: k, Stride: stride, Pad: pad, Ho: (h+2*pad-k)/stride + 1, Wo: (wd+2*pad-k)/stride + 1}
	MustShape(op, "out", out, n, o, g.Ho, g.Wo)
	return g, n, c, o
}

// AttentionDims checks the shapes of an attention call and returns heads
// (B*H), query and key lengths and the head size.
func AttentionDims(op string, q, k, v, probs, mask *Tensor) (heads, tq, tk, d int) {
	if len(q.Shape) != 4 || len(k.Shape) != 4 {
		panic(fmt.Sprintf("%s: q %v and k %v must be [B, H, T, D]", op, q.Shape, k.Shape))
	}
	b, h := q.Dim(0), q.Dim(1)
	tq, d = q.Dim(2), q.Dim(3)
	tk = k.Dim(2)
	MustShape(op, "k", k, b, h, tk, d)
	MustShape(op, "v", v, b, h, tk, d)
	MustShape(op, "probs", probs, b, h, tq, tk)
	if mask != nil {
		MustShape(op, "mask", mask, tq, tk)
	}
	return b * h, tq, tk, d
}

// ConcatDims checks [B, Ta, D] + [B, Tb, D] = [B, Ta+Tb, D].
func ConcatDims(op string, whole, a, b *Tensor) (batch, ta, tb, d int) {
	for _, t := range []*Tensor{whole, a, b} {
		if len(t.Shape) != 3 {
			panic(fmt.Sprintf("%s: shapes %v = %v + %v must have 3 dimensions", op, whole.Shape, a.Shape, b.Shape))
		}
	}
	batch, ta, tb, d = a.Dim(0), a.Dim(1), b.Dim(1), a.Dim(2)
	if b.Dim(0) != batch || b.Dim(2) != d || whole.Dim(0) != batch || whole.Dim(1) != ta+tb || whole.Dim(2) != d {
		panic(fmt.Sprintf("%s: shapes %v = %v + %v do not match along the middle dimension", op, whole.Shape, a.Shape, b.Shape))
	}
	return batch, ta, tb, d
}

// Permute0213Dims checks that out is x [A, B, C, D] permuted to [A, C, B, D].
func Permute0213Dims(op string, out, x *Tensor) (a, b, c, d int) {
	if len(x.Shape) != 4 {
		panic(fmt.Sprintf("%s: x %v must have 4 dimensions", op, x.Shape))
	}
	a, b, c, d = x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	MustShape(op, "out", out, a, c, b, d)
	return a, b, c, d
}

// GroupDims checks GroupNorm's shapes and returns batch n, channels c,
// spatial size hw and channels per group.
func GroupDims(op string, x *Tensor, groups int) (n, c, hw, cpg int) {
	if len(x.Shape) < 2 || groups <= 0 || x.Dim(1)%groups != 0 {
		panic(fmt.Sprintf("%s: x %v cannot be split into %d groups of channels", op, x.Shape, groups))
	}
	n, c = x.Dim(0), x.Dim(1)
	hw = 1
	for _, d := range x.Shape[2:] {
		hw *= d
	}
	return n, c, hw, c / groups
}

// EmbeddingDims checks shapes and ids, returning the vocabulary and row sizes.
func EmbeddingDims(op string, table, rows *Tensor, ids []int32) (v, d int) {
	if len(table.Shape) != 2 {
		panic(fmt.Sprintf("%s: table %v must be [V, D]", op, table.Shape))
	}
	v, d = table.Dim(0), table.Dim(1)
	MustShape(op, "rows", rows, len(ids), d)
	for i, id := range ids {
		if id < 0 || int(id) >= v {
			panic(fmt.Sprintf("%s: id %d at %d is outside the table of %d rows", op, id, i, v))
		}
	}
	return v, d
}

// MustBroadcastOut checks that out has the broadcast shape of a and b.
func MustBroadcastOut(op string, out, a, b *Tensor) {
	want, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", op, err))
	}
	if !want.Equal(out.Shape) {
		panic(fmt.Sprintf("%s: out has shape %v, want %v", op, out.Shape, want))
	}
}

// Broadcast describes how up to two inputs map onto the elements of an
// output shape they broadcast to. Dimensions that need no separate index
// are merged, so a backend's inner loop runs as long as possible.
type Broadcast struct {
	Dims   []int
	SA, SB []int // element strides of each input per output dimension (0 = broadcast)
}

// NewBroadcast merges out's dimensions for inputs of shapes a and b (nil: an
// absent input, all strides 0). It panics when a shape does not broadcast.
func NewBroadcast(op string, out, a, b Shape) Broadcast {
	sa, sb := inputStrides(op, out, a), inputStrides(op, out, b)
	var p Broadcast
	for i := range out {
		if out[i] == 1 {
			continue
		}
		last := len(p.Dims) - 1
		// Merge with the previous dimension when both inputs step contiguously across the seam.
		if last >= 0 && p.SA[last] == sa[i]*out[i] && p.SB[last] == sb[i]*out[i] {
			p.Dims[last] *= out[i]
			p.SA[last], p.SB[last] = sa[i], sb[i]
			continue
		}
		p.Dims = append(p.Dims, out[i])
		p.SA = append(p.SA, sa[i])
		p.SB = append(p.SB, sb[i])
	}
	if len(p.Dims) == 0 {
		p.Dims, p.SA, p.SB = []int{1}, []int{0}, []int{0}
	}
	return p
}

// inputStrides gives in's element strides over out's dimensions, 0 where in
// is broadcast; nil in (an absent input) gives all zeros.
func inputStrides(op string, out, in Shape) []int {
	s := make([]int, len(out))
	if in == nil {
		return s
	}
	if len(in) > len(out) {
		panic(fmt.Sprintf("%s: shape %v does not broadcast to %v", op, in, out))
	}
	stride := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - (len(out) - len(in))
		if j < 0 {
			break
		}
		switch in[j] {
		case out[i]:
			s[i] = stride
		case 1:
			s[i] = 0
		default:
			panic(fmt.Sprintf("%s: shape %v does not broadcast to %v", op, in, out))
		}
		stride *= in[j]
	}
	return s
}
