package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/optim"
	"github.com/ncstudio/ncstudio/engine/pyref"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// TrainReport compares training speed with the PyTorch reference on the
// same architecture, batch, thread count and machine.
type TrainReport struct {
	Preset  string         `json:"preset"`
	Backend string         `json:"backend"`
	Batch   int            `json:"batch"`
	Threads int            `json:"threads"`
	Stages  []StageCompare `json:"stages"`
	Torch   string         `json:"torch_version"`
}

// StageCompare is one training stage's steps per second, ours and PyTorch's.
type StageCompare struct {
	Stage    string  `json:"stage"`
	Ours     float64 `json:"steps_per_sec"`
	Torch    float64 `json:"torch_steps_per_sec"`
	Ratio    float64 `json:"ratio"` // ours / PyTorch
	Compiled float64 `json:"torch_compile_steps_per_sec,omitempty"`
	// RatioCompiled is ours / PyTorch with torch.compile (CUDA runs only).
	RatioCompiled float64 `json:"ratio_compiled,omitempty"`
	Params        int     `json:"params"`
}

// TorchOptions say where the PyTorch reference runs.
type TorchOptions struct {
	Device  string // "cpu" or "cuda"
	Threads int    // CPU threads
	Compile bool   // also time it through torch.compile
}

// syncer is a backend whose work is asynchronous (CUDA): timing waits for it.
type syncer interface{ Sync() error }

// RunTrain times `steps` training steps (forward, backward, clipped AdamW)
// of each stage of a fresh model of cfg on random batches on be, then the
// same in PyTorch (engine/pyref/ncmodel.py, float32) as torch says.
func RunTrain(be tensor.Backend, cfg model.Config, preset string, batch, steps int, torch TorchOptions) (TrainReport, error) {
	m, err := model.New(be, cfg, 1)
	if err != nil {
		return TrainReport{}, err
	}
	rep := TrainReport{Preset: preset, Backend: be.Name(), Batch: batch, Threads: torch.Threads}
	rng := rand.New(rand.NewPCG(1, 2))
	randn := func(scale float64, shape ...int) *tensor.Tensor {
		v := make([]float32, tensor.Shape(shape).Numel())
		for i := range v {
			v[i] = float32(scale * rng.NormFloat64())
		}
		return be.FromHost(v, shape...)
	}
	lw, lh := cfg.LatentSize()
	frames := randn(0.5, batch, 3, cfg.Height, cfg.Width)
	flow := model.FlowBatch{
		Target:  randn(1, batch, cfg.AE.Latent, lh, lw),
		Context: randn(1, batch, cfg.Dyn.Context*cfg.AE.Latent, lh, lw),
		Actions: randn(1, batch, model.ActionFeatures),
	}
	if cfg.Dyn.CursorMap {
		flow.Cursor = randn(1, batch, 1, lh, lw)
	}
	stages := []struct {
		name   string
		params []*nn.Param
		loss   func() float32
	}{
		{"autoencoder", append(m.Enc.Params(), m.Dec.Params()...), func() float32 { return m.AELoss(frames, nil) }},
		{"dynamics", m.Dyn.Params(), func() float32 { return m.FlowLoss(flow, model.FlowOptions{ContextNoiseMax: 0.1}, rng) }},
	}
	for _, s := range stages {
		opt := optim.NewAdamW(be, s.params)
		opt.Beta2, opt.MaxGradNorm = 0.99, 1
		step := func() {
			opt.ZeroGrad()
			s.loss()
			opt.Step(1e-4)
		}
		step()
		start := time.Now()
		for range steps {
			step()
		}
		if s, ok := be.(syncer); ok {
			if err := s.Sync(); err != nil {
				return rep, err
			}
		}
		n := 0
		for _, p := range s.params {
			n += p.Value.Numel()
		}
		rep.Stages = append(rep.Stages, StageCompare{Stage: s.name, Ours: float64(steps) / time.Since(start).Seconds(), Params: n})
	}

	dir, err := pyrefDir()
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	ckptPath := filepath.Join(dir, "model.safetensors")
	if err := m.Save(ckptPath, nil); err != nil {
		return rep, err
	}
	runTorch := func(extra ...string) (map[string]float64, error) {
		args := append([]string{filepath.Join(dir, "ncmodel.py"), "bench", ckptPath,
			fmt.Sprint(batch), fmt.Sprint(steps), fmt.Sprint(max(torch.Threads, 1)), torch.Device}, extra...)
		return pythonJSON(exec.Command(pyref.Python, args...))
	}
	eager, err := runTorch()
	if err != nil {
		return rep, err
	}
	var compiled map[string]float64
	if torch.Compile {
		if compiled, err = runTorch("compile"); err != nil {
			return rep, err
		}
	}
	for i := range rep.Stages {
		s := &rep.Stages[i]
		s.Torch = eager[s.Stage]
		s.Ratio = s.Ours / s.Torch
		if c := compiled[s.Stage]; c > 0 {
			s.Compiled, s.RatioCompiled = c, s.Ours/c
		}
	}
	v, _ := exec.Command(pyref.Python, "-c", "import torch; print(torch.__version__, end='')").Output()
	rep.Torch = string(v)
	return rep, nil
}

// pyrefDir is a new temporary folder holding the PyTorch references; the
// caller removes it.
func pyrefDir() (string, error) {
	dir, err := os.MkdirTemp("", "ncstudio-pyref-*")
	if err != nil {
		return "", err
	}
	if _, err := pyref.Extract(dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// pythonJSON runs a PyTorch reference command and decodes the JSON it prints.
func pythonJSON(cmd *exec.Cmd) (map[string]float64, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("bench: the PyTorch reference failed (%s needs python3-torch; `make deps` installs it): %v\n%s", pyref.Python, err, tail(stderr.String(), 2000))
	}
	var v map[string]float64
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("bench: the PyTorch reference printed %q: %v", out, err)
	}
	return v, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
