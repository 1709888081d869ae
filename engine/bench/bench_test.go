package bench

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
)

func TestRunReportsEveryWorkload(t *testing.T) {
	if testing.Short() {
		t.Skip("runs both blocks once each")
	}
	r := Run(Options{MinTime: time.Millisecond, SgemmSize: 256})
	if r.SgemmPeak <= 0 || len(r.Results) != 3 {
		t.Fatalf("report: peak %v, %d results", r.SgemmPeak, len(r.Results))
	}
	for _, x := range r.Results {
		if x.Millis <= 0 || x.GFLOP <= 0 || x.FracOfSgemm <= 0 || x.Iterations < 1 {
			t.Errorf("%s: %+v", x.Name, x)
		}
	}
}

func TestFLOPCounts(t *testing.T) {
	// One transformer block, B=1 T=1 D=1 MLP 1x: six 1×1 linear maps (2 FLOP
	// each) and two 1×1×1 attention products, forward plus twice that backward.
	if got := TransformerFLOP(1, 1, 1, 1, 1); got != 3*(2*6+4) {
		t.Errorf("TransformerFLOP(1,1,1,1,1) = %v, want %v", got, 3*(2*6+4))
	}
	// Two 3×3 convolutions of one channel on one pixel: 2·9 FLOP each, ×3.
	if got := ConvFLOP(1, 1, 1, 1); got != 3*2*18 {
		t.Errorf("ConvFLOP(1,1,1,1) = %v, want %v", got, 3*2*18)
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

func TestRunSandbox(t *testing.T) {
	rep, err := RunSandbox(time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 7 || rep.FPS != 15 {
		t.Fatalf("report %+v", rep)
	}
	for _, r := range rep.Results {
		if r.FramesPerSec <= 0 || r.Frames < 10 || r.XRealTime != r.FramesPerSec/15 {
			t.Errorf("result %+v", r)
		}
	}
}

func TestRunTrainAgainstTorch(t *testing.T) {
	backendtest.RequireTorch(t)
	cfg, _ := model.Preset("tiny")
	rep, err := RunTrain(cpu.New(), cfg, "tiny", TrainOptions{Batch: 2, Steps: 2, Rounds: 2, Torch: TorchOptions{Device: "cpu", Threads: cpu.Threads()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stages) != 2 || rep.Torch == "" || rep.Rounds != 2 {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range rep.Stages {
		if s.Ours <= 0 || s.Torch <= 0 || s.Params == 0 || !(s.RatioMin <= s.Ratio && s.Ratio <= s.RatioMax) {
			t.Errorf("stage %+v", s)
		}
	}
}

// The GPU report's own measurements, on the CPU emulator of the CUDA
// kernels (the PyTorch side needs CUDA PyTorch: only on a GPU machine).
func TestRunGPUEmulated(t *testing.T) {
	rep, err := RunGPU(cuda.NewEmulated(cuda.Options{}), GPUOptions{BF16: cuda.NewEmulated(cuda.Options{BF16: true}), GEMMSize: 64, Presets: []string{"tiny"}, PlaySteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.GEMM.Ours <= 0 || rep.GEMM.OursBF16 <= 0 || len(rep.Play) != 1 || rep.Play[0].StepsPerSec <= 0 || rep.Play[0].Params != 20994 {
		t.Errorf("report %+v", rep)
	}
	if md := rep.Markdown(); !strings.Contains(md, "| play tiny") || !strings.Contains(md, "cuda-emulator") {
		t.Errorf("table:\n%s", md)
	}
}
