package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	Rounds  int            `json:"rounds"`
	Stages  []StageCompare `json:"stages"`
	Torch   string         `json:"torch_version"`
}

// StageCompare is one training stage's steps per second, ours and PyTorch's.
type StageCompare struct {
	Stage string  `json:"stage"`
	Ours  float64 `json:"steps_per_sec"`
	Torch float64 `json:"torch_steps_per_sec"`
	Ratio float64 `json:"ratio"` // ours / PyTorch: the median over rounds
	// RatioMin and RatioMax are the lowest and highest round's ratio.
	RatioMin float64 `json:"ratio_min"`
	RatioMax float64 `json:"ratio_max"`
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

// TrainOptions say what RunTrain times.
type TrainOptions struct {
	Batch int
	Steps int // timed steps per stage and round, after one warm-up step
	// Rounds alternate our timing and PyTorch's, so that a machine whose
	// speed drifts (other work, clocks) does not favour the side that ran
	// first; each stage reports its median ratio. 0 means 1.
	Rounds int
	Torch  TorchOptions
}

// RunTrain times training steps (forward, backward, clipped AdamW) of each
// stage of a fresh model of cfg on random batches on be, then the same in
// PyTorch (engine/pyref/ncmodel.py, float32) as o.Torch says, o.Rounds
// times over.
func RunTrain(be tensor.Backend, cfg model.Config, preset string, o TrainOptions) (TrainReport, error) {
	m, err := model.New(be, cfg, 1)
	if err != nil {
		return TrainReport{}, err
	}
	rep := TrainReport{Preset: preset, Backend: be.Name(), Batch: o.Batch, Threads: o.Torch.Threads, Rounds: max(o.Rounds, 1)}
	stages := trainStages(be, m, o.Batch)
	for _, s := range stages {
		n := 0
		for _, p := range s.params {
			n += p.Value.Numel()
		}
		rep.Stages = append(rep.Stages, StageCompare{Stage: s.name, Params: n})
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
			fmt.Sprint(o.Batch), fmt.Sprint(o.Steps), fmt.Sprint(max(o.Torch.Threads, 1)), o.Torch.Device}, extra...)
		return pythonJSON(exec.Command(pyref.Python, args...))
	}

	ours := make([][]float64, len(stages)) // per stage, per round
	torchRates := make([][]float64, len(stages))
	for range rep.Rounds {
		for i, s := range stages {
			rate, err := s.time(be, o.Steps)
			if err != nil {
				return rep, err
			}
			ours[i] = append(ours[i], rate)
		}
		eager, err := runTorch()
		if err != nil {
			return rep, err
		}
		for i, s := range stages {
			torchRates[i] = append(torchRates[i], eager[s.name])
		}
	}
	for i := range rep.Stages {
		st := &rep.Stages[i]
		ratios := make([]float64, rep.Rounds)
		for r := range ratios {
			ratios[r] = ours[i][r] / torchRates[i][r]
		}
		st.Ours, st.Torch, st.Ratio = median(ours[i]), median(torchRates[i]), median(ratios)
		st.RatioMin, st.RatioMax = slices.Min(ratios), slices.Max(ratios)
	}
	if o.Torch.Compile {
		compiled, err := runTorch("compile")
		if err != nil {
			return rep, err
		}
		for i := range rep.Stages {
			st := &rep.Stages[i]
			if c := compiled[st.Stage]; c > 0 {
				st.Compiled, st.RatioCompiled = c, st.Ours/c
			}
		}
	}
	v, _ := exec.Command(pyref.Python, "-c", "import torch; print(torch.__version__, end='')").Output()
	rep.Torch = string(v)
	return rep, nil
}

// trainStage is one stage's parameters, loss on a fixed random batch and
// optimiser.
type trainStage struct {
	name   string
	params []*nn.Param
	loss   func() float32
	opt    *optim.AdamW
}

// trainStages are the autoencoder's and the dynamics' stages of m on
// random batches of the given size.
func trainStages(be tensor.Backend, m *model.Model, batch int) []*trainStage {
	cfg := m.Cfg
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
		Actions: randn(1, batch, cfg.ActionInputs()),
	}
	if cfg.Dyn.CursorMap {
		flow.Cursor = randn(1, batch, 1, lh, lw)
	}
	stages := []*trainStage{
		{name: "autoencoder", params: append(m.Enc.Params(), m.Dec.Params()...), loss: func() float32 { return m.AELoss(frames, nil) }},
		{name: "dynamics", params: m.Dyn.Params(), loss: func() float32 { return m.FlowLoss(flow, model.FlowOptions{ContextNoiseMax: 0.1}, rng) }},
	}
	for _, s := range stages {
		s.opt = optim.NewAdamW(be, s.params)
		s.opt.Beta2, s.opt.MaxGradNorm = 0.99, 1
	}
	return stages
}

// time runs one warm-up step and then steps timed ones, and returns the
// timed steps per second.
func (s *trainStage) time(be tensor.Backend, steps int) (float64, error) {
	step := func() {
		s.opt.ZeroGrad()
		s.loss()
		s.opt.Step(1e-4)
	}
	step()
	start := time.Now()
	for range steps {
		step()
	}
	if sy, ok := be.(syncer); ok {
		if err := sy.Sync(); err != nil {
			return 0, err
		}
	}
	return float64(steps) / time.Since(start).Seconds(), nil
}

// median is the middle value of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
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
