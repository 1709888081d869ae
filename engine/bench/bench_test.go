package bench

import (
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/nn"
	"testing"
	"time"
)

func TestQuickReport(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	r := Run(Options{MinTime: 2 * time.Second, SgemmSize: 2048})
	t.Logf("peak %.1f", r.SgemmPeak)
	for _, x := range r.Results {
		t.Logf("%-28s %8.1f ms %7.1f GFLOP/s frac %.2f", x.Name, x.Millis, x.GFLOPS, x.FracOfSgemm)
	}
}

func BenchmarkTransformerBlock(b *testing.B) {
	be := cpu.New()
	rng := rand.New(rand.NewPCG(3, 4))
	blk := nn.NewTransformerBlock(be, "blk", 256, 8, 4, rng)
	x, dy := randn(be, rng, 8, 256, 256), randn(be, rng, 8, 256, 256)
	for b.Loop() {
		blk.Forward(x)
		blk.Backward(dy)
	}
}

func BenchmarkConvBlock(b *testing.B) {
	be := cpu.New()
	rng := rand.New(rand.NewPCG(3, 4))
	res := nn.NewResBlock(be, "res", 64, 8, rng)
	x, dy := randn(be, rng, 8, 64, 64, 64), randn(be, rng, 8, 64, 64, 64)
	for b.Loop() {
		res.Forward(x)
		res.Backward(dy)
	}
}
