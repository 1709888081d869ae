package cuda_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/train"
)

// trainingLosses trains the tiny preset for aeSteps autoencoder and
// dynSteps dynamics steps on be and returns the loss of every step.
func trainingLosses(t *testing.T, be tensor.Backend, data string, aeSteps, dynSteps int) []float64 {
	t.Helper()
	cfg, _ := model.Preset("tiny")
	var losses []float64
	_, err := train.Run(context.Background(), be, train.Options{
		Data: []string{data}, Config: cfg, Out: filepath.Join(t.TempDir(), "tiny.safetensors"),
		AESteps: aeSteps, DynSteps: dynSteps, Batch: 2, LR: 3e-3, CursorWeight: 5, ChangeWeight: 2,
		ContextNoiseMax: 0.1, Seed: 3,
		Progress: func(p train.Progress) {
			if p.Stage != "latents" {
				losses = append(losses, p.Loss)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return losses
}

// checkTrainingTracksCPU trains the same tiny model from the same seed on
// be and on the CPU backend and requires every step's loss to agree within
// 1e-2 (relative): the kernels and the backend compose into the same
// training, autoencoder and dynamics stages both.
func checkTrainingTracksCPU(t *testing.T, be tensor.Backend, aeSteps, dynSteps int) {
	cfg, _ := model.Preset("tiny")
	data := t.TempDir()
	for k := range 2 {
		_, err := synth.Write(context.Background(), filepath.Join(data, fmt.Sprintf("t%d.nctrace", k)),
			synth.Options{Width: cfg.Width, Height: cfg.Height, FPS: 15, Agent: "goal", Seed: uint64(k + 1), Frames: 40})
		if err != nil {
			t.Fatal(err)
		}
	}
	got := trainingLosses(t, be, data, aeSteps, dynSteps)
	want := trainingLosses(t, cpu.New(), data, aeSteps, dynSteps)
	if len(got) != len(want) || len(got) != aeSteps+dynSteps {
		t.Fatalf("%d and %d losses, want %d", len(got), len(want), aeSteps+dynSteps)
	}
	worst := 0.0
	for i := range got {
		rel := math.Abs(got[i]-want[i]) / math.Abs(want[i])
		worst = max(worst, rel)
		if rel > 1e-2 {
			t.Errorf("step %d: loss %.6g on %s, %.6g on the CPU (relative difference %.2g)", i+1, got[i], be.Name(), want[i], rel)
		}
	}
	t.Logf("%d steps: worst relative difference of the loss %.2g (first %.4g, last %.4g on %s)", len(got), worst, got[0], got[len(got)-1], be.Name())
}
