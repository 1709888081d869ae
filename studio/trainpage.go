package studio

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// trainPage sets up a training run (a new model, or a fine-tune of a
// checkpoint on chosen traces with replay of older ones) and shows the
// trainer's progress: stage, steps, ETA, a live loss plot and events.
type trainPage struct {
	ws      workspace.Workspace
	tr      *trainer
	win     fyne.Window
	content fyne.CanvasObject

	base            *widget.Select
	basePaths       map[string]string // option -> checkpoint path ("" for new)
	preset          *widget.Select
	traces, replay  *widget.CheckGroup
	aeSteps         *widget.Entry
	dynSteps        *widget.Entry
	decSteps        *widget.Entry
	eventShare      *widget.Entry // train.Options.EventShare
	saveAs          *widget.Entry
	device          *deviceChoice // CPU, or CUDA once the probe found a GPU (watchCUDA)
	start, pauseBtn *widget.Button
	cancelBtn       *widget.Button
	stage           *widget.Label
	bar             *widget.ProgressBar
	plot            *canvas.Image
	events          *widget.Label
	onSaved         func(path string) // a run finished or paused with a checkpoint
	lastState       trainState
	samples         *canvas.Image // a short rollout of the last checkpoint
	sampledEvents   int           // events seen when samples were last drawn
	latentCache     string        // Options.LatentCache
}

const newModel = "New model"

func newTrainPage(ws workspace.Workspace, tr *trainer) *trainPage {
	p := &trainPage{ws: ws, tr: tr, basePaths: map[string]string{}}
	p.base = widget.NewSelect(nil, func(string) { p.syncForm() })
	p.preset = widget.NewSelect(model.PresetNames(), nil)
	p.preset.SetSelected("default")
	p.traces = widget.NewCheckGroup(nil, nil)
	p.replay = widget.NewCheckGroup(nil, nil)
	p.aeSteps, p.dynSteps, p.decSteps, p.saveAs = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	p.eventShare = widget.NewEntry()
	p.device = newDeviceChoice(nil)
	form := widget.NewForm(
		widget.NewFormItem("Start from", p.base),
		widget.NewFormItem("Preset", p.preset),
		widget.NewFormItem("Traces to learn", listBox(p.traces)),
		widget.NewFormItem("Replay (against forgetting)", listBox(p.replay)),
		widget.NewFormItem("Autoencoder steps", p.aeSteps),
		widget.NewFormItem("Dynamics steps", p.dynSteps),
		widget.NewFormItem("Decoder steps (sharpen)", p.decSteps),
		widget.NewFormItem("Share of event steps", p.eventShare),
		widget.NewFormItem("Save as", p.saveAs),
		widget.NewFormItem("Device", container.NewVBox(p.device.sel, p.device.line)),
	)
	p.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), p.onStart)
	p.start.Importance = widget.HighImportance
	p.pauseBtn = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), p.onPause)
	p.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), p.onCancel)
	refresh := widget.NewButtonWithIcon("Refresh lists", theme.ViewRefreshIcon(), p.refresh)
	refresh.Importance = widget.LowImportance

	p.stage = widget.NewLabel("")
	p.stage.Truncation = fyne.TextTruncateEllipsis
	p.bar = widget.NewProgressBar()
	p.plot = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	p.plot.FillMode = canvas.ImageFillContain
	p.plot.SetMinSize(fyne.NewSize(300, 150))
	p.events = widget.NewLabel("")
	p.events.Wrapping = fyne.TextWrapWord
	p.samples = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	p.samples.FillMode = canvas.ImageFillContain
	p.samples.ScaleMode = canvas.ImageScalePixels
	p.samples.SetMinSize(fyne.NewSize(300, 110))
	log := container.NewVSplit(container.NewBorder(nil, p.samples, nil, nil, p.plot), container.NewVScroll(p.events))
	log.Offset = 0.7
	right := container.NewBorder(container.NewVBox(p.stage, p.bar), nil, nil, nil, log)
	left := container.NewBorder(nil, container.NewHBox(p.start, p.pauseBtn, p.cancelBtn, refresh), nil, nil, container.NewVScroll(form))
	split := container.NewHSplit(left, right)
	split.Offset = 0.5
	p.content = split
	tr.changed = func() { fyne.Do(p.show) }
	p.refresh()
	p.show()
	return p
}

