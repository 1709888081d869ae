package studio

import (
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/viewer"
)

// The Play page with Fyne's test driver: mouse events on the viewport
// become actions in frame pixels, the toolbar drives the session and the
// overlays, and a redraw fills the canvas image at the widget's size.
func TestPlayPage(t *testing.T) {
	test.NewTempApp(t)
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	recDir := t.TempDir()
	p, err := newPlayPage(m, "default", recDir, nil, nil, deviceCPU, "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	w := test.NewTempWindow(t, p.content)
	w.Resize(fyne.NewSize(900, 600))
	p.vp.Resize(fyne.NewSize(384, 288))   // 3 pixels per frame pixel, no letterbox
	if err := p.vp.Redraw(); err != nil { // lays the view out
		t.Fatal(err)
	}

	p.vp.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(31, 61)}})
	p.vp.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(31, 61)}, Button: desktop.MouseButtonPrimary})
	// The pointer glides from the desktop's centre (PacePointer), then clicks.
	var a action.Action
	for range 10 {
		if a = p.off.Runner().Input().Step(); a.Buttons != 0 {
			break
		}
	}
	if a.X != 10 || a.Y != 20 || a.Buttons == 0 {
		t.Errorf("mouse at (31,61) of a 3x view gave action %v, want (10,20) with the left button", a)
	}

	if p.fps != 15 || p.rate.Selected != "15" {
		t.Errorf("steps per second %g (%q), want the checkpoint's 15", p.fps, p.rate.Selected)
	}
	p.rate.SetSelected("30")
	if p.fps != 30 {
		t.Errorf("choosing 30 steps/s gave %g", p.fps)
	}
	test.Tap(p.pause)
	if !p.off.Runner().Latest().Paused || p.pause.Text != "Resume" {
		t.Errorf("Pause: paused=%v, button %q", p.off.Runner().Latest().Paused, p.pause.Text)
	}
	before := p.off.Runner().Latest().Sampler
	p.sync()
	for _, c := range p.checks {
		if c.Text == "Split view" {
			test.Tap(c)
		}
	}
	if !p.off.Overlays().Split {
		t.Error("the Split view box did not switch the split view on")
	}
	if p.sampler.Text == "" || before < 1 {
		t.Errorf("sampler steps shown as %q", p.sampler.Text)
	}
	// The hold starts at the built-in's and a choice outlives a Reset.
	if p.hold.Selected != formatHold(m.Cfg.Sampler.Hold) || m.Cfg.Sampler.Hold == 0 || p.off.Runner().Latest().Hold != m.Cfg.Sampler.Hold {
		t.Errorf("hold shown as %q, runner's %g, want the checkpoint's %g", p.hold.Selected, p.off.Runner().Latest().Hold, m.Cfg.Sampler.Hold)
	}
	p.hold.SetSelected("off")
	p.off.Control(viewer.Reset)
	if h := p.off.Runner().Latest().Hold; h != 0 {
		t.Errorf("after choosing hold off and Reset the runner's hold is %g", h)
	}
	p.hold.SetSelected("1")
	if h := p.off.Runner().Latest().Hold; h != 1 {
		t.Errorf("after choosing hold 1 the runner's hold is %g", h)
	}

	if err := p.vp.Redraw(); err != nil {
		t.Fatal(err)
	}
	img, ok := p.vp.Image().(*image.RGBA)
	if !ok || img.Rect.Dx() != 384 || img.Rect.Dy() != 288 {
		t.Fatalf("viewport image %T %v, want 384x288", p.vp.Image(), p.vp.Image().Bounds())
	}
	// Record a few steps, stop: a trace and a GIF appear in the folder.
	saved := make(chan error, 1)
	p.onSaved = func(err error) { saved <- err }
	test.Tap(p.record)
	for range 4 {
		p.off.Runner().StepWith(a)
	}
	test.Tap(p.record)
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the recording was not saved within a minute")
	}
	gifs, _ := filepath.Glob(filepath.Join(recDir, "rollout-*.gif"))
	traces, _ := filepath.Glob(filepath.Join(recDir, "rollout-*.nctrace"))
	if len(gifs) != 1 || len(traces) != 1 || p.record.Disabled() {
		t.Errorf("after saving: GIFs %v, traces %v, button disabled %v", gifs, traces, p.record.Disabled())
	}

	if p.off.Overlays() != (viewer.Overlays{HUD: true, Cursors: true, Trail: true, Log: true, Split: true}) {
		t.Errorf("overlays %+v", p.off.Overlays())
	}
}

func TestHoldChoices(t *testing.T) {
	for _, c := range []struct {
		own  float32
		want string
	}{{0.6, "[off 0.3 0.6 1]"}, {0, "[off 0.3 0.6 1]"}, {0.45, "[off 0.3 0.45 0.6 1]"}, {2, "[off 0.3 0.6 1 2]"}} {
		if got := fmt.Sprint(holdChoices(c.own)); got != c.want {
			t.Errorf("holdChoices(%g) = %s, want %s", c.own, got, c.want)
		}
	}
	if _, ok := parseHold("-1"); ok {
		t.Error("a negative hold parsed")
	}
}
