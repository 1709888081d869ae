package studio

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/studio/viewport"
	"github.com/ncstudio/ncstudio/viewer"
)

// playPage is the Play page: the viewport on a live session of a
// checkpoint, with its controls in a toolbar and a status line.
type playPage struct {
	off     *viewer.Offscreen
	vp      *viewport.Viewport
	content fyne.CanvasObject

	checkpoint string  // its name, for the HUD and a restart on another desktop
	fps        float64 // model steps per second (the checkpoint's frame rate unless chosen)
	rate       *widget.Select
	pause      *widget.Button
	record     *widget.Button
	saving     bool   // a recording is being written
	outDir     string // where recordings go
	win        fyne.Window
	onSaved    func(error) // tests: called once a recording is written
	sampler    *widget.Label
	hold       *widget.Select
	checks     []*widget.Check
	status     *widget.Label
	stop       chan struct{}
	device     *deviceChoice // where the model steps: CPU, or CUDA in the worker
	onDevice   func(device string)
}

// overlayChecks names the overlay toggles in the toolbar, with the field
// each one switches.
var overlayChecks = []struct {
	name string
	f    func(*viewer.Overlays) *bool
}{
	{"HUD", func(o *viewer.Overlays) *bool { return &o.HUD }},
	{"Cursors", func(o *viewer.Overlays) *bool { return &o.Cursors }},
	{"Trail", func(o *viewer.Overlays) *bool { return &o.Trail }},
	{"Action log", func(o *viewer.Overlays) *bool { return &o.Log }},
	{"Split view", func(o *viewer.Overlays) *bool { return &o.Split }},
}

// newPlayPage starts nothing yet: start does. Recordings are written into
// outDir; the session starts from the first frame of the desktop spec
// (nil: the built-in one), which Reset returns to.
// sessions steps the model (nil: in this process), on the device named by
// device (deviceCPU or deviceCUDA); where describes it for the HUD.
func newPlayPage(m *model.Model, checkpoint, outDir string, spec *sandbox.Spec, sessions viewer.Sessions, device, where string) (*playPage, error) {
	off, err := viewer.NewOffscreen(m, spec, viewer.PlayOptions{Checkpoint: checkpoint, Seed: 1, Sessions: sessions, Device: where})
	if err != nil {
		return nil, err
	}
	p := &playPage{off: off, vp: viewport.New(off), outDir: outDir, checkpoint: checkpoint}
	p.device = newDeviceChoice(nil)
	if device == deviceCUDA {
		p.device.sel.SetOptions([]string{deviceCPU, deviceCUDA})
	}
	p.device.sel.SetSelected(device)
	p.device.sel.OnChanged = func(v string) {
		if p.onDevice != nil {
			p.onDevice(v)
		}
	}
	p.record = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), p.toggleRecording)

	p.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), func() {
		off.Control(viewer.TogglePause)
		p.sync()
	})
	step := widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), func() { off.Control(viewer.SingleStep) })
	reset := widget.NewButtonWithIcon("Reset", theme.MediaReplayIcon(), func() { off.Control(viewer.Reset) })
	reset.Importance = widget.LowImportance
	p.sampler = widget.NewLabel("")
	fewer := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { off.Control(viewer.FewerSamplerSteps); p.sync() })
	more := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { off.Control(viewer.MoreSamplerSteps); p.sync() })
	p.fps = m.Cfg.FPS
	p.rate = widget.NewSelect([]string{"5", "10", "15", "20", "30"}, func(v string) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f == p.fps {
			return
		}
		p.fps = f
		if p.stop != nil { // running: step at the new rate from now on
			p.off.Runner().Stop()
			p.off.Runner().Start(p.fps)
		}
	})
	p.rate.SetSelected(strconv.FormatFloat(p.fps, 'f', -1, 64))
	p.hold = widget.NewSelect(holdChoices(m.Cfg.Sampler.Hold), func(v string) {
		if h, ok := parseHold(v); ok {
			off.Runner().SetHold(h)
		}
	})
	p.hold.SetSelected(formatHold(m.Cfg.Sampler.Hold))
	// Two rows, how it steps and what it shows: in one, the recording and
	// device controls ended past the right edge of a 1280-pixel screen.
	steps := container.NewHBox(p.pause, step, reset, widget.NewSeparator(), widget.NewLabel("Sampler steps"), fewer, p.sampler, more,
		widget.NewLabel("Hold"), p.hold, widget.NewLabel("Steps/s"), p.rate)
	view := container.NewHBox()
	for _, c := range overlayChecks {
		field := c.f
		chk := widget.NewCheck(c.name, func(on bool) {
			o := off.Overlays()
			if *field(&o) != on {
				*field(&o) = on
				off.SetOverlays(o)
			}
		})
		p.checks = append(p.checks, chk)
		view.Add(chk)
	}
	help := widget.NewButtonWithIcon("Keys", theme.HelpIcon(), func() { off.Control(viewer.ToggleHelp) })
	help.Importance = widget.LowImportance
	view.Add(help)
	view.Add(widget.NewSeparator())
	view.Add(p.record)
	view.Add(widget.NewSeparator())
	view.Add(widget.NewLabel("Steps on"))
	view.Add(p.device.sel)

	p.status = widget.NewLabel("")
	p.status.Truncation = fyne.TextTruncateEllipsis
	hint := widget.NewLabel(fmt.Sprintf("%s · %dx%d · %s injection · click the view, then mouse and keyboard drive the neural computer; F1..F11 as in `ncstudio play`",
		checkpoint, m.Cfg.Width, m.Cfg.Height, m.Cfg.Dyn.Injection))
	hint.Importance = widget.LowImportance
	hint.Truncation = fyne.TextTruncateEllipsis
	toolbar := container.NewVBox(container.NewHScroll(steps), container.NewHScroll(view))
	p.content = container.NewBorder(toolbar, container.NewVBox(p.status, hint, p.device.line), nil, nil, p.vp)
	p.sync()
	return p, nil
}

