package bench

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/pyref"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// GPUReport is the CUDA backend against PyTorch on the same GPU, in one run
// (`ncworker bench`): a large GEMM, training steps per second of presets,
// and play steps per second.
type GPUReport struct {
	Backend string        `json:"backend"`
	GEMM    GEMMCompare   `json:"gemm"`
	Train   []TrainReport `json:"train"`
	Play    []PlayRate    `json:"play"`
}

// GEMMCompare is our n³ product on tensor cores, tf32 and bf16 inputs,
// against torch.matmul with the same inputs on the same GPU.
type GEMMCompare struct {
	N         int     `json:"n"`
	Ours      float64 `json:"tflops"` // tf32
	OursBF16  float64 `json:"bf16_tflops"`
	TorchBF16 float64 `json:"torch_bf16_tflops"`
	TorchTF32 float64 `json:"torch_tf32_tflops"`
	RatioBF16 float64 `json:"ratio_bf16"` // OursBF16 / TorchBF16
	RatioTF32 float64 `json:"ratio_tf32"`
}

// PlayRate is how fast a preset's model steps in a play session (the
// latent back on the host each step, as the worker sends it).
type PlayRate struct {
	Preset      string  `json:"preset"`
	Params      int     `json:"params"`
	StepsPerSec float64 `json:"steps_per_sec"`
}

// GPUOptions choose the run's sizes.
type GPUOptions struct {
	// BF16 is the same device with bf16 products, for the GEMM's bf16 row
	// (nil: none).
	BF16       tensor.Backend
	GEMMSize   int      // 4096
	Presets    []string // trained and played, e.g. default and xl
	Batch      int
	TrainSteps int
	PlaySteps  int
	// Torch compares with PyTorch on the GPU (the machine needs CUDA
	// PyTorch); false measures ours only.
	Torch bool
}

// RunGPU measures be as o says.
func RunGPU(be tensor.Backend, o GPUOptions) (GPUReport, error) {
	rep := GPUReport{Backend: be.Name(), GEMM: GEMMCompare{N: o.GEMMSize}}
	var err error
	if rep.GEMM.Ours, err = GEMMTFLOPS(be, o.GEMMSize, 20); err != nil {
		return rep, err
	}
	if o.BF16 != nil {
		if rep.GEMM.OursBF16, err = GEMMTFLOPS(o.BF16, o.GEMMSize, 20); err != nil {
			return rep, err
		}
	}
	if o.Torch {
		dir, err := pyrefDir()
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(dir)
		t, err := pythonJSON(exec.Command(pyref.Python, filepath.Join(dir, "ncmodel.py"), "matmul", fmt.Sprint(o.GEMMSize), "20"))
		if err != nil {
			return rep, err
		}
		g := &rep.GEMM
		g.TorchBF16, g.TorchTF32 = t["bf16"], t["tf32"]
		g.RatioBF16, g.RatioTF32 = g.OursBF16/g.TorchBF16, g.Ours/g.TorchTF32
	}
	for _, name := range o.Presets {
		cfg, err := model.Preset(name)
		if err != nil {
			return rep, err
		}
		if o.Torch {
			tr, err := RunTrain(be, cfg, name, TrainOptions{Batch: o.Batch, Steps: o.TrainSteps, Torch: TorchOptions{Device: "cuda", Threads: 1, Compile: true}})
			if err != nil {
				return rep, err
			}
			rep.Train = append(rep.Train, tr)
		}
		pr, err := Play(be, cfg, name, o.PlaySteps)
		if err != nil {
			return rep, err
		}
		rep.Play = append(rep.Play, pr)
	}
	return rep, nil
}

// GEMMTFLOPS times iters products of two n x n matrices on be.
func GEMMTFLOPS(be tensor.Backend, n, iters int) (float64, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	v := make([]float32, n*n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	a, b, c := be.FromHost(v, n, n), be.FromHost(v, n, n), be.Zeros(n, n)
	defer func() { be.Free(a); be.Free(b); be.Free(c) }()
	be.MatMul(c, a, b, false, false, 1, 0) // warm-up
	if err := sync(be); err != nil {
		return 0, err
	}
	start := time.Now()
	for range iters {
		be.MatMul(c, a, b, false, false, 1, 0)
	}
	if err := sync(be); err != nil {
		return 0, err
	}
	return 2 * float64(n) * float64(n) * float64(n) * float64(iters) / time.Since(start).Seconds() / 1e12, nil
}

func sync(be tensor.Backend) error {
	if s, ok := be.(syncer); ok {
		return s.Sync()
	}
	return nil
}

// Play times steps of a play session of a fresh model of cfg on be.
func Play(be tensor.Backend, cfg model.Config, preset string, steps int) (PlayRate, error) {
	m, err := model.New(be, cfg, 1)
	if err != nil {
		return PlayRate{}, err
	}
	frame := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	s, err := m.NewSession(frame, 1)
	if err != nil {
		return PlayRate{}, err
	}
	step := func(i int) { be.ToHost(s.Step(action.Action{X: i % cfg.Width, Y: cfg.Height / 2})) }
	step(0)
	start := time.Now()
	for i := range steps {
		step(i)
	}
	return PlayRate{Preset: preset, Params: m.ParamCount(), StepsPerSec: float64(steps) / time.Since(start).Seconds()}, nil
}

// Markdown formats the report as the table of docs/PERFORMANCE.md.
func (r GPUReport) Markdown() string {
	s := fmt.Sprintf("Backend: %s\n\n| measure | ours | PyTorch eager | ratio | torch.compile | ratio |\n| --- | --- | --- | --- | --- | --- |\n", r.Backend)
	g := r.GEMM
	s += fmt.Sprintf("| GEMM %d³ tf32 (TFLOPS) | %.2f | %.1f | %.2f | | |\n", g.N, g.Ours, g.TorchTF32, g.RatioTF32)
	if g.OursBF16 > 0 {
		s += fmt.Sprintf("| GEMM %d³ bf16 (TFLOPS) | %.2f | %.1f | %.2f | | |\n", g.N, g.OursBF16, g.TorchBF16, g.RatioBF16)
	}
	for _, t := range r.Train {
		for _, st := range t.Stages {
			s += fmt.Sprintf("| train %s %s, batch %d (%.1fM params; steps/s) | %.1f | %.1f | %.2f | %.1f | %.2f |\n",
				t.Preset, st.Stage, t.Batch, float64(st.Params)/1e6, st.Ours, st.Torch, st.Ratio, st.Compiled, st.RatioCompiled)
		}
	}
	for _, p := range r.Play {
		s += fmt.Sprintf("| play %s (%.1fM params; steps/s) | %.1f | | | | |\n", p.Preset, float64(p.Params)/1e6, p.StepsPerSec)
	}
	return s
}
