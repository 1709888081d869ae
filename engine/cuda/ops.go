package cuda

import (
	"fmt"
	"unsafe"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (be *Backend) Fill(t *tensor.Tensor, v float32) {
	be.launch("fill_f32", t.Numel(), t, v, t.Numel())
}

func (be *Backend) Copy(dst, src *tensor.Tensor) {
	if dst.Numel() != src.Numel() {
		panic(fmt.Sprintf("Copy: %v into %v", src.Shape, dst.Shape))
	}
	be.launch("copy_f32", dst.Numel(), dst, src, dst.Numel())
}

func (be *Backend) Scale(t *tensor.Tensor, s float32) {
	be.launch("scale_f32", t.Numel(), t, s, t.Numel())
}

func (be *Backend) Axpy(dst *tensor.Tensor, alpha float32, src *tensor.Tensor) {
	if dst.Numel() != src.Numel() {
		panic(fmt.Sprintf("Axpy: %v into %v", src.Shape, dst.Shape))
	}
	be.launch("axpy_f32", dst.Numel(), dst, alpha, src, dst.Numel())
}

func (be *Backend) SumSquares(t *tensor.Tensor) float64 {
	return be.reduce("sum_squares_f32", t.Numel(), t, t.Numel())
}

func (be *Backend) SiLU(out, x *tensor.Tensor) { be.unary("SiLU", "silu_f32", out, x) }
func (be *Backend) GELU(out, x *tensor.Tensor) { be.unary("GELU", "gelu_f32", out, x) }

func (be *Backend) SiLUBackward(dx, dy, x *tensor.Tensor) {
	be.unaryBackward("SiLUBackward", "silu_backward_f32", dx, dy, x)
}

func (be *Backend) GELUBackward(dx, dy, x *tensor.Tensor) {
	be.unaryBackward("GELUBackward", "gelu_backward_f32", dx, dy, x)
}

func (be *Backend) unary(op, kernel string, out, x *tensor.Tensor) {
	tensor.MustSameShape(op, out, x)
	be.launch(kernel, x.Numel(), out, x, x.Numel())
}

func (be *Backend) unaryBackward(op, kernel string, dx, dy, x *tensor.Tensor) {
	tensor.MustSameShape(op, dx, dy, x)
	be.launch(kernel, x.Numel(), dx, dy, x, x.Numel())
}

// dims4 pads a merged broadcast (tensor.Broadcast) to the kernels' four
// dimensions, outermost first.
func dims4(op string, p tensor.Broadcast) (d, sa, sb [4]int) {
	if len(p.Dims) > 4 {
		panic(fmt.Sprintf("%s: %d broadcast dimensions after merging; the CUDA kernels take 4", op, len(p.Dims)))
	}
	d = [4]int{1, 1, 1, 1}
	off := 4 - len(p.Dims)
	for i := range p.Dims {
		d[off+i], sa[off+i], sb[off+i] = p.Dims[i], p.SA[i], p.SB[i]
	}
	return d, sa, sb
}

func (be *Backend) Add(out, a, b *tensor.Tensor) { be.binary("Add", out, a, b, false) }
func (be *Backend) Mul(out, a, b *tensor.Tensor) { be.binary("Mul", out, a, b, true) }

func (be *Backend) binary(op string, out, a, b *tensor.Tensor, mul bool) {
	tensor.MustBroadcastOut(op, out, a, b)
	d, sa, sb := dims4(op, tensor.NewBroadcast(op, out.Shape, a.Shape, b.Shape))
	n := out.Numel()
	be.launch("binary_f32", n, out, a, b, n, mul, d[1], d[2], d[3],
		sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3])
}

func (be *Backend) SumTo(dst, src *tensor.Tensor, beta float32) {
	const op = "SumTo"
	if dst.Shape.Equal(src.Shape) {
		if beta == 0 {
			be.Copy(dst, src)
		} else {
			be.Scale(dst, beta)
			be.Axpy(dst, 1, src)
		}
		return
	}
	p := tensor.NewBroadcast(op, src.Shape, dst.Shape, nil)
	if len(p.Dims) == 2 && p.SA[0] == 0 && p.SA[1] == 1 { // [rows, cols] summed over rows: a bias gradient
		be.colsum(be.ptr(dst), be.ptr(src), p.Dims[0], p.Dims[1], beta)
		return
	}
	d, sd, _ := dims4(op, p)
	be.launch("sum_to_f32", dst.Numel(), dst, src, beta, dst.Numel(), d[0], d[1], d[2], d[3], sd[0], sd[1], sd[2], sd[3])
}

// chunkRows is how many rows one thread of a column sum adds before a
// second pass adds the chunks: long single loops leave a GPU idle.
const chunkRows = 64

