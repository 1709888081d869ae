package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/bench"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/worker/workertest"
)

// TestTrainEvalBenchPlay runs the model commands end to end on the tiny
// preset: train (JSON progress), eval and bench play on the checkpoint.
func TestTrainEvalBenchPlay(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache")) // where --latent-cache defaults to
	data, held := filepath.Join(dir, "data"), filepath.Join(dir, "held")
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{
		{"synth", "--out", data, "--frames", "120", "--traces", "2", "--size", "64x48", "--agent", "goal"},
		{"synth", "--out", held, "--frames", "60", "--seed", "99", "--size", "64x48"},
	} {
		if err := dispatch(args, &stdout, &stderr); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	ckptPath := filepath.Join(dir, "tiny.safetensors")
	stderr.Reset()
	err := dispatch([]string{"train", "--data", data, "--out", ckptPath, "--preset", "tiny", "--injection", "contextual",
		"--ae-steps", "20", "--dyn-steps", "10", "--batch", "2", "--progress", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	stages := map[string]int{}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		var p struct {
			Stage string  `json:"stage"`
			Loss  float64 `json:"loss"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("progress line %q: %v", sc.Text(), err)
		}
		stages[p.Stage]++
	}
	if stages["autoencoder"] != 20 || stages["dynamics"] != 10 {
		t.Errorf("progress lines per stage: %v", stages)
	}
	if cached, _ := filepath.Glob(filepath.Join(dir, "cache", "ncstudio", "latents", "*.latents")); len(cached) != 2 {
		t.Errorf("latent cache holds %v, want the 2 traces' latents", cached)
	}
	// A finished run resumes to nothing more.
	if err := dispatch([]string{"train", "--resume", "--out", ckptPath, "--progress", "json"}, &stdout, &stderr); err != nil {
		t.Errorf("resuming a finished run: %v", err)
	}
	if _, err := os.Stat(ckptPath + ".losses.png"); err != nil {
		t.Errorf("no loss plot: %v", err)
	}
	csv, err := os.ReadFile(ckptPath + ".losses.csv")
	if err != nil || strings.Count(string(csv), "\n") != 31 {
		t.Errorf("loss log: %v, %d lines", err, strings.Count(string(csv), "\n"))
	}

	stdout.Reset()
	drift := filepath.Join(dir, "drift.png")
	if err := dispatch([]string{"eval", "--ckpt", ckptPath, "--data", held, "--windows", "4", "--rollouts", "1", "--rollout-steps", "5", "--plot", drift, "--sampler-steps", "3", "--context-noise", "0", "--json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(drift); err != nil {
		t.Errorf("no drift plot: %v", err)
	}
	var res eval.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Report.OneStep.Frames != 4 || len(res.Report.Drift) != 5 ||
		res.SamplerSteps != 3 || res.ContextNoise != 0 {
		t.Errorf("eval: %v %+v", err, res)
	}
	stdout.Reset()
	if err := dispatch([]string{"eval", "--ckpt", ckptPath, "--ckpt", ckptPath, "--data", held, "--windows", "2", "--rollouts", "0", "--probe", "--markdown"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(stdout.String(), "| tiny.safetensors | contextual |"); rows != 2 {
		t.Errorf("markdown comparison:\n%s", stdout.String())
	}
	stdout.Reset()
	if err := dispatch([]string{"bench", "play", "--ckpt", ckptPath, "--min-time", "50ms", "--json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var play bench.PlayReport
	if err := json.Unmarshal(stdout.Bytes(), &play); err != nil || play.StepsPerSec <= 0 || play.Injection != "contextual" {
		t.Errorf("bench play: %v %+v", err, play)
	}
	stdout.Reset()
	probes := filepath.Join(dir, "probes")
	if err := dispatch([]string{"probe", "--ckpt", ckptPath, "--out", probes, "--json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var pr probeReport
	if err := json.Unmarshal(stdout.Bytes(), &pr); err != nil || len(pr.Results) != 12 {
		t.Errorf("probe: %v %+v", err, pr)
	}
	if pngs, _ := filepath.Glob(filepath.Join(probes, "*.png")); len(pngs) != 24 {
		t.Errorf("%d probe images, want a comparison and a film of each of 12 probes", len(pngs))
	}
	// Without --ckpt, the embedded default.
	def, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	size := fmt.Sprintf("%dx%d", def.Cfg.Width, def.Cfg.Height)
	stdout.Reset()
	if err := dispatch([]string{"bench", "play", "--min-time", "20ms", "--json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(stdout.Bytes(), &play); err != nil || play.Size != size {
		t.Errorf("bench play of the default: %v %+v", err, play)
	}
	// Fine-tuning the default starts from the embedded checkpoint.
	big := filepath.Join(dir, "big")
	if err := dispatch([]string{"synth", "--out", big, "--frames", "12", "--seed", "5", "--size", size}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	tuned := filepath.Join(dir, "tuned.safetensors")
	if err := dispatch([]string{"train", "--init", "default", "--data", big, "--out", tuned, "--ae-steps", "1", "--dyn-steps", "1", "--batch", "1", "--progress", "json"}, &stdout, &stderr); err != nil {
		t.Fatalf("fine-tuning the default: %v", err)
	}
	_, defMeta, _ := embedded.Load(cpu.New())
	if _, meta, err := model.Load(cpu.New(), tuned); err != nil || meta["ncstudio.preset"] != defMeta["ncstudio.preset"] {
		t.Errorf("the fine-tuned default's preset is %q, the default's %q (%v)", meta["ncstudio.preset"], defMeta["ncstudio.preset"], err)
	}
	// Built-in checkpoints by name: the terminal.
	stdout.Reset()
	if err := dispatch([]string{"bench", "play", "--ckpt", "terminal", "--min-time", "20ms", "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("bench play of the built-in terminal: %v", err)
	}
	if err := json.Unmarshal(stdout.Bytes(), &play); err != nil || play.Size != "256x192" {
		t.Errorf("bench play of the built-in terminal: %v %+v", err, play)
	}
	if err := dispatch([]string{"train", "--data", data, "--out", ckptPath, "--preset", "huge"}, &stdout, &stderr); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown preset: %v", err)
	}
	if err := dispatch([]string{"train", "--data", data, "--out", ckptPath, "--device", "tpu"}, &stdout, &stderr); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--device") {
		t.Errorf("--device tpu: %v", err)
	}
}

// train --device cuda runs in the CUDA worker (here on the CPU emulator of
// the CUDA kernels). Without a GPU, the user hears so.
func TestTrainOnCUDAWorker(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	workertest.UseEmulator(t)
	var stdout, stderr bytes.Buffer
	data := filepath.Join(dir, "data")
	if err := dispatch([]string{"synth", "--out", data, "--frames", "12", "--seed", "2", "--size", "64x48"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tiny.safetensors")
	stderr.Reset()
	if err := dispatch([]string{"train", "--device", "cuda", "--preset", "tiny", "--data", data, "--out", out,
		"--ae-steps", "3", "--dyn-steps", "2", "--batch", "1"}, &stdout, &stderr); err != nil {
		t.Fatalf("train --device cuda: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "training on cuda (cuda-emulator)") {
		t.Errorf("stderr does not say where training ran:\n%s", stderr.String())
	}
	if _, _, err := model.Load(cpu.New(), out); err != nil {
		t.Fatal(err)
	}

	workertest.UseNoGPU(t)
	err := dispatch([]string{"train", "--device", "cuda", "--preset", "tiny", "--data", data, "--out", filepath.Join(dir, "x.safetensors")}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no NVIDIA GPU") {
		t.Errorf("without a GPU: %v", err)
	}
}
