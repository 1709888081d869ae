package cpu_test

import (
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Benchmarks of the main ops at the sizes of the default models. Run with
// `go test -bench . ./engine/cpu/`; `ncstudio bench cpu` gives the ratios to
// the sgemm peak for whole blocks.

func randn(be tensor.Backend, shape ...int) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, tensor.Shape(shape).Numel())
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return be.FromHost(v, shape...)
}

// flops reports GFLOP/s next to ns/op.
func flops(b *testing.B, perOp float64) {
	b.ReportMetric(perOp*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkMatMul1024(b *testing.B) {
	be := cpu.New()
	a, x, c := randn(be, 1024, 1024), randn(be, 1024, 1024), be.Zeros(1024, 1024)
	for b.Loop() {
		be.MatMul(c, a, x, false, true, 1, 0)
	}
	flops(b, 2*1024*1024*1024)
}

func BenchmarkMatMulBatchedHeads(b *testing.B) {
	be := cpu.New()
	q, k, s := randn(be, 64, 256, 32), randn(be, 64, 256, 32), be.Zeros(64, 256, 256)
	for b.Loop() {
		be.MatMul(s, q, k, false, true, 1, 0)
	}
	flops(b, 2*64*256*256*32)
}

func BenchmarkAttention(b *testing.B) {
	be := cpu.New()
	q, k, v := randn(be, 8, 8, 256, 32), randn(be, 8, 8, 256, 32), randn(be, 8, 8, 256, 32)
	out, probs := be.Zeros(8, 8, 256, 32), be.Zeros(8, 8, 256, 256)
	for b.Loop() {
		be.Attention(out, probs, q, k, v, nil, 0.17)
	}
	flops(b, 4*8*8*256*256*32)
}

func BenchmarkConv2D3x3(b *testing.B) {
	be := cpu.New()
	x, w, bias := randn(be, 8, 64, 64, 64), randn(be, 64, 64, 3, 3), randn(be, 64)
	out := be.Zeros(8, 64, 64, 64)
	for b.Loop() {
		be.Conv2D(out, x, w, bias, 1, 1)
	}
	flops(b, 2*8*64*64*9*64*64)
}

func BenchmarkConv2D3x3Backward(b *testing.B) {
	be := cpu.New()
	x, w, dy := randn(be, 8, 64, 64, 64), randn(be, 64, 64, 3, 3), randn(be, 8, 64, 64, 64)
	dx, dw, db := be.Zeros(8, 64, 64, 64), be.Zeros(64, 64, 3, 3), be.Zeros(64)
	for b.Loop() {
		be.Conv2DBackward(dx, dw, db, dy, x, w, 1, 1)
	}
	flops(b, 2*2*8*64*64*9*64*64)
}

func BenchmarkLayerNorm(b *testing.B) {
	be := cpu.New()
	x, w, bias := randn(be, 2048, 256), randn(be, 256), randn(be, 256)
	out, mean, rstd := be.Zeros(2048, 256), be.Zeros(2048), be.Zeros(2048)
	for b.Loop() {
		be.LayerNorm(out, mean, rstd, x, w, bias, 1e-5)
	}
	b.SetBytes(int64(8 * x.Numel()))
}

func BenchmarkGroupNormBackward(b *testing.B) {
	be := cpu.New()
	x, dy, w := randn(be, 8, 64, 64, 64), randn(be, 8, 64, 64, 64), randn(be, 64)
	out, mean, rstd := be.Zeros(8, 64, 64, 64), be.Zeros(8, 8), be.Zeros(8, 8)
	be.GroupNorm(out, mean, rstd, x, w, nil, 8, 1e-5)
	dx, dw, db := be.Zeros(8, 64, 64, 64), be.Zeros(64), be.Zeros(64)
	for b.Loop() {
		be.GroupNormBackward(dx, dw, db, dy, x, mean, rstd, w, 8)
	}
	b.SetBytes(int64(12 * x.Numel()))
}

func BenchmarkGELU(b *testing.B) {
	be := cpu.New()
	x, out := randn(be, 2048, 1024), be.Zeros(2048, 1024)
	for b.Loop() {
		be.GELU(out, x)
	}
	b.SetBytes(int64(8 * x.Numel()))
}

func BenchmarkSoftmax(b *testing.B) {
	be := cpu.New()
	x, out := randn(be, 64*256, 256), be.Zeros(64*256, 256)
	for b.Loop() {
		be.Softmax(out, x)
	}
	b.SetBytes(int64(8 * x.Numel()))
}

func BenchmarkAddBias(b *testing.B) {
	be := cpu.New()
	x, bias := randn(be, 2048, 1024), randn(be, 1024)
	for b.Loop() {
		be.Add(x, x, bias)
	}
	b.SetBytes(int64(8 * x.Numel()))
}

func BenchmarkAdamW(b *testing.B) {
	be := cpu.New()
	p, g, m, v := randn(be, 1<<20), randn(be, 1<<20), be.Zeros(1<<20), be.Zeros(1<<20)
	h := tensor.AdamWParams{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Step: 1}
	for b.Loop() {
		be.AdamW(p, g, m, v, h)
	}
	b.SetBytes(int64(16 * p.Numel()))
}
