// Package bench measures the hot paths of NC Studio, each against a
// reference taken in the same process. The CPU engine is measured against
// the machine's own GEMM peak: OpenBLAS sgemm on large square matrices, then
// forward+backward of a transformer block and of a convolutional residual
// block. The sandbox desktop is measured against real time (15 fps).
package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Result is one measured workload.
type Result struct {
	Name        string  `json:"name"`
	Shape       string  `json:"shape"`
	GFLOP       float64 `json:"gflop_per_iter"` // counted matrix-product FLOPs per iteration
	Millis      float64 `json:"ms_per_iter"`    // median run
	BestMillis  float64 `json:"best_ms_per_iter"`
	GFLOPS      float64 `json:"gflops"` // at the median
	FracOfSgemm float64 `json:"frac_of_sgemm_peak"`
	Iterations  int     `json:"iterations"`
}

// Report is the whole benchmark run.
type Report struct {
	Threads   int          `json:"threads"`
	BLASCore  cpu.BLASCore `json:"blas_core"`
	SgemmPeak float64      `json:"sgemm_peak_gflops"`
	Results   []Result     `json:"results"`
}

// Options choose how long each workload runs.
type Options struct {
	MinTime   time.Duration // per workload, after a warm-up iteration
	SgemmSize int           // side of the square matrices for the peak
	Progress  func(name string)
}

// timing is the distribution of one workload's iteration times.
type timing struct {
	median, best time.Duration
	iterations   int
}

// measure runs f once to warm up, then repeatedly until at least minTime has
// passed (and at least 3 times), timing each run.
func measure(minTime time.Duration, f func()) timing {
	f()
	var times []time.Duration
	start := time.Now()
	for len(times) < 3 || time.Since(start) < minTime {
		t0 := time.Now()
		f()
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	return timing{median: times[len(times)/2], best: times[0], iterations: len(times)}
}

// SgemmPeak measures OpenBLAS sgemm C = A@B on size×size matrices with
// OpenBLAS's own threads on every core: the reference all ratios use.
func SgemmPeak(size int, minTime time.Duration, threads int) timing {
	rng := rand.New(rand.NewPCG(1, 2))
	be := cpu.New()
	a, b, c := randn(be, rng, size, size), randn(be, rng, size, size), be.Zeros(size, size)
	cpu.SetBLASThreads(threads)
	defer cpu.SetBLASThreads(1)
	return measure(minTime, func() { cpu.RawSgemm(c, a, b) })
}

func randn(be tensor.Backend, rng *rand.Rand, shape ...int) *tensor.Tensor {
	v := make([]float32, tensor.Shape(shape).Numel())
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return be.FromHost(v, shape...)
}

// TransformerFLOP counts the matrix-product FLOPs of one forward+backward of a
// pre-norm transformer block (backward = 2× forward).
func TransformerFLOP(b, t, d, heads, mlp int) float64 {
	tokens := float64(b * t)
	linear := 2 * tokens * float64(d) * float64(d) * float64(4+2*mlp) // q,k,v,out + up,down
	attn := 2 * 2 * float64(b) * float64(t) * float64(t) * float64(d) // scores and weighted sum
	return 3 * (linear + attn)
}

// ConvFLOP counts the FLOPs of one forward+backward of a residual block of two
// 3×3 convolutions on [n, c, h, w], as direct convolution does them (the CPU
// backend's Winograd convolution does 2.25 times fewer multiplications, so
// its ratio to the sgemm peak can pass 1).
func ConvFLOP(n, c, h, w int) float64 {
	one := 2 * float64(n) * float64(c) * float64(c) * 9 * float64(h) * float64(w)
	return 3 * 2 * one
}

// Run measures everything and returns the report.
func Run(o Options) Report {
	if o.MinTime == 0 {
		o.MinTime = 2 * time.Second
	}
	if o.SgemmSize == 0 {
		o.SgemmSize = 2048
	}
	progress := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	threads := runtime.GOMAXPROCS(0)
	progress("sgemm peak")
	n := float64(o.SgemmSize)
	sgemmFLOP := 2 * n * n * n
	st := SgemmPeak(o.SgemmSize, o.MinTime, threads)
	// The peak is the best run; workloads are judged by their median run,
	// which makes every ratio a conservative one.
	peak := sgemmFLOP / st.best.Seconds() / 1e9
	rep := Report{Threads: threads, BLASCore: cpu.CurrentBLASCore(), SgemmPeak: peak}
	add := func(name, shape string, flop float64, t timing) {
		g := flop / t.median.Seconds() / 1e9
		rep.Results = append(rep.Results, Result{Name: name, Shape: shape, GFLOP: flop / 1e9,
			Millis: t.median.Seconds() * 1e3, BestMillis: t.best.Seconds() * 1e3, GFLOPS: g, FracOfSgemm: g / peak, Iterations: t.iterations})
	}
	add("sgemm", fmt.Sprintf("%[1]dx%[1]d @ %[1]dx%[1]d, OpenBLAS threads", o.SgemmSize), sgemmFLOP, st)

	be := cpu.New()
	rng := rand.New(rand.NewPCG(3, 4))

	progress("transformer block")
	const B, T, D, H, MLP = 8, 256, 256, 8, 4
	blk := nn.NewTransformerBlock(be, "blk", D, H, MLP, rng)
	x, dy := randn(be, rng, B, T, D), randn(be, rng, B, T, D)
	add("transformer_block_fwd_bwd", "B=8 T=256 D=256 heads=8 mlp=4x", TransformerFLOP(B, T, D, H, MLP),
		measure(o.MinTime, func() { blk.Forward(x); blk.Backward(dy) }))

	progress("conv block")
	const N, C, S = 8, 64, 64
	res := nn.NewResBlock(be, "res", C, 8, rng)
	xi, dyi := randn(be, rng, N, C, S, S), randn(be, rng, N, C, S, S)
	add("conv_block_fwd_bwd", "N=8 C=64->64 3x3 64x64 (2 convs, GroupNorm, SiLU)", ConvFLOP(N, C, S, S),
		measure(o.MinTime, func() { res.Forward(xi); res.Backward(dyi) }))
	return rep
}
