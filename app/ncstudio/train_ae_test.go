package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/ckpt"
)

// TestTrainAEInPyTorch runs the PyTorch path end to end on a tiny model:
// traces to arrays (`trace arrays`), the autoencoder trained by
// engine/pyref/train_ae.py on the CPU, and the checkpoint it writes loaded
// back here: the autoencoder changed, the dynamics did not, and its
// reconstruction of held-out frames got better.
func TestTrainAEInPyTorch(t *testing.T) {
	backendtest.RequireTorch(t)
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := dispatch(args, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	data, valid := filepath.Join(dir, "data"), filepath.Join(dir, "valid")
	run("synth", "--out", data, "--size", "64x48", "--agent", "mixed", "--frames", "400", "--seed", "31")
	run("synth", "--out", valid, "--size", "64x48", "--agent", "mixed", "--frames", "100", "--seed", "32")
	init := filepath.Join(dir, "init.safetensors")
	run("train", "--data", data, "--out", init, "--preset", "tiny", "--ae-steps", "20", "--dyn-steps", "5",
		"--batch", "4", "--latent-cache", "", "--progress", "json")
	run("trace", "arrays", "--data", data, "--out", filepath.Join(dir, "arrays"))
	run("trace", "arrays", "--data", valid, "--out", filepath.Join(dir, "valid-arrays"))

	out := filepath.Join(dir, "ae.safetensors")
	cmd := exec.Command(backendtest.Python, filepath.Join(backendtest.PyrefDir(), "train_ae.py"), "--init", init,
		"--arrays", filepath.Join(dir, "arrays"), "--valid", filepath.Join(dir, "valid-arrays"), "--out", out,
		"--steps", "60", "--batch", "8", "--lr", "3e-3", "--warmup", "5", "--device", "cpu")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("train_ae.py: %v\n%s", err, got)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	// The last line reports the run: {"done": steps, "valid_psnr_before": dB, "valid_psnr_after": dB, ...}.
	var done struct {
		Steps  int     `json:"done"`
		Before float64 `json:"valid_psnr_before"`
		After  float64 `json:"valid_psnr_after"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &done); err != nil {
		t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
	}
	if done.Steps != 60 || done.After <= done.Before {
		t.Errorf("60 steps: %+v (the held-out reconstruction should improve)\n%s", done, got)
	}

	a, err := ckpt.Load(init)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ckpt.Load(out)
	if err != nil {
		t.Fatalf("the engine cannot load train_ae.py's checkpoint: %v", err)
	}
	if len(a.Tensors) != len(b.Tensors) || b.Metadata["ncstudio.config"] != a.Metadata["ncstudio.config"] {
		t.Fatalf("tensors %d vs %d, config %q vs %q", len(a.Tensors), len(b.Tensors), a.Metadata["ncstudio.config"], b.Metadata["ncstudio.config"])
	}
	changed := 0
	for _, ta := range a.Tensors {
		tb, ok := b.Get(ta.Name)
		if !ok {
			t.Fatalf("%s missing", ta.Name)
		}
		same := slices.Equal(ta.Data, tb.Data)
		if strings.HasPrefix(ta.Name, "dyn.") && !same {
			t.Errorf("%s changed: the dynamics must stay as it was", ta.Name)
		}
		if !strings.HasPrefix(ta.Name, "dyn.") && !same {
			changed++
		}
	}
	if changed == 0 {
		t.Error("no autoencoder parameter changed")
	}
	if b.Metadata["ncstudio.autoencoder_steps"] != "80" {
		t.Errorf("autoencoder_steps %q, want 80 (20 + 60)", b.Metadata["ncstudio.autoencoder_steps"])
	}
}
