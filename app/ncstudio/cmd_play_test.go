package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/worker/workertest"
)

func TestPlayErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.safetensors")
	os.WriteFile(corrupt, []byte("not a checkpoint"), 0o644)
	badActions := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(badActions, []byte("{\"x\":1,\"y\":2}\n{\"x\":\"left\"}\n"), 0o644)
	full := filepath.Join(dir, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644)
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte("{\"x\":1,\"y\":2}\n"), 0o644)

	checkCommandErrors(t, []commandError{
		{[]string{"play", "--ckpt", filepath.Join(dir, "missing.safetensors")}, "missing.safetensors: no such file", 1},
		{[]string{"play", "--ckpt", corrupt}, "corrupt.safetensors:", 1},
		{[]string{"play", "--headless"}, "needs --actions FILE and --out DIR", 2},
		{[]string{"play", "--actions", good}, "--actions and --out go with --headless", 2},
		{[]string{"play", "--headless", "--actions", badActions, "--out", filepath.Join(dir, "o")}, "bad.jsonl:2:", 1},
		{[]string{"play", "--headless", "--actions", good, "--out", full}, "exists and is not empty", 1},
	})
	if b, _ := os.ReadFile(filepath.Join(full, "keep.txt")); string(b) != "mine" {
		t.Error("a refused replay touched the existing directory")
	}

	// Without a display the window cannot open; the error says what to do.
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	err := dispatch([]string{"play"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "--headless") {
		t.Errorf("play without a display: %v", err)
	}
}

func TestPlayHeadlessJSON(t *testing.T) {
	dir := t.TempDir()
	acts := filepath.Join(dir, "moves.jsonl")
	os.WriteFile(acts, []byte("{\"x\":30,\"y\":30}\n{\"x\":40,\"y\":35}\n{\"x\":50,\"y\":40,\"buttons\":1}\n{\"x\":50,\"y\":40}\n"), 0o644)
	var out bytes.Buffer
	if err := dispatch([]string{"play", "--headless", "--actions", acts, "--out", filepath.Join(dir, "out"), "--json"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Steps   int `json:"steps"`
		PerStep []struct {
			X, Y int
		} `json:"per_step"`
		GL struct{ Renderer string } `json:"gl"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Steps != 4 || len(rep.PerStep) != 4 || rep.PerStep[2].X != 50 || rep.GL.Renderer == "" {
		t.Errorf("report: %+v", rep)
	}
}

// play --device cuda steps the model in the CUDA worker (here on the CPU
// emulator of its kernels) and decodes here: the frames match a CPU replay.
func TestPlayHeadlessOnCUDAWorker(t *testing.T) {
	workertest.UseEmulator(t)
	dir := t.TempDir()
	cfg, _ := model.Preset("tiny")
	m, err := model.New(cpu.New(), cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	ckptPath := filepath.Join(dir, "tiny.safetensors")
	if err := m.Save(ckptPath, nil); err != nil {
		t.Fatal(err)
	}
	acts := filepath.Join(dir, "moves.jsonl")
	os.WriteFile(acts, []byte("{\"x\":20,\"y\":20}\n{\"x\":30,\"y\":25}\n{\"x\":30,\"y\":25,\"buttons\":1}\n"), 0o644)
	replay := func(device string) (rep struct {
		Steps   int `json:"steps"`
		PerStep []struct {
			PSNR float64 `json:"sandbox_psnr"`
		} `json:"per_step"`
	}) {
		var out, stderr bytes.Buffer
		if err := dispatch([]string{"play", "--headless", "--device", device, "--ckpt", ckptPath, "--actions", acts,
			"--out", filepath.Join(dir, device), "--json"}, &out, &stderr); err != nil {
			t.Fatalf("--device %s: %v\n%s", device, err, stderr.String())
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if device == "cuda" && !strings.Contains(stderr.String(), "stepping on cuda (cuda-emulator)") {
			t.Errorf("stderr: %s", stderr.String())
		}
		return rep
	}
	onCPU, onCUDA := replay("cpu"), replay("cuda")
	if onCUDA.Steps != 3 || len(onCUDA.PerStep) != 3 {
		t.Fatalf("report %+v", onCUDA)
	}
	for i := range onCPU.PerStep {
		if d := math.Abs(onCPU.PerStep[i].PSNR - onCUDA.PerStep[i].PSNR); d > 0.1 {
			t.Errorf("step %d: PSNR against the sandbox %.3f dB on the CPU, %.3f dB in the worker", i+1, onCPU.PerStep[i].PSNR, onCUDA.PerStep[i].PSNR)
		}
	}
}