// listBox scrolls a check list in about five rows.
func listBox(o fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewVScroll(o)
	s.SetMinSize(fyne.NewSize(0, 150))
	return s
}

// refresh lists the checkpoints and traces of the workspace again.
func (p *trainPage) refresh() {
	var names []string
	names, p.basePaths = checkpointChoices(p.ws)
	p.basePaths[newModel] = ""
	nb := len(embedded.Builtins) // the built-in ones, then a new model, then the workspace's
	setOptions(p.base, slices.Concat(names[:nb], []string{newModel}, names[nb:]), builtinName)
	names = traceNames(p.ws)
	p.traces.Options, p.replay.Options = names, names
	p.traces.Refresh()
	p.replay.Refresh()
}

// fineTune selects a checkpoint as the base (from the Library).
func (p *trainPage) fineTune(path, name string) {
	p.refresh()
	if b, ok := builtinOf(path); ok {
		path = builtinPath(b)
	}
	for opt, pth := range p.basePaths {
		if pth == path {
			p.base.SetSelected(opt)
		}
	}
}

// syncForm fills the defaults for the chosen base: a new model trains both
// stages; a fine-tune keeps the autoencoder and trains the dynamics.
func (p *trainPage) syncForm() {
	d := train.Defaults()
	if p.base.Selected == newModel {
		p.preset.Enable()
		p.aeSteps.SetText(strconv.Itoa(d.AESteps))
		p.dynSteps.SetText(strconv.Itoa(d.DynSteps))
	} else {
		p.preset.Disable()
		p.aeSteps.SetText("0")
		p.dynSteps.SetText("1000")
	}
	p.eventShare.SetText(strconv.FormatFloat(eventShareFor(p.base.Selected == newModel), 'g', -1, 64))
	p.decSteps.SetText(strconv.Itoa(d.DecSteps))
	if p.saveAs.Text == "" || strings.HasPrefix(p.saveAs.Text, "model-") {
		p.saveAs.SetText("model-" + time.Now().Format("20060102-1504"))
	}
}

// eventShareFor is the form's share of batch items drawn from steps where
// the screen changes widely: half when fine-tuning, whose point is usually a
// new behaviour (a window, a menu) that is rare in its traces; none for a
// new model, which first has to learn the cursor and the still desktop.
func eventShareFor(newModel bool) float64 {
	if newModel {
		return train.Defaults().EventShare
	}
	return 0.5
}

