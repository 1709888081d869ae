package tensor

import "math"

// Backend is the set of primitive operations the engine's layers are built
// from. A backend allocates the tensors it works on; passing a tensor from one
// backend to another is a programming error.
//
// Conventions, shared by every implementation and checked by the conformance
// suite in engine/backendtest:
//   - Outputs come first in the argument list and must be allocated by the
//     caller with the right shape; ops never allocate their results.
//   - Backward ops overwrite the gradient of an op's inputs (dx) and
//     accumulate (+=) into gradients of parameters (dw, db, dtable), because
//     parameters may be used more than once per step.
//   - Shapes are checked; a mismatch panics with the op's name.
type Backend interface {
	Name() string

	// Memory.
	Zeros(shape ...int) *Tensor
	FromHost(data []float32, shape ...int) *Tensor // copies data
	ToHost(t *Tensor) []float32                    // copies out
	Upload(dst *Tensor, data []float32)            // copies data into dst (len(data) == dst.Numel())
	Free(t *Tensor)                                // releases device memory early; no-op on the CPU
	Fill(t *Tensor, v float32)
	Copy(dst, src *Tensor)

	// MatMul computes c = alpha*op(a)@op(b) + beta*c, where op transposes the
	// last two dimensions when asked. Leading dimensions are batch dimensions:
	// a 2-D a or b is shared by every batch item, and a 2-D c with batched a
	// and b receives the sum over the batch.
	MatMul(c, a, b *Tensor, transA, transB bool, alpha, beta float32)

	// Elementwise ops with NumPy broadcasting: out has the broadcast shape.
	Add(out, a, b *Tensor)
	Mul(out, a, b *Tensor)
	// SumTo reduces src over the dimensions where dst was broadcast:
	// dst = beta*dst + sum. It is the backward of broadcasting.
	SumTo(dst, src *Tensor, beta float32)
	Scale(t *Tensor, s float32)
	Axpy(dst *Tensor, alpha float32, src *Tensor) // dst += alpha*src
	SumSquares(t *Tensor) float64

	// Activations; dx = dy * f'(x).
	SiLU(out, x *Tensor)
	SiLUBackward(dx, dy, x *Tensor)
	GELU(out, x *Tensor) // exact (erf) form
	GELUBackward(dx, dy, x *Tensor)

	// LayerNorm normalises over the last dimension of x ([rows, C] in effect).
	// w and b ([C]) may be nil. mean and rstd ([rows]) are saved for backward.
	LayerNorm(out, mean, rstd, x, w, b *Tensor, eps float32)
	LayerNormBackward(dx, dw, db, dy, x, mean, rstd, w *Tensor)
	// RMSNorm scales x by 1/sqrt(mean(x²)+eps) over the last dimension, then by w.
	RMSNorm(out, rstd, x, w *Tensor, eps float32)
	RMSNormBackward(dx, dw, dy, x, rstd, w *Tensor)
	// GroupNorm normalises x [N, C, spatial...] over groups of C/groups
	// channels and all spatial positions; w and b are [C]; mean and rstd [N, groups].
	GroupNorm(out, mean, rstd, x, w, b *Tensor, groups int, eps float32)
	GroupNormBackward(dx, dw, db, dy, x, mean, rstd, w *Tensor, groups int)

	// Softmax over the last dimension.
	Softmax(out, x *Tensor)
	SoftmaxBackward(dx, dy, y *Tensor)

	// Attention is scaled dot-product attention. q is [B, H, Tq, D], k and v
	// are [B, H, Tk, D] (Tk may differ from Tq: cross-attention). mask, if not
	// nil, is [Tq, Tk] and added to the scores (use -Inf to hide a key; every
	// query must see at least one key). probs [B, H, Tq, Tk] is saved for backward.
	Attention(out, probs, q, k, v, mask *Tensor, scale float32)
	AttentionBackward(dq, dk, dv, dout, q, k, v, probs *Tensor, scale float32)

	// Permute0213 maps [A, B, C, D] to [A, C, B, D] (splits or merges heads).
	Permute0213(out, x *Tensor)
	// Concat joins a [B, Ta, D] and b [B, Tb, D] into out [B, Ta+Tb, D]:
	// token sequences, or channels of images viewed as [N, C, H*W]. Split
	// is its inverse (and its backward): in [B, Ta+Tb, D] into a and b.
	Concat(out, a, b *Tensor)
	Split(a, b, in *Tensor)

	// Conv2D is the 2-D convolution (cross-correlation, as in PyTorch) of
	// x [N, C, H, W] with weights w [O, C, K, K], zero padding pad on every
	// side, plus the optional bias b [O]: out is [N, O, Ho, Wo].
	Conv2D(out, x, w, b *Tensor, stride, pad int)
	// Conv2DBackward writes dx (skipped when nil) and accumulates dw and db
	// (db may be nil).
	Conv2DBackward(dx, dw, db, dy, x, w *Tensor, stride, pad int)

	// Nearest-neighbour ×2 upsampling and 2×2 average pooling of [N, C, H, W].
	Upsample2x(out, x *Tensor)
	Upsample2xBackward(dx, dy *Tensor)
	AvgPool2x(out, x *Tensor)
	AvgPool2xBackward(dx, dy *Tensor)

	// Embedding gathers rows of table [V, D] for ids into out [len(ids), D].
	Embedding(out, table *Tensor, ids []int32)
	EmbeddingBackward(dtable, dout *Tensor, ids []int32)

	// Losses: the mean over all elements of weight*(pred-target)² (MSE) or
	// weight*|pred-target| (L1); weight may be nil or broadcast to pred's shape
	// (e.g. a per-pixel [N, 1, H, W] mask). grad receives dLoss/dpred.
	MSELoss(grad, pred, target, weight *Tensor) float32
	L1Loss(grad, pred, target, weight *Tensor) float32

	// AdamW updates p in place from its gradient g and moments m, v.
	AdamW(p, g, m, v *Tensor, h AdamWParams)
}

// AdamWParams are the hyper-parameters of one AdamW step, as in PyTorch's
// torch.optim.AdamW (decoupled weight decay).
type AdamWParams struct {
	LR, Beta1, Beta2, Eps, WeightDecay float32
	Step                               int     // 1 for the first update (bias correction)
	GradScale                          float32 // multiplies g first: gradient clipping; 0 means 1
}

// Coefficients are one step's constants, the bias corrections computed in
// float64 as PyTorch does: every backend applies, per element,
// g' = gradScale·g; m, v updated; p = p·decay - stepSize·m/(sqrt(v)·invSqrtBc2 + eps).
func (h AdamWParams) Coefficients() (stepSize, invSqrtBc2, decay, gradScale float32) {
	gradScale = h.GradScale
	if gradScale == 0 {
		gradScale = 1
	}
	bc1 := 1 - math.Pow(float64(h.Beta1), float64(h.Step))
	bc2 := 1 - math.Pow(float64(h.Beta2), float64(h.Step))
	return float32(float64(h.LR) / bc1), float32(1 / math.Sqrt(bc2)), 1 - h.LR*h.WeightDecay, gradScale
}
