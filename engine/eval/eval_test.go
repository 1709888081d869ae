package eval

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func TestEvaluateRuns(t *testing.T) {
	dir, cfg := synthtest.Tiny(t, "mixed", 9, 120)
	data, err := dataset.Open([]string{dir}, trace.GUI, cfg.Width, cfg.Height)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	m, _ := model.New(cpu.New(), cfg, 1)
	calls := 0
	rep, err := Evaluate(context.Background(), m, data, Options{Windows: 10, Rollouts: 2, RolloutSteps: 8, Seed: 1,
		Progress: func(done, total int) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OneStep.Frames != 10 || rep.Reconstruction.Frames != 10 || len(rep.Drift) != 8 || calls != 26 {
		t.Fatalf("report %+v after %d progress calls", rep, calls)
	}
	if rep.Hold.OneStep.Frames != 10 || len(rep.Hold.Drift) != 8 {
		t.Fatalf("hold baseline %+v", rep.Hold)
	}
	for _, v := range append(append(rep.Drift, rep.Hold.Drift...), rep.OneStep.PSNR, rep.OneStep.SSIM, rep.RolloutPSNR, rep.Hold.RolloutPSNR) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite score in %+v", rep)
		}
	}
	// The same seed gives the same report.
	again, _ := Evaluate(context.Background(), m, data, Options{Windows: 10, Rollouts: 2, RolloutSteps: 8, Seed: 1})
	if again.OneStep != rep.OneStep || again.RolloutPSNR != rep.RolloutPSNR {
		t.Error("evaluation is not reproducible")
	}
	// Event windows are scored apart, every one where something changed,
	// and leave the other scores as they were.
	ev, err := Evaluate(context.Background(), m, data, Options{Windows: 10, Events: 6, Rollouts: 2, RolloutSteps: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Events.Frames != 6 || ev.Events.Changed != 6 || ev.Hold.Events.Changed != 6 {
		t.Fatalf("event scores %+v, hold %+v", ev.Events, ev.Hold.Events)
	}
	if ev.OneStep != rep.OneStep || !slices.Equal(ev.Drift, rep.Drift) {
		t.Error("event windows changed the other scores")
	}
	// Idle runs score every step against their start frame, and leave the
	// other scores as they were too.
	idle, err := Evaluate(context.Background(), m, data, Options{Windows: 10, Rollouts: 2, RolloutSteps: 8, Idle: 2, IdleSteps: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(idle.Idle) != 5 || idle.IdlePSNR != idle.Idle[4] || idle.IdlePSNR <= 0 || math.IsInf(idle.IdlePSNR, 0) {
		t.Fatalf("idle curve %v, end %v", idle.Idle, idle.IdlePSNR)
	}
	if idle.OneStep != rep.OneStep || !slices.Equal(idle.Drift, rep.Drift) || len(rep.Idle) != 0 {
		t.Error("idle runs changed the other scores")
	}
	// A dynamics that copies its newest latent (delta on, output zeroed, no
	// sampler noise) holds the start frame exactly: its idle curve is flat
	// at the autoencoder's reconstruction of the start frame.
	still, _ := model.New(cpu.New(), cfg, 1)
	still.Cfg.Dyn.Delta, still.Cfg.Sampler.Steps, still.Cfg.Sampler.ContextNoise = true, 1, 0
	for _, p := range still.Dyn.Out.Params() {
		still.Backend().Scale(p.Value, 0)
	}
	flat, err := Evaluate(context.Background(), still, data, Options{Idle: 1, IdleSteps: 6, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range flat.Idle {
		if v != flat.Idle[0] {
			t.Fatalf("a copying dynamics drifts when idle: %v", flat.Idle)
		}
	}
	// Holding the last frame misses what an event draws.
	if ev.Hold.Events.ChangedPSNR > 20 {
		t.Errorf("holding the frame scores %.1f dB on the changed pixels of events", ev.Hold.Events.ChangedPSNR)
	}
}