// colsum writes dst [cols] = beta·dst + the sum of src [rows, cols] over
// rows, in two passes when there are many rows.
func (be *Backend) colsum(dst, src uintptr, rows, cols int, beta float32) {
	if rows <= chunkRows {
		be.launch("colsum_f32", cols, dst, src, rows, cols, rows, beta)
		return
	}
	chunks := (rows + chunkRows - 1) / chunkRows
	part := be.empty(chunks, cols)
	defer be.Free(part)
	be.launch("colsum_f32", chunks*cols, part, src, rows, cols, chunkRows, float32(0))
	be.launch("colsum_f32", cols, dst, part, chunks, cols, chunks, beta)
}

func (be *Backend) MSELoss(grad, pred, target, weight *tensor.Tensor) float32 {
	return be.loss("MSELoss", false, grad, pred, target, weight)
}

func (be *Backend) L1Loss(grad, pred, target, weight *tensor.Tensor) float32 {
	return be.loss("L1Loss", true, grad, pred, target, weight)
}

func (be *Backend) loss(op string, l1 bool, grad, pred, target, weight *tensor.Tensor) float32 {
	tensor.MustSameShape(op, grad, pred, target)
	n := pred.Numel()
	if n == 0 {
		return 0
	}
	var ws tensor.Shape
	if weight != nil {
		ws = weight.Shape
	}
	d, sw, _ := dims4(op, tensor.NewBroadcast(op, pred.Shape, ws, nil))
	sum := be.reduce("loss_f32", n, grad, pred, target, weight, n, l1, d[1], d[2], d[3], sw[0], sw[1], sw[2], sw[3])
	return float32(sum / float64(n))
}

func (be *Backend) AdamW(p, g, m, v *tensor.Tensor, h tensor.AdamWParams) {
	tensor.MustSameShape("AdamW", p, g, m, v)
	stepSize, invSqrtBc2, decay, gs := h.Coefficients()
	be.launch("adamw_f32", p.Numel(), p, g, m, v, p.Numel(), h.Beta1, h.Beta2, h.Eps, decay, stepSize, invSqrtBc2, gs)
}

func (be *Backend) LayerNorm(out, mean, rstd, x, w, b *tensor.Tensor, eps float32) {
	const op = "LayerNorm"
	tensor.MustSameShape(op, out, x)
	rows, c := tensor.RowsCols(x)
	tensor.MustShape(op, "mean", mean, rows)
	tensor.MustShape(op, "rstd", rstd, rows)
	be.launchRows("rownorm_f32", rows, out, mean, rstd, x, w, b, rows, c, eps)
}

func (be *Backend) LayerNormBackward(dx, dw, db, dy, x, mean, rstd, w *tensor.Tensor) {
	be.rownormBackward("LayerNormBackward", dx, dw, db, dy, x, mean, rstd, w)
}

func (be *Backend) RMSNorm(out, rstd, x, w *tensor.Tensor, eps float32) {
	const op = "RMSNorm"
	tensor.MustSameShape(op, out, x)
	rows, c := tensor.RowsCols(x)
	tensor.MustShape(op, "rstd", rstd, rows)
	be.launchRows("rownorm_f32", rows, out, (*tensor.Tensor)(nil), rstd, x, w, (*tensor.Tensor)(nil), rows, c, eps)
}

func (be *Backend) RMSNormBackward(dx, dw, dy, x, rstd, w *tensor.Tensor) {
	be.rownormBackward("RMSNormBackward", dx, dw, nil, dy, x, nil, rstd, w)
}

// rownormBackward is LayerNorm's backward, or RMSNorm's when mean is nil.
func (be *Backend) rownormBackward(op string, dx, dw, db, dy, x, mean, rstd, w *tensor.Tensor) {
	tensor.MustSameShape(op, dx, dy, x)
	rows, c := tensor.RowsCols(x)
	be.launchRows("rownorm_backward_f32", rows, dx, dy, x, mean, rstd, w, rows, c)
	if dw == nil && db == nil {
		return
	}
	// Per chunk of rows, then the chunks added into the gradients.
	chunks := (rows + chunkRows - 1) / chunkRows
	pw, pb := be.empty(chunks, c), be.empty(chunks, c)
	defer be.Free(pw)
	defer be.Free(pb)
	be.launch("rownorm_params_partial_f32", chunks*c, pw, pb, dy, x, mean, rstd, rows, c, chunkRows)
	for _, g := range []struct{ grad, part *tensor.Tensor }{{dw, pw}, {db, pb}} {
		if g.grad != nil {
			be.colsum(be.ptr(g.grad), be.ptr(g.part), chunks, c, 1)
		}
	}
}

