package studio

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// pagesWorkspace is a workspace with one short sandbox trace at the tiny
// preset's size.
func pagesWorkspace(t *testing.T) workspace.Workspace {
	t.Helper()
	ws := workspace.Workspace{Root: filepath.Join(t.TempDir(), "NCStudio")}
	if err := ws.Create(); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(context.Background(), filepath.Join(ws.Traces(), "tiny.nctrace"),
		synth.Options{Width: 64, Height: 48, FPS: 15, Agent: "mixed", Seed: 1, Frames: 60}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// waitTrainer waits for training to reach want. The deadline only catches a
// run that never gets there, so it is generous: a tiny run on the CUDA
// emulator has taken over two minutes on a slow 2-core virtual machine.
func waitTrainer(t *testing.T, tr *trainer, want trainState) trainSnapshot {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		s := tr.snapshot()
		if s.state == want {
			return s
		}
		if s.state == trainFailed || time.Now().After(deadline) {
			t.Fatalf("training is %s (%v), want %s; events:\n%s", s.state, s.err, want, strings.Join(s.events, "\n"))
		}
	}
}

// From the Train page: a new tiny model on the workspace's trace, paused
// and resumed, then found in the Library.
func TestTrainPageToLibrary(t *testing.T) {
	test.NewTempApp(t)
	ws := pagesWorkspace(t)
	tr := &trainer{}
	p := newTrainPage(ws, tr)
	saved := make(chan string, 4)
	p.onSaved = func(path string) { saved <- path }

	// Fine-tuning draws half of its batches from event steps, a new model none.
	p.base.SetSelected(p.base.Options[0])
	if p.eventShare.Text != "0.5" {
		t.Errorf("fine-tuning %s: event share %q", p.base.Selected, p.eventShare.Text)
	}
	p.base.SetSelected(newModel)
	if p.eventShare.Text != "0" {
		t.Errorf("a new model: event share %q", p.eventShare.Text)
	}
	p.preset.SetSelected("tiny")
	if len(p.traces.Options) != 1 {
		t.Fatalf("trace options %v", p.traces.Options)
	}
	p.traces.SetSelected([]string{"tiny"})
	p.aeSteps.SetText("4")
	p.dynSteps.SetText("400")
	p.saveAs.SetText("mine")
	test.Tap(p.start)
	for tr.snapshot().last.Stage != "dynamics" || tr.snapshot().last.Step < 3 {
		if s := tr.snapshot(); s.state == trainFailed {
			t.Fatal(s.err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	test.Tap(p.pauseBtn) // pauses in the background
	s := waitTrainer(t, tr, trainPaused)
	out := filepath.Join(ws.Checkpoints(), "mine.safetensors")
	if s.opts.Out != out {
		t.Errorf("writes %s, want %s", s.opts.Out, out)
	}
	for _, f := range []string{out, out + ".resume", out + ".losses.csv"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("paused run: %v", err)
		}
	}
	test.Tap(p.pauseBtn) // Resume
	s = waitTrainer(t, tr, trainFinished)
	if s.last.Stage != "dynamics" || s.last.Step != 400 {
		t.Errorf("finished at %s %d/%d", s.last.Stage, s.last.Step, s.last.Steps)
	}
	// The page follows the trainer on its own refresh tick.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.stage.Text, "finished") || p.bar.Value != 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("page shows %q, bar %.2f", p.stage.Text, p.bar.Value)
			break
		}
	}
	// A sample rollout of the last checkpoint: 8 steps, trace above, model below.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b := p.samples.Image.Bounds(); b.Dx() == 8*(64+2) && b.Dy() == 2*48+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sample rollout shown (image %v)", p.samples.Image.Bounds())
		}
	}
	// A share of event steps outside [0, 1] is refused with its field's name.
	p.eventShare.SetText("1.5")
	if _, err := p.options(); err == nil || !strings.Contains(err.Error(), "event steps") {
		t.Errorf("event share 1.5: %v", err)
	}
	p.eventShare.SetText("0")
	// Starting again with the same name is refused: nothing is overwritten.
	p.events.SetText("")
	test.Tap(p.start)
	if !strings.Contains(p.events.Text, "exists") {
		t.Errorf("a second run into mine.safetensors: %q", p.events.Text)
	}

	l := newLibraryPage(ws)
	found := -1
	for i, c := range l.ckpts {
		if c.Name == "mine" {
			found = i
		}
	}
	if found < 0 || l.ckpts[0].Err != nil {
		t.Fatalf("the Library lists %+v", l.ckpts)
	}
	l.ckptList.Select(found)
	var texts []string
	for _, o := range test.LaidOutObjects(l.detail) {
		if lb, ok := o.(*widget.Label); ok {
			texts = append(texts, lb.Text)
		}
	}
	if all := strings.Join(texts, "\n"); !strings.Contains(all, "64x48") || !strings.Contains(all, "400 dynamics steps") {
		t.Errorf("checkpoint details:\n%s", all)
	}
	var tuned string
	l.onFineTune = func(path, _ string) { tuned = path }
	for _, o := range test.LaidOutObjects(l.detail) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Fine-tune" {
			test.Tap(b)
		}
	}
	if tuned != out {
		t.Errorf("Fine-tune gave %q", tuned)
	}
	p.fineTune(tuned, "mine")
	if p.base.Selected != "mine" || p.aeSteps.Text != "0" {
		t.Errorf("fine-tune form: base %q, autoencoder steps %q", p.base.Selected, p.aeSteps.Text)
	}
}

// trainTiny trains a tiny model named name from the Train page, 2 steps
// per stage, on the workspace's trace.
func trainTiny(t *testing.T, ws workspace.Workspace, name string) {
	t.Helper()
	tr := &trainer{}
	startTiny(newTrainPage(ws, tr), "2", "2", name)
	waitTrainer(t, tr, trainFinished)
}

// startTiny fills the Train page for a new tiny model on the workspace's
// trace and presses Start.
func startTiny(p *trainPage, aeSteps, dynSteps, name string) {
	p.base.SetSelected(newModel)
	p.preset.SetSelected("tiny")
	p.traces.SetSelected([]string{"tiny"})
	p.aeSteps.SetText(aeSteps)
	p.dynSteps.SetText(dynSteps)
	p.saveAs.SetText(name)
	test.Tap(p.start)
}

// Cancel stops a run for good: the checkpoint of the stop stays, the
// resume file goes, and neither Pause nor Cancel is offered any more.
func TestTrainPageCancel(t *testing.T) {
	test.NewTempApp(t)
	ws := pagesWorkspace(t)
	tr := &trainer{}
	p := newTrainPage(ws, tr)
	startTiny(p, "2", "100000", "stopped")
	for tr.snapshot().last.Stage != "dynamics" || tr.snapshot().last.Step < 2 {
		if s := tr.snapshot(); s.state == trainFailed {
			t.Fatal(s.err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	test.Tap(p.cancelBtn)
	waitTrainer(t, tr, trainCancelled)
	out := filepath.Join(ws.Checkpoints(), "stopped.safetensors")
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no checkpoint after cancel: %v", err)
	}
	if _, err := os.Stat(out + ".resume"); !os.IsNotExist(err) {
		t.Errorf("the resume file is still there: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); !p.cancelBtn.Disabled() || !p.pauseBtn.Disabled(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after cancel: Cancel disabled %v, Pause disabled %v", p.cancelBtn.Disabled(), p.pauseBtn.Disabled())
		}
	}
}