// sync shows the session's state in the toolbar and status line.
func (p *playPage) sync() {
	snap := p.off.Runner().Latest()
	if snap.Paused {
		p.pause.SetText("Resume")
		p.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		p.pause.SetText("Pause")
		p.pause.SetIcon(theme.MediaPauseIcon())
	}
	p.sampler.SetText(fmt.Sprint(snap.Sampler))
	o := p.off.Overlays()
	for i, c := range overlayChecks {
		if on := *c.f(&o); p.checks[i].Checked != on {
			p.checks[i].SetChecked(on)
		}
	}
	state := "running"
	if snap.Paused {
		state = "paused"
	}
	if n := p.off.Runner().Recording(); n > 0 {
		state += fmt.Sprintf(" · ● recording %d steps (%.0f s of %.0f)", n-1, float64(n-1)/p.off.Runner().Model().Cfg.FPS,
			float64(viewer.MaxRecording)/p.off.Runner().Model().Cfg.FPS)
		p.record.SetText("Stop and save")
		p.record.Importance = widget.DangerImportance
	} else if !p.saving {
		p.record.SetText("Record")
		p.record.Importance = widget.MediumImportance
	}
	p.record.Refresh()
	p.status.SetText(fmt.Sprintf("step %d · %s · last step %.1f ms · OpenGL: %s", snap.Step, state, snap.StepMs, p.off.Info().Renderer))
}

// start begins stepping the model, redrawing, and refreshing the toolbar.
func (p *playPage) start() {
	if p.stop != nil {
		return
	}
	p.off.Runner().Start(p.fps)
	p.vp.Start(30)
	p.stop = make(chan struct{})
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				fyne.Do(p.sync)
			}
		}
	}()
}

// suspend stops stepping and redrawing (another page is shown); start
// continues.
func (p *playPage) suspend() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.stop = nil
	p.vp.Stop()
	p.off.Runner().Stop()
}

// close stops everything and frees the GL context.
func (p *playPage) close() {
	p.suspend()
	p.off.Close()
}

// toggleRecording starts keeping the session's steps, or stops and writes
// them (decoded by the shaders) as a trace and a GIF into outDir, off
// Fyne's thread, telling the user where they went.
func (p *playPage) toggleRecording() {
	r := p.off.Runner()
	if p.saving {
		return
	}
	if r.Recording() == 0 {
		r.StartRecording()
		p.sync()
		return
	}
	snaps := r.StopRecording()
	p.saving = true
	p.record.SetText("Saving…")
	p.record.Disable()
	name := "rollout-" + time.Now().Format("20060102-150405")
	dir, gifPath := filepath.Join(p.outDir, name+".nctrace"), filepath.Join(p.outDir, name+".gif")
	go func() {
		err := os.MkdirAll(p.outDir, 0o755)
		if err == nil {
			err = p.off.SaveRecording(snaps, dir, gifPath, func(done, total int) {
				fyne.Do(func() { p.record.SetText(fmt.Sprintf("Saving %d/%d", done, total)) })
			})
		}
		fyne.Do(func() {
			p.saving = false
			p.record.Enable()
			p.sync()
			if p.onSaved != nil {
				p.onSaved(err)
			}
			if p.win == nil {
				return
			}
			if err != nil {
				dialog.ShowError(fmt.Errorf("saving the recording: %w", err), p.win)
				return
			}
			dialog.ShowInformation("Recording saved", fmt.Sprintf("%d steps\n%s\n%s", len(snaps)-1, gifPath, dir), p.win)
		})
	}()
}

// holdChoices are the sampler holds the Play page offers: off, the values
// the validation sweep tried (docs/MODEL.md), and the checkpoint's own.
func holdChoices(own float32) []string {
	holds := []float32{0, 0.3, 0.6, 1}
	if own > 0 && !slices.Contains(holds, own) {
		holds = append(holds, own)
		slices.Sort(holds)
	}
	names := make([]string, len(holds))
	for i, h := range holds {
		names[i] = formatHold(h)
	}
	return names
}

func formatHold(h float32) string {
	if h <= 0 {
		return "off"
	}
	return strconv.FormatFloat(float64(h), 'g', 3, 32)
}

func parseHold(s string) (float32, bool) {
	if s == "off" {
		return 0, true
	}
	h, err := strconv.ParseFloat(s, 32)
	return float32(h), err == nil && h >= 0
}