func (be *Backend) GroupNorm(out, mean, rstd, x, w, b *tensor.Tensor, groups int, eps float32) {
	const op = "GroupNorm"
	tensor.MustSameShape(op, out, x)
	n, c, hw, _ := tensor.GroupDims(op, x, groups)
	tensor.MustShape(op, "mean", mean, n, groups)
	tensor.MustShape(op, "rstd", rstd, n, groups)
	be.launchRows("groupnorm_f32", n*groups, out, mean, rstd, x, w, b, n, c, hw, groups, eps)
}

func (be *Backend) GroupNormBackward(dx, dw, db, dy, x, mean, rstd, w *tensor.Tensor, groups int) {
	const op = "GroupNormBackward"
	tensor.MustSameShape(op, dx, dy, x)
	n, c, hw, _ := tensor.GroupDims(op, x, groups)
	be.launchRows("groupnorm_backward_f32", n*groups, dx, dy, x, mean, rstd, w, n, c, hw, groups)
	if dw != nil || db != nil {
		be.launchRows("groupnorm_params_backward_f32", c, dw, db, dy, x, mean, rstd, n, c, hw, groups)
	}
}

func (be *Backend) Softmax(out, x *tensor.Tensor) {
	tensor.MustSameShape("Softmax", out, x)
	rows, c := tensor.RowsCols(x)
	be.launchRows("softmax_f32", rows, out, x, (*tensor.Tensor)(nil), rows, c, 1, float32(1))
}

func (be *Backend) SoftmaxBackward(dx, dy, y *tensor.Tensor) {
	tensor.MustSameShape("SoftmaxBackward", dx, dy, y)
	rows, c := tensor.RowsCols(y)
	be.launchRows("softmax_backward_f32", rows, dx, dy, y, rows, c, float32(1))
}

func (be *Backend) Attention(out, probs, q, k, v, mask *tensor.Tensor, scale float32) {
	const op = "Attention"
	heads, tq, tk, d := tensor.AttentionDims(op, q, k, v, probs, mask)
	tensor.MustSameShape(op, out, q)
	p := probs.Reshape(heads, tq, tk)
	be.matmul(p, q.Reshape(heads, tq, d), k.Reshape(heads, tk, d), false, true, 1, 0, precise)
	// Scale, mask and softmax in one pass over the scores.
	be.launchRows("softmax_f32", heads*tq, p, p, mask, heads*tq, tk, tq, scale)
	be.MatMul(out.Reshape(heads, tq, d), p, v.Reshape(heads, tk, d), false, false, 1, 0)
}

func (be *Backend) AttentionBackward(dq, dk, dv, dout, q, k, v, probs *tensor.Tensor, scale float32) {
	const op = "AttentionBackward"
	heads, tq, tk, d := tensor.AttentionDims(op, q, k, v, probs, nil)
	tensor.MustSameShape(op, dq, dout, q)
	tensor.MustSameShape(op, dk, dv, k)
	p, do := probs.Reshape(heads, tq, tk), dout.Reshape(heads, tq, d)
	q3, k3 := q.Reshape(heads, tq, d), k.Reshape(heads, tk, d)
	// dV = Pᵀ dO; dP = dO Vᵀ; dS = scale·P∘(dP - rowsum(dP∘P)); dQ = dS K; dK = dSᵀ Q.
	be.MatMul(dv.Reshape(heads, tk, d), p, do, true, false, 1, 0)
	ds := be.empty(heads, tq, tk)
	defer be.Free(ds)
	be.matmul(ds, do, v.Reshape(heads, tk, d), false, true, 1, 0, precise)
	be.launchRows("softmax_backward_f32", heads*tq, ds, ds, p, heads*tq, tk, scale)
	be.MatMul(dq.Reshape(heads, tq, d), ds, k3, false, false, 1, 0)
	be.MatMul(dk.Reshape(heads, tk, d), ds, q3, true, false, 1, 0)
}

func (be *Backend) Permute0213(out, x *tensor.Tensor) {
	a, b, c, d := tensor.Permute0213Dims("Permute0213", out, x)
	be.launch("permute0213_f32", x.Numel(), out, x, a, b, c, d)
}

func (be *Backend) Concat(out, a, b *tensor.Tensor) {
	batch, ta, tb, d := tensor.ConcatDims("Concat", out, a, b)
	be.launch("concat_f32", out.Numel(), out, a, b, batch, ta, tb, d, true)
}

func (be *Backend) Split(a, b, in *tensor.Tensor) {
	batch, ta, tb, d := tensor.ConcatDims("Split", in, a, b)
	be.launch("concat_f32", in.Numel(), in, a, b, batch, ta, tb, d, false)
}