// options turns the form into training options.
func (p *trainPage) options() (train.Options, error) {
	o := train.Defaults()
	o.LatentCache = p.latentCache
	var err error
	for _, f := range []struct {
		name  string
		entry *widget.Entry
		dst   *int
	}{{"autoencoder", p.aeSteps, &o.AESteps}, {"dynamics", p.dynSteps, &o.DynSteps}, {"decoder", p.decSteps, &o.DecSteps}} {
		if *f.dst, err = strconv.Atoi(strings.TrimSpace(f.entry.Text)); err != nil || *f.dst < 0 {
			return o, fmt.Errorf("%s steps: %q is not a whole number ≥ 0", f.name, f.entry.Text)
		}
	}
	if o.EventShare, err = strconv.ParseFloat(strings.TrimSpace(p.eventShare.Text), 64); err != nil || o.EventShare < 0 || o.EventShare > 1 {
		return o, fmt.Errorf("share of event steps: %q is not a number from 0 to 1", p.eventShare.Text)
	}
	if o.AESteps+o.DynSteps+o.DecSteps == 0 {
		return o, fmt.Errorf("nothing to train: every stage has 0 steps")
	}
	if len(p.traces.Selected) == 0 {
		return o, fmt.Errorf("choose at least one trace to learn (put traces in %s)", p.ws.Traces())
	}
	for _, n := range p.traces.Selected {
		o.Data = append(o.Data, filepath.Join(p.ws.Traces(), n+".nctrace"))
	}
	for _, n := range p.replay.Selected {
		o.Replay = append(o.Replay, filepath.Join(p.ws.Traces(), n+".nctrace"))
	}
	name := strings.TrimSpace(p.saveAs.Text)
	if name == "" || strings.ContainsAny(name, `/\`) {
		return o, fmt.Errorf("save as: %q is not a file name", name)
	}
	o.Out = filepath.Join(p.ws.Checkpoints(), strings.TrimSuffix(name, ".safetensors")+".safetensors")
	if _, err := os.Stat(o.Out); err == nil {
		return o, fmt.Errorf("%s exists: choose another name", o.Out)
	}
	base := p.basePaths[p.base.Selected]
	if b, ok := builtinOf(base); ok && base != "" {
		if o.Init, err = builtinFile(p.ws, b); err != nil {
			return o, err
		}
	} else if base != "" {
		o.Init = base
	} else if o.Config, err = model.Preset(p.preset.Selected); err != nil {
		return o, err
	}
	o.Meta = map[string]string{"ncstudio.trained": time.Now().UTC().Format(time.RFC3339),
		"ncstudio.command": "studio Train page, from " + p.base.Selected}
	if o.Init == "" {
		o.Meta["ncstudio.preset"] = p.preset.Selected
	}
	return o, nil
}

// builtinFile writes a built-in checkpoint into the workspace once, so
// that a training run (and its resume) or the CUDA worker can name it as a
// file.
func builtinFile(ws workspace.Workspace, b embedded.Builtin) (string, error) {
	path := filepath.Join(ws.Root, ".builtin", b.Name+".safetensors")
	if data, err := os.ReadFile(path); err == nil && bytes.Equal(data, b.Bytes()) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	tmp, err := b.Extract(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

func (p *trainPage) onStart() {
	o, err := p.options()
	if err == nil {
		if err = p.ws.Create(); err == nil {
			err = p.tr.start(o, p.device.device())
		}
	}
	if err != nil {
		p.showError(err)
		return
	}
	p.show()
}

func (p *trainPage) onPause() {
	switch p.tr.snapshot().state {
	case trainRunning:
		p.pauseBtn.Disable()
		go func() { // pausing writes a checkpoint: not on Fyne's thread
			p.tr.pause()
			fyne.Do(p.show)
		}()
	case trainPaused:
		if err := p.tr.resume(); err != nil {
			p.showError(err)
		}
		p.show()
	}
}

// onCancel stops the run for good (off Fyne's thread: stopping writes the
// checkpoint).
func (p *trainPage) onCancel() {
	p.cancelBtn.Disable()
	p.pauseBtn.Disable()
	go func() {
		err := p.tr.cancelRun()
		fyne.Do(func() {
			if err != nil {
				p.showError(err)
			}
			p.show()
		})
	}()
}

func (p *trainPage) showError(err error) { reportError(p.win, p.events, err) }

// show displays the trainer's state; it runs on Fyne's thread after every
// training step.
func (p *trainPage) show() {
	s := p.tr.snapshot()
	running := s.state == trainRunning
	if running {
		p.start.Disable()
	} else {
		p.start.Enable()
	}
	p.pauseBtn.Enable()
	if running || s.state == trainPaused {
		p.cancelBtn.Enable()
	} else {
		p.cancelBtn.Disable()
	}
	switch s.state {
	case trainRunning:
		p.pauseBtn.SetText("Pause")
		p.pauseBtn.SetIcon(theme.MediaPauseIcon())
	case trainPaused:
		p.pauseBtn.SetText("Resume")
		p.pauseBtn.SetIcon(theme.MediaPlayIcon())
	default:
		p.pauseBtn.SetText("Pause")
		p.pauseBtn.Disable()
	}
	l := s.last
	if l.Steps > 0 {
		p.bar.SetValue(float64(l.Step) / float64(l.Steps))
		line := fmt.Sprintf("%s · %s %d/%d", s.state, l.Stage, l.Step, l.Steps)
		if l.Stage != "latents" {
			line += fmt.Sprintf(" · loss %.4f · %.1f steps/s", l.Loss, l.StepsPerSec)
		}
		if running && l.ETA > 0 {
			line += " · ETA " + l.ETA.Round(time.Second).String()
		}
		p.stage.SetText(line)
	} else {
		p.stage.SetText(s.state.String())
		p.bar.SetValue(0)
	}
	if len(s.curves) > 0 && (len(s.curves[len(s.curves)-1].Steps)%10 == 1 || !running) {
		p.plot.Image = train.PlotLosses(s.curves, 720, 360)
		p.plot.Refresh()
	}
	p.events.SetText(strings.Join(s.events, "\n"))
	// A checkpoint among the events since the last draw: sample it (events
	// can arrive faster than the page draws).
	if n := len(s.events); n > p.sampledEvents {
		for _, e := range s.events[p.sampledEvents:] {
			if strings.HasPrefix(e, "checkpoint written") {
				go p.sample(s.opts.Out, s.opts.Data)
				break
			}
		}
		p.sampledEvents = n
	}
	if s.state != p.lastState && (s.state == trainFinished || s.state == trainPaused || s.state == trainCancelled) {
		notify("NC Studio: training "+s.state.String(), s.opts.Out)
		if p.onSaved != nil {
			p.onSaved(s.opts.Out)
		}
	}
	if s.state == trainFailed && p.lastState != trainFailed && s.err != nil {
		p.showError(s.err)
	}
	p.lastState = s.state
}

// notify shows a desktop notification where the session has a message bus
// to send it on (a desktop session does; Xvfb alone does not, and Fyne
// would log an error).
func notify(title, text string) {
	if app := fyne.CurrentApp(); app != nil && os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		app.SendNotification(fyne.NewNotification(title, text))
	}
}

// sampleSteps is the length of the sample rollout drawn at each checkpoint.
const sampleSteps = 8

// sample draws a short free rollout of a just-written checkpoint on the
// first training trace, under the trace's own frames (off Fyne's thread;
// it takes a fraction of a second).
func (p *trainPage) sample(ckptPath string, data []string) {
	if len(data) == 0 {
		return
	}
	m, err := loadCheckpoint(ckptPath)
	if err != nil {
		return // the checkpoint may be in the middle of its next write
	}
	ds, err := dataset.Open(data[:1], m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		return
	}
	defer ds.Close()
	c, err := eval.Compare(context.Background(), m, ds.Traces[0], sampleSteps, false, 1, nil)
	if err != nil || len(c.Pred) == 0 {
		return
	}
	strip := filmstrip(c.Truth, c.Pred)
	fyne.Do(func() {
		p.samples.Image = strip
		p.samples.Refresh()
	})
}

// filmstrip lays two rows of frames side by side: the trace above, the
// model below.
func filmstrip(top, bottom []*image.RGBA) *image.RGBA {
	w, h := top[0].Rect.Dx(), top[0].Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, len(top)*(w+2), 2*h+2))
	for i := range top {
		draw.Draw(out, image.Rect(i*(w+2), 0, i*(w+2)+w, h), top[i], image.Point{}, draw.Src)
		draw.Draw(out, image.Rect(i*(w+2), h+2, i*(w+2)+w, 2*h+2), bottom[i], image.Point{}, draw.Src)
	}
	return out
}
