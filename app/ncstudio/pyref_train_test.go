package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// The PyTorch training path end to end on a tiny model: traces to arrays
// (`trace arrays`), a stage trained by engine/pyref/train_ae.py,
// train_dyn.py or train_dec.py on the CPU, and the checkpoint it writes
// loaded back here.

// TestTrainInPyTorch runs each script on one tiny model and its arrays.
func TestTrainInPyTorch(t *testing.T) {
	r := newPyrefRun(t)
	t.Run("autoencoder", func(t *testing.T) { testTrainAE(t, r) })
	t.Run("dynamics", func(t *testing.T) { testTrainDyn(t, r) })
	t.Run("decoder", func(t *testing.T) { testTrainDec(t, r) })
	t.Run("dynamics inputs", func(t *testing.T) { testTrainDynInputs(t, r) })
}

// pyrefRun is a tiny model trained by the engine and the arrays of its
// training and held-out traces.
type pyrefRun struct {
	dir, init, arrays, valid string
}

func newPyrefRun(t *testing.T) pyrefRun {
	t.Helper()
	backendtest.RequireTorch(t)
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := dispatch(args, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
	}
	r := pyrefRun{dir: dir, init: filepath.Join(dir, "init.safetensors"),
		arrays: filepath.Join(dir, "arrays"), valid: filepath.Join(dir, "valid-arrays")}
	data, valid := filepath.Join(dir, "data"), filepath.Join(dir, "valid")
	run("synth", "--out", data, "--size", "64x48", "--agent", "mixed", "--frames", "400", "--seed", "31")
	run("synth", "--out", valid, "--size", "64x48", "--agent", "mixed", "--frames", "100", "--seed", "32")
	run("train", "--data", data, "--out", r.init, "--preset", "tiny", "--ae-steps", "20", "--dyn-steps", "5",
		"--batch", "4", "--latent-cache", "", "--progress", "json")
	run("trace", "arrays", "--data", data, "--out", r.arrays)
	run("trace", "arrays", "--data", valid, "--out", r.valid)
	return r
}

// python runs a script of engine/pyref and decodes its last line (the
// run's report) into done.
func (r pyrefRun) python(t *testing.T, done any, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(backendtest.Python, append([]string{filepath.Join(backendtest.PyrefDir(), script)}, args...)...)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, got)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), done); err != nil {
		t.Fatalf("%s: last line %q: %v", script, lines[len(lines)-1], err)
	}
	return string(got)
}

// changed loads the checkpoint a script wrote (the engine must be able to)
// and returns how many tensors whose names start with and without prefix
// differ from the starting checkpoint's.
func (r pyrefRun) changed(t *testing.T, out, prefix string) (with, without int, meta map[string]string) {
	t.Helper()
	a, err := ckpt.Load(r.init)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ckpt.Load(out)
	if err != nil {
		t.Fatalf("the engine cannot load %s: %v", out, err)
	}
	if len(a.Tensors) != len(b.Tensors) || b.Metadata["ncstudio.config"] != a.Metadata["ncstudio.config"] {
		t.Fatalf("tensors %d vs %d, config %q vs %q", len(a.Tensors), len(b.Tensors), a.Metadata["ncstudio.config"], b.Metadata["ncstudio.config"])
	}
	for _, ta := range a.Tensors {
		tb, ok := b.Get(ta.Name)
		if !ok {
			t.Fatalf("%s missing", ta.Name)
		}
		if !slices.Equal(ta.Data, tb.Data) {
			if strings.HasPrefix(ta.Name, prefix) {
				with++
			} else {
				without++
			}
		}
	}
	return with, without, b.Metadata
}

// testTrainAE: train_ae.py changes the autoencoder and not the
// dynamics, and its reconstruction of held-out frames gets better.
func testTrainAE(t *testing.T, r pyrefRun) {
	out := filepath.Join(r.dir, "ae.safetensors")
	var done struct {
		Steps  int     `json:"done"`
		Before float64 `json:"valid_psnr_before"`
		After  float64 `json:"valid_psnr_after"`
	}
	log := r.python(t, &done, "train_ae.py", "--init", r.init, "--arrays", r.arrays, "--valid", r.valid, "--out", out,
		"--steps", "60", "--batch", "8", "--lr", "3e-3", "--warmup", "5", "--device", "cpu")
	if done.Steps != 60 || done.After <= done.Before {
		t.Errorf("60 steps: %+v (the held-out reconstruction should improve)\n%s", done, log)
	}
	dyn, ae, meta := r.changed(t, out, "dyn.")
	if dyn != 0 {
		t.Errorf("%d dynamics tensors changed: the dynamics must stay as it was", dyn)
	}
	if ae == 0 {
		t.Error("no autoencoder parameter changed")
	}
	if meta["ncstudio.autoencoder_steps"] != "80" {
		t.Errorf("autoencoder_steps %q, want 80 (20 + 60)", meta["ncstudio.autoencoder_steps"])
	}
}

