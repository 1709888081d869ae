package eval

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/termrec"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestEvaluateTerminal scores an untrained terminal model on a recorded
// bash session: text scores come with every kind of prediction, and the
// untrained model draws none of what changed.
func TestEvaluateTerminal(t *testing.T) {
	home := t.TempDir()
	if err := termrec.PrepareHome(home); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bash.nctrace")
	o := termrec.Options{Cols: 8, Rows: 3, Env: termrec.ShellEnv(home), Dir: home}
	if _, err := termrec.RunScript(context.Background(), dir, o, termrec.ShellArgv, termrec.NewTypist(5), 40); err != nil {
		t.Fatal(err)
	}
	cfg, _ := model.Preset("tiny")
	cfg.Terminal = &model.TerminalConfig{Cols: 8, Rows: 3, CellW: 8, CellH: 16, Theme: "dark"}
	cfg.Dyn.CursorMap = false
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Open([]string{dir}, trace.GUI, 64, 48); err == nil {
		t.Error("a cli trace opened as a GUI dataset")
	}
	ds, err := dataset.Open([]string{dir}, m.Cfg.TraceKind(), 64, 48)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	rep, err := Evaluate(context.Background(), m, ds, Options{Windows: 30, Rollouts: 2, RolloutSteps: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reconstruction.Text == nil || rep.OneStep.Text == nil || rep.RolloutText == nil {
		t.Fatalf("no text scores: %+v", rep)
	}
	if s := rep.OneStep.Text; s.ChangedCells == 0 || s.CharAccuracy > 0.2 || s.ChangedAccuracy > 0.6 {
		t.Errorf("untrained one-step text scores %+v", *s)
	}
	// The hold baseline is scored on the same cells.
	if h := rep.Hold.OneStep.Text; h == nil || rep.Hold.RolloutText == nil || h.ChangedCells != rep.OneStep.Text.ChangedCells {
		t.Errorf("hold baseline text scores %+v", h)
	}
	// Character accuracy by rollout step: the pooled score is a weighted
	// mean of the steps', so it lies between their extremes.
	for _, c := range []struct {
		name   string
		drift  []float64
		pooled float64
	}{{"model", rep.TextDrift, rep.RolloutText.CharAccuracy}, {"hold", rep.Hold.TextDrift, rep.Hold.RolloutText.CharAccuracy}} {
		if len(c.drift) != 8 {
			t.Fatalf("%s: %d steps of character accuracy, want 8", c.name, len(c.drift))
		}
		if lo, hi := slices.Min(c.drift), slices.Max(c.drift); lo < 0 || hi > 1 || c.pooled < lo-1e-9 || c.pooled > hi+1e-9 {
			t.Errorf("%s: pooled %.3f outside the steps' range %.3f..%.3f", c.name, c.pooled, lo, hi)
		}
	}
}
