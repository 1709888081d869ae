package nn_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// The CPU backend splits loops and GEMMs across cores only above a size
// threshold; the PyTorch comparisons use small tensors. This runs blocks large
// enough to take every split path, once on one core and once on all, and
// requires the same numbers (up to summation order).
func TestParallelMatchesSerial(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: nothing runs in parallel")
	}
	run := func(procs int, build func(be tensor.Backend, rng *rand.Rand) (nn.Block, []int)) [][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		be := cpu.New()
		rng := rand.New(rand.NewPCG(9, 10))
		blk, shape := build(be, rng)
		x, dy := randn(be, rng, shape...), randn(be, rng, shape...)
		out := [][]float32{be.ToHost(blk.Forward(x)), be.ToHost(blk.Backward(dy))}
		for _, p := range blk.Params() {
			out = append(out, be.ToHost(p.Grad))
		}
		return out
	}
	builders := map[string]func(be tensor.Backend, rng *rand.Rand) (nn.Block, []int){
		"transformer": func(be tensor.Backend, rng *rand.Rand) (nn.Block, []int) {
			return nn.NewTransformerBlock(be, "blk", 128, 4, 4, rng), []int{4, 128, 128}
		},
		"resblock": func(be tensor.Backend, rng *rand.Rand) (nn.Block, []int) {
			return nn.NewResBlock(be, "blk", 32, 8, rng), []int{4, 32, 32, 32}
		},
	}
	for name, build := range builders {
		serial, parallel := run(1, build), run(runtime.NumCPU(), build)
		for i := range serial {
			if e, abs := backendtest.RelErr(parallel[i], serial[i]); e > 1e-5 && abs > 1e-6 {
				t.Errorf("%s: result %d differs between 1 and %d cores by %.3g (relative)", name, i, runtime.NumCPU(), e)
			}
		}
	}
}
