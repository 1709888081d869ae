package cuda_test

import (
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// The kernels run in the CPU emulator here; the same checks, plus finite
// differences, run on a GPU through the cuda-tagged tests (gpu_test.go).
// Finite differences are left to the GPU because the emulator is slow, and
// the CPU backend they are compared with here passes them itself.

// With 3xTF32 products the backend is float32-accurate: products, BLAS-1
// and AdamW against float64, every op within 1e-5 of the CPU backend.
func TestPreciseEmulated(t *testing.T) {
	be := cuda.NewEmulated(cuda.Options{Precise: true})
	backendtest.RunDirect(t, be)
	backendtest.CompareBackends(t, be, cpu.New(), 1e-5)
}

// With plain tf32 products (what training uses), every op within 1e-3 of
// the CPU backend.
func TestTF32Emulated(t *testing.T) {
	backendtest.CompareBackends(t, cuda.NewEmulated(cuda.Options{}), cpu.New(), 1e-3)
}

// 20 training steps of the tiny preset, as on the GPU (issue: losses track
// the CPU run within 1e-2).
func TestTrainingTracksCPUEmulated(t *testing.T) {
	if testing.Short() {
		t.Skip("slow in the emulator")
	}
	checkTrainingTracksCPU(t, cuda.NewEmulated(cuda.Options{}), 10, 10)
}

// With a GPU's block size (8 warps), the reductions combine warps through
// shared memory, which the emulator's default one-warp blocks never do;
// and again with the threads run in the other order between barriers.
func TestTF32EmulatedGPUBlocks(t *testing.T) {
	backendtest.CompareBackends(t, cuda.NewEmulated(cuda.Options{BlockThreads: 256}), cpu.New(), 1e-3)
	cuda.ReverseEmulatedThreads(true)
	defer cuda.ReverseEmulatedThreads(false)
	t.Run("reversed", func(t *testing.T) {
		backendtest.CompareBackends(t, cuda.NewEmulated(cuda.Options{BlockThreads: 256}), cpu.New(), 1e-3)
	})
}

// With bf16 products (about three significant digits per input), every op
// within 1e-2 of the CPU backend.
func TestBF16Emulated(t *testing.T) {
	backendtest.CompareBackends(t, cuda.NewEmulated(cuda.Options{BF16: true}), cpu.New(), 1e-2)
}

// Batch-summed products (weight gradients) take two paths: few output
// tiles split per item and reduce; many tiles loop over the items. Both
// against the CPU, with alpha and beta.
func TestBatchSumPaths(t *testing.T) {
	be, ref := cuda.NewEmulated(cuda.Options{Precise: true}), cpu.New()
	normal := normals(5)
	for _, mn := range []int{20, 150} { // 1 tile (split), 9 tiles (loop)
		a, b, c := normal(3*mn*40), normal(3*40*mn), normal(mn*mn)
		run := func(be tensor.Backend) []float32 {
			ct := be.FromHost(c, mn, mn)
			be.MatMul(ct, be.FromHost(a, 3, mn, 40), be.FromHost(b, 3, 40, mn), false, false, 0.5, 2)
			return be.ToHost(ct)
		}
		if rel, _ := backendtest.RelErr(run(be), run(ref)); rel > 1e-5 {
			t.Errorf("%dx%d summed over 3 items: relative error %.3g", mn, mn, rel)
		}
	}
}

// Column sums over many rows (bias and norm-weight gradients) run in
// chunks of rows and a second pass; against the CPU.
func TestChunkedColumnSums(t *testing.T) {
	be, ref := cuda.NewEmulated(cuda.Options{}), cpu.New()
	normal := normals(7)
	const rows, cols = 300, 10 // 5 chunks of 64 rows
	src, dst := normal(rows*cols), normal(cols)
	x, dy, w, b := normal(rows*cols), normal(rows*cols), normal(cols), normal(cols)
	type out struct{ sum, dx, dw, db []float32 }
	run := func(be tensor.Backend) out {
		s := be.FromHost(dst, cols)
		be.SumTo(s, be.FromHost(src, rows, cols), 0.5)
		xt, mean, rstd := be.FromHost(x, rows, cols), be.Zeros(rows), be.Zeros(rows)
		be.LayerNorm(be.Zeros(rows, cols), mean, rstd, xt, be.FromHost(w, cols), be.FromHost(b, cols), 1e-5)
		dx, dw, db := be.Zeros(rows, cols), be.FromHost(dst, cols), be.FromHost(dst, cols) // gradients accumulate
		be.LayerNormBackward(dx, dw, db, be.FromHost(dy, rows, cols), xt, mean, rstd, be.FromHost(w, cols))
		return out{be.ToHost(s), be.ToHost(dx), be.ToHost(dw), be.ToHost(db)}
	}
	got, want := run(be), run(ref)
	for _, c := range []struct {
		name      string
		got, want []float32
	}{{"SumTo", got.sum, want.sum}, {"dx", got.dx, want.dx}, {"dw", got.dw, want.dw}, {"db", got.db, want.db}} {
		if rel, _ := backendtest.RelErr(c.got, c.want); rel > 1e-5 {
			t.Errorf("%s over %d rows: relative error %.3g", c.name, rows, rel)
		}
	}
}

// normals returns a generator of standard normal vectors from seed.
func normals(seed uint64) func(n int) []float32 {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	return func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
}