func (be *Backend) Upsample2x(out, x *tensor.Tensor) {
	planes, h, w := tensor.Planes2x("Upsample2x", x, out)
	be.launch("spread2x_f32", out.Numel(), out, x, planes, h, w, float32(1))
}

func (be *Backend) Upsample2xBackward(dx, dy *tensor.Tensor) {
	planes, h, w := tensor.Planes2x("Upsample2xBackward", dx, dy)
	be.launch("sum2x2_f32", dx.Numel(), dx, dy, planes, h, w, float32(1))
}

func (be *Backend) AvgPool2x(out, x *tensor.Tensor) {
	planes, h, w := tensor.Planes2x("AvgPool2x", out, x)
	be.launch("sum2x2_f32", out.Numel(), out, x, planes, h, w, float32(0.25))
}

func (be *Backend) AvgPool2xBackward(dx, dy *tensor.Tensor) {
	planes, h, w := tensor.Planes2x("AvgPool2xBackward", dy, dx)
	be.launch("spread2x_f32", dx.Numel(), dx, dy, planes, h, w, float32(0.25))
}

// Convolutions are GEMMs over the unfolded input (im2col), all images in one
// batched product; 1×1 stride-1 convolutions need no unfolding.

func (be *Backend) Conv2D(out, x, w, b *tensor.Tensor, stride, pad int) {
	g, n, c, o := tensor.ConvShapes("Conv2D", out, x, w, stride, pad)
	cols, ckk, done := be.unfold(x, g, n, c)
	be.MatMul(out.Reshape(n, o, g.Ho*g.Wo), w.Reshape(o, ckk), cols, false, false, 1, 0)
	done()
	if b != nil {
		be.Add(out, out, b.Reshape(1, o, 1, 1))
	}
}

func (be *Backend) Conv2DBackward(dx, dw, db, dy, x, w *tensor.Tensor, stride, pad int) {
	g, n, c, o := tensor.ConvShapes("Conv2DBackward", dy, x, w, stride, pad)
	plane := g.Ho * g.Wo
	dy3 := dy.Reshape(n, o, plane)
	cols, ckk, done := be.unfold(x, g, n, c)
	be.MatMul(dw.Reshape(o, ckk), dy3, cols, false, true, 1, 1) // sums over the images
	done()
	if db != nil {
		be.SumTo(db.Reshape(o, 1), dy3, 1)
	}
	if dx == nil {
		return
	}
	if g.Direct() {
		be.MatMul(dx.Reshape(n, c, plane), w.Reshape(o, c), dy3, true, false, 1, 0)
		return
	}
	dcols := be.empty(n, ckk, plane)
	defer be.Free(dcols)
	be.MatMul(dcols, w.Reshape(o, ckk), dy3, true, false, 1, 0)
	be.launch("col2im_f32", dx.Numel(), dx, dcols, n, c, g.H, g.W, g.K, g.Stride, g.Pad, g.Ho, g.Wo)
}

// unfold returns x as [n, c·k·k, ho·wo] columns (a view of x itself for a
// direct convolution) and a function that frees them when done.
func (be *Backend) unfold(x *tensor.Tensor, g tensor.ConvGeom, n, c int) (cols *tensor.Tensor, ckk int, done func()) {
	ckk = c * g.K * g.K
	if g.Direct() {
		return x.Reshape(n, c, g.H*g.W), ckk, func() {}
	}
	cols = be.empty(n, ckk, g.Ho*g.Wo)
	be.launch("im2col_f32", cols.Numel(), cols, x, n, c, g.H, g.W, g.K, g.Stride, g.Pad, g.Ho, g.Wo)
	return cols, ckk, func() { be.Free(cols) }
}

func (be *Backend) Embedding(out, table *tensor.Tensor, ids []int32) {
	_, d := tensor.EmbeddingDims("Embedding", table, out, ids)
	be.withIDs(ids, func(p uintptr) { be.launch("embedding_f32", len(ids)*d, out, table, p, len(ids), d) })
}

func (be *Backend) EmbeddingBackward(dtable, dout *tensor.Tensor, ids []int32) {
	_, d := tensor.EmbeddingDims("EmbeddingBackward", dtable, dout, ids)
	be.withIDs(ids, func(p uintptr) { be.launch("embedding_backward_f32", len(ids)*d, dtable, dout, p, len(ids), d) })
}

// withIDs copies ids to the device for the duration of f.
func (be *Backend) withIDs(ids []int32, f func(p uintptr)) {
	if len(ids) == 0 {
		return
	}
	bytes := 4 * len(ids)
	p := be.alloc(bytes)
	defer be.release(p, bytes)
	check(be.dev.Upload(p, unsafe.Pointer(&ids[0]), bytes))
	f(p)
}
