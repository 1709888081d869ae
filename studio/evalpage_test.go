package studio

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// The Evaluate page scores a checkpoint on a trace, shows the table and
// the drift plot, and exports the report.
func TestEvalPage(t *testing.T) {
	test.NewTempApp(t)
	ws := pagesWorkspace(t)
	p := newEvalPage(ws)
	done := make(chan struct{}, 1)
	p.onDone = func() { done <- struct{}{} }
	// The built-in checkpoint is 128x96; the workspace's trace 64x48: the
	// error names both sizes.
	p.traces.SetSelected([]string{"tiny"})
	p.windows.SetText("3")
	p.rollouts.SetText("1")
	p.steps.SetText("20")
	test.Tap(p.runBtn)
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("evaluation did not end")
	}
	if !strings.Contains(p.table.Text, "error") {
		t.Errorf("evaluating a 128x96 model on 64x48 traces: %q", p.table.Text)
	}

	// A tiny model trained on nothing, evaluated on its own size.
	trainTiny(t, ws, "t")
	p.refresh()
	p.ckpt.SetSelected("t")
	test.Tap(p.runBtn)
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("evaluation did not end")
	}
	if len(p.results) != 1 || !strings.Contains(p.table.Text, "| t | internal |") {
		t.Fatalf("table:\n%s", p.table.Text)
	}
	// The Library shows the checkpoint's latest scores.
	if line := lastEval(filepath.Join(ws.Checkpoints(), "t.safetensors")); !strings.HasPrefix(line, "Last evaluated ") || !strings.Contains(line, "(1 traces,") {
		t.Errorf("Library line: %q", line)
	}
	if line := lastEval(filepath.Join(ws.Checkpoints(), "none.safetensors")); !strings.HasPrefix(line, "Not evaluated yet") {
		t.Errorf("Library line of an unevaluated checkpoint: %q", line)
	}
	p.export()
	reports, _ := filepath.Glob(filepath.Join(ws.Root, "reports", "eval-*", "report.md"))
	if len(reports) != 1 {
		t.Fatalf("reports: %v", reports)
	}
	if md, _ := os.ReadFile(reports[0]); !strings.Contains(string(md), "tiny.nctrace") {
		t.Errorf("report:\n%s", md)
	}
}
