package cuda_test

import (
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/cuda"
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
