package eval

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// goalTrace is the built-in model and a short goal-agent trace at its size.
func goalTrace(t *testing.T, frames int) (*model.Model, *dataset.Dataset) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "goal.nctrace")
	if _, err := synth.Write(context.Background(), dir, synth.Options{Width: 128, Height: 96, FPS: 15, Agent: "goal", Seed: 3, Frames: frames}); err != nil {
		t.Fatal(err)
	}
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open([]string{dir}, trace.GUI, 128, 96)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ds.Close)
	return m, ds
}

func TestCompare(t *testing.T) {
	m, ds := goalTrace(t, 30)
	free, err := Compare(context.Background(), m, ds.Traces[0], 20, false, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	one, err := Compare(context.Background(), m, ds.Traces[0], 20, true, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(free.PSNR) != 20 || len(one.Pred) != 20 || len(one.Detected) != 20 {
		t.Fatalf("lengths %d %d %d", len(free.PSNR), len(one.Pred), len(one.Detected))
	}
	mean := func(v []float64) (s float64) {
		for _, x := range v {
			s += x / float64(len(v))
		}
		return s
	}
	// Predictions from the true frames do not drift: on average they are
	// closer to the truth than the free rollout's.
	t.Logf("mean PSNR over 20 steps: one step %.2f dB, free rollout %.2f dB", mean(one.PSNR), mean(free.PSNR))
	if mean(one.PSNR) <= mean(free.PSNR) || one.PSNR[0] != free.PSNR[0] {
		t.Errorf("one step %.2f vs free %.2f (first steps %.2f, %.2f)", mean(one.PSNR), mean(free.PSNR), one.PSNR[0], free.PSNR[0])
	}
	if _, err := Compare(context.Background(), m, ds.Traces[0], 0, false, 1, nil); err == nil {
		t.Error("0 steps accepted")
	}
}

func TestDenoise(t *testing.T) {
	m, ds := goalTrace(t, 10)
	tr, err := Denoise(m, ds.Traces[0], 4, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Noisy) != 5 || len(tr.Pred) != 5 {
		t.Fatalf("%d noisy, %d predicted frames", len(tr.Noisy), len(tr.Pred))
	}
	// The last Euler step lands on its prediction, and the path gets closer
	// to the true frame than where it started.
	last := len(tr.Noisy) - 1
	if p := metrics.PSNR(tr.Noisy[last], tr.Pred[last]); p < 40 {
		t.Errorf("the last step ends %.1f dB from its prediction", p)
	}
	first, end := metrics.PSNR(tr.Noisy[0], tr.Truth), metrics.PSNR(tr.Noisy[last], tr.Truth)
	t.Logf("PSNR to the true frame along the path: %.1f dB after step 1, %.1f dB at the end", first, end)
	if end <= first {
		t.Errorf("denoising moved away from the frame: %.1f → %.1f dB", first, end)
	}
	// The embedded model injects actions by cross-attention: its maps come along.
	if a := tr.Attention; a == nil || len(a.Maps) != m.Cfg.Dyn.Layers || len(a.Maps[0][0]) != a.GridW*a.GridH {
		t.Errorf("attention maps %+v", a)
	}
	if _, err := Denoise(m, ds.Traces[0], 9, 5, 1); err == nil {
		t.Error("denoising past the last frame accepted")
	}
}
