package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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
	for _, st := range pyrefStages {
		t.Run(st.name, func(t *testing.T) { testTrainStage(t, r, st) })
	}
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
	// The tiny preset's press history.
	run("trace", "arrays", "--data", data, "--out", r.arrays, "--press-history", "4")
	run("trace", "arrays", "--data", valid, "--out", r.valid, "--press-history", "4")
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

// pyrefStage is one training script and what it must do: train the
// tensors named with (or, with frozenNamed, without) prefix and no others,
// add steps to a stage's count, and improve a held-out score.
type pyrefStage struct {
	name, script string
	args         []string
	steps        int
	prefix       string
	frozenNamed  bool   // prefix names the tensors that must stay as they were
	score        string // the report's key: score+"_before" and score+"_after"
	stepsKey     string // metadata key of the stage's step count
	wantSteps    string // the tiny model's count plus steps
}

var pyrefStages = []pyrefStage{
	// train_ae.py changes the autoencoder and not the dynamics, and its
	// reconstruction of held-out frames gets better.
	{name: "autoencoder", script: "train_ae.py", steps: 60, prefix: "dyn.", frozenNamed: true,
		score: "valid_psnr", stepsKey: "ncstudio.autoencoder_steps", wantSteps: "80"},
	// train_dyn.py (events and unrolled contexts included) changes the
	// dynamics and not the autoencoder, and its one-step predictions of
	// held-out frames get better.
	{name: "dynamics", script: "train_dyn.py", args: []string{"--event-share", "0.3", "--unroll", "2"}, steps: 80,
		prefix: "dyn.", score: "valid_one_step_psnr", stepsKey: "ncstudio.dynamics_steps", wantSteps: "85"},
	// train_dec.py (half of its batches on the dynamics' predictions,
	// unrolled and at events too) changes the decoder alone, and the
	// held-out reconstruction gets better.
	{name: "decoder", script: "train_dec.py", args: []string{"--event-share", "0.3", "--unroll", "2"}, steps: 80,
		prefix: "dec.", score: "valid_psnr", stepsKey: "ncstudio.decoder_steps", wantSteps: "80"},
}

func testTrainStage(t *testing.T, r pyrefRun, st pyrefStage) {
	out := filepath.Join(r.dir, st.name+".safetensors")
	args := append([]string{"--init", r.init, "--arrays", r.arrays, "--valid", r.valid, "--out", out,
		"--steps", strconv.Itoa(st.steps), "--batch", "8", "--lr", "3e-3", "--warmup", "5", "--device", "cpu"}, st.args...)
	var done map[string]any
	log := r.python(t, &done, st.script, args...)
	before, _ := done[st.score+"_before"].(float64)
	after, _ := done[st.score+"_after"].(float64)
	if done["done"] != float64(st.steps) || after <= before {
		t.Errorf("%d steps: %v (the held-out %s should improve)\n%s", st.steps, done, st.score, log)
	}
	named, others, meta := r.changed(t, out, st.prefix)
	trained, frozen := named, others
	if st.frozenNamed {
		trained, frozen = others, named
	}
	if frozen != 0 {
		t.Errorf("%d tensors changed that %s must leave as they were", frozen, st.script)
	}
	if trained == 0 {
		t.Errorf("no tensor %s trains changed", st.script)
	}
	if meta[st.stepsKey] != st.wantSteps {
		t.Errorf("%s %q, want %s", st.stepsKey, meta[st.stepsKey], st.wantSteps)
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
