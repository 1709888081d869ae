package studio

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The Debug page compares a trace with two checkpoints on its actions.
func TestDebugPage(t *testing.T) {
	test.NewTempApp(t)
	ws := pagesWorkspace(t)
	trainTiny(t, ws, "t")

	p := newDebugPage(ws)
	done := make(chan struct{}, 1)
	p.onDone = func() { done <- struct{}{} }
	p.ckptA.SetSelected("t")
	p.ckptB.SetSelected("t")
	p.steps.SetText("12")
	if p.trace.Selected != "tiny" {
		t.Fatalf("trace %q", p.trace.Selected)
	}
	test.Tap(p.runBtn)
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("comparison did not end")
	}
	if len(p.runs) != 2 || len(p.runs[0].PSNR) != 12 || p.scrub.Max != 11 {
		t.Fatalf("runs %d, steps %v, scrub max %g; %s", len(p.runs), len(p.runs), p.scrub.Max, p.pos.Text)
	}
	p.scrub.SetValue(5)
	if !strings.HasPrefix(p.pos.Text, "step 6 of 12 · t:") || len(p.panels.Objects) != 6 {
		t.Errorf("step 6: %q, %d panels", p.pos.Text, len(p.panels.Objects))
	}

	p.denoiseN.SetText("3")
	p.showTrajectory()
	// Frames of the trajectory, then the tiny preset's attention to the
	// action tokens (internal injection): 2 blocks x 2 action tokens.
	if len(p.trajectory.Objects) != 3 || len(p.trajectory.Objects[1].(*fyne.Container).Objects) != 8 {
		t.Fatalf("trajectory: %d objects", len(p.trajectory.Objects))
	}
	if att := p.trajectory.Objects[2].(*fyne.Container).Objects; len(att) != 2 || len(att[1].(*fyne.Container).Objects) != 4 {
		t.Errorf("attention maps: %v", att)
	}

	// The built-in model (128x96) on this 64x48 trace: an error, not a crash.
	p.ckptA.SetSelected(p.ckptA.Options[0])
	p.ckptB.SetSelected(noCheckpoint)
	test.Tap(p.runBtn)
	<-done
	if !strings.Contains(p.pos.Text, "error") {
		t.Errorf("mismatched sizes: %q", p.pos.Text)
	}
}