// testTrainDyn: train_dyn.py (events and unrolled contexts
// included) changes the dynamics and not the autoencoder, and its one-step
// predictions of held-out frames get better.
func testTrainDyn(t *testing.T, r pyrefRun) {
	out := filepath.Join(r.dir, "dyn.safetensors")
	var done struct {
		Steps  int     `json:"done"`
		Before float64 `json:"valid_one_step_psnr_before"`
		After  float64 `json:"valid_one_step_psnr_after"`
	}
	log := r.python(t, &done, "train_dyn.py", "--init", r.init, "--arrays", r.arrays, "--valid", r.valid, "--out", out,
		"--steps", "80", "--batch", "8", "--lr", "3e-3", "--warmup", "5", "--event-share", "0.3", "--unroll", "2",
		"--device", "cpu")
	if done.Steps != 80 || done.After <= done.Before {
		t.Errorf("80 steps: %+v (the held-out one-step PSNR should improve)\n%s", done, log)
	}
	dyn, ae, meta := r.changed(t, out, "dyn.")
	if ae != 0 {
		t.Errorf("%d autoencoder tensors changed: the autoencoder must stay as it was", ae)
	}
	if dyn == 0 {
		t.Error("no dynamics parameter changed")
	}
	if meta["ncstudio.dynamics_steps"] != "85" {
		t.Errorf("dynamics_steps %q, want 85 (5 + 80)", meta["ncstudio.dynamics_steps"])
	}
}

// testTrainDec: train_dec.py (half of its batches on the
// dynamics' predictions, unrolled and at events too) changes the decoder
// alone, and the held-out reconstruction gets better.
func testTrainDec(t *testing.T, r pyrefRun) {
	out := filepath.Join(r.dir, "dec.safetensors")
	var done struct {
		Steps  int     `json:"done"`
		Before float64 `json:"valid_psnr_before"`
		After  float64 `json:"valid_psnr_after"`
	}
	log := r.python(t, &done, "train_dec.py", "--init", r.init, "--arrays", r.arrays, "--valid", r.valid, "--out", out,
		"--steps", "80", "--batch", "8", "--lr", "3e-3", "--warmup", "5", "--event-share", "0.3", "--unroll", "2",
		"--device", "cpu")
	if done.Steps != 80 || done.After <= done.Before {
		t.Errorf("80 steps: %+v (the held-out reconstruction should improve)\n%s", done, log)
	}
	dec, other, meta := r.changed(t, out, "dec.")
	if other != 0 {
		t.Errorf("%d encoder or dynamics tensors changed: only the decoder may", other)
	}
	if dec == 0 {
		t.Error("no decoder parameter changed")
	}
	if meta["ncstudio.decoder_steps"] != "80" {
		t.Errorf("decoder_steps %q, want 80", meta["ncstudio.decoder_steps"])
	}
}

// testTrainDynInputs checks what train_dyn.py feeds the dynamics against the
// engine: the cursor map at each step's pointer equals model.CursorMap, and
// the loss weights mark the cells of the cursor's pixels in frames i and i+1.
func testTrainDynInputs(t *testing.T, r pyrefRun) {
	script := `import json, sys, torch
sys.path.insert(0, sys.argv[1])
from ncmodel import NCModel
from train_dyn import Steps
model, _ = NCModel.load(sys.argv[2])
data = Steps(model, [sys.argv[3]], "cpu")
steps = torch.tensor([0, 1, 57, 200, 398])
_, cursor = data.inputs(steps)
print(json.dumps({"pointer": data.pointer[steps].tolist(), "cursor": cursor[:, 0].flatten(1).tolist(),
                  "weight": data.weight(steps, 10).flatten(1).tolist()}))`
	got, err := exec.Command(backendtest.Python, "-c", script, backendtest.PyrefDir(), r.init, r.arrays).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	var res struct {
		Pointer [][2]int
		Cursor  [][]float64
		Weight  [][]float64
	}
	if err := json.Unmarshal(got, &res); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	m, _, err := model.Load(cpu.New(), r.init)
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := dataset.FindTraces([]string{filepath.Join(r.dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Open(dirs, trace.GUI, m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w, h := m.Cfg.Width, m.Cfg.Height
	lw, lh := m.Cfg.LatentSize()
	r8 := m.Cfg.AE.Reduction()
	want := make([]float32, lw*lh)
	now, next := make([]float32, w*h), make([]float32, w*h)
	for j, p := range res.Pointer {
		i := []int{0, 1, 57, 200, 398}[j]
		if a := d.Traces[0].R.Action(i); p != [2]int{a.X, a.Y} {
			t.Fatalf("step %d: pointer %v, the trace's %d,%d", i, p, a.X, a.Y)
		}
		model.CursorMap(want, p[0], p[1], w, h, lw, lh, m.Cfg.Dyn.CursorSigma)
		for c, v := range want {
			if math.Abs(res.Cursor[j][c]-float64(v)) > 1e-5 {
				t.Fatalf("step %d (pointer %v) cell %d: cursor map %g, want %g", i, p, c, res.Cursor[j][c], v)
			}
		}
		// A cell weighs 1 + 10 when the cursor covers one of its pixels in
		// frame i or i+1 (engine/train's cellWeights).
		d.Traces[0].Mask(now, i, w, h)
		d.Traces[0].Mask(next, i+1, w, h)
		hits := 0
		for c := range lw * lh {
			hit := false
			for y := c / lw * r8; y < (c/lw+1)*r8; y++ {
				for x := c % lw * r8; x < (c%lw+1)*r8; x++ {
					hit = hit || now[y*w+x] != 0 || next[y*w+x] != 0
				}
			}
			if wantW := map[bool]float64{false: 1, true: 11}[hit]; res.Weight[j][c] != wantW {
				t.Fatalf("step %d cell %d: weight %g, want %g", i, c, res.Weight[j][c], wantW)
			}
			if hit {
				hits++
			}
		}
		if hits == 0 {
			t.Errorf("step %d: no cell is the cursor's", i)
		}
	}
}
