package studio

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/probe"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// evalPage scores checkpoints on held-out traces (as `ncstudio eval`):
// each run adds a row to the table and a line to the drift plot, so that
// checkpoints are compared on the same frames; Export writes the report.
type evalPage struct {
	ws      workspace.Workspace
	win     fyne.Window
	content fyne.CanvasObject

	ckpt      *widget.Select
	ckptPaths map[string]string
	traces    *widget.CheckGroup
	windows   *widget.Entry
	rollouts  *widget.Entry
	steps     *widget.Entry
	probes    *widget.Check
	spec      *widget.Select // the desktop the probes use
	runBtn    *widget.Button
	bar       *widget.ProgressBar
	table     *widget.Label
	plot      *canvas.Image
	cancel    context.CancelFunc
	results   []eval.Result
	usedTrace []string
	onDone    func() // tests
	// onEvaluated: a checkpoint's latest scores were written (the Library
	// shows them).
	onEvaluated func()
}

func newEvalPage(ws workspace.Workspace) *evalPage {
	p := &evalPage{ws: ws}
	p.ckpt = widget.NewSelect(nil, nil)
	p.traces = widget.NewCheckGroup(nil, nil)
	p.windows, p.rollouts, p.steps = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	p.windows.SetText("200")
	p.rollouts.SetText("8")
	p.steps.SetText("64")
	p.probes = widget.NewCheck("also run the 12 standard probes on", nil)
	p.spec = widget.NewSelect(nil, nil)
	p.runBtn = widget.NewButtonWithIcon("Evaluate", theme.MediaPlayIcon(), p.toggleRun)
	p.runBtn.Importance = widget.HighImportance
	clearBtn := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), func() {
		p.results, p.usedTrace = nil, nil
		p.show()
	})
	export := widget.NewButtonWithIcon("Export report", theme.DocumentSaveIcon(), p.export)
	refresh := widget.NewButtonWithIcon("Refresh lists", theme.ViewRefreshIcon(), p.refresh)
	refresh.Importance = widget.LowImportance
	p.bar = widget.NewProgressBar()
	form := widget.NewForm(
		widget.NewFormItem("Checkpoint", p.ckpt),
		widget.NewFormItem("Held-out traces", listBox(p.traces)),
		widget.NewFormItem("One-step windows", p.windows),
		widget.NewFormItem("Rollouts", p.rollouts),
		widget.NewFormItem("Steps per rollout", p.steps),
		widget.NewFormItem("", container.NewVBox(p.probes, p.spec)),
	)
	p.table = widget.NewLabel("")
	p.table.TextStyle = fyne.TextStyle{Monospace: true}
	p.plot = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	p.plot.FillMode = canvas.ImageFillContain
	p.plot.SetMinSize(fyne.NewSize(300, 150))
	left := container.NewBorder(nil, container.NewVBox(p.bar, container.NewHBox(p.runBtn, clearBtn, export, refresh)), nil, nil, container.NewVScroll(form))
	right := container.NewVSplit(p.plot, container.NewScroll(p.table))
	split := container.NewHSplit(left, right)
	split.Offset = 0.4
	p.content = split
	p.refresh()
	p.show()
	return p
}

func (p *evalPage) refresh() {
	var names []string
	names, p.ckptPaths = checkpointChoices(p.ws)
	setOptions(p.ckpt, names, builtinName)
	p.traces.Options = traceNames(p.ws)
	p.traces.Refresh()
	specs := []string{builtinDesktop}
	if files, err := filepath.Glob(filepath.Join(p.ws.Specs(), "*.json")); err == nil {
		for _, f := range files {
			specs = append(specs, strings.TrimSuffix(filepath.Base(f), ".json"))
		}
	}
	setOptions(p.spec, specs, builtinDesktop)
}

// builtinDesktop names the sandbox's own spec among the saved ones.
const builtinDesktop = "the built-in desktop"

// probeSpec loads the desktop the probes run on.
func (p *evalPage) probeSpec() (*sandbox.Spec, error) {
	if p.spec.Selected == builtinDesktop || p.spec.Selected == "" {
		return sandbox.DefaultSpec(), nil
	}
	return sandbox.LoadSpec(filepath.Join(p.ws.Specs(), p.spec.Selected+".json"))
}

// toggleRun evaluates the chosen checkpoint in the background, or cancels.
func (p *evalPage) toggleRun() {
	if p.cancel != nil {
		p.cancel()
		return
	}
	windows, err1 := strconv.Atoi(strings.TrimSpace(p.windows.Text))
	rollouts, err2 := strconv.Atoi(strings.TrimSpace(p.rollouts.Text))
	steps, err3 := strconv.Atoi(strings.TrimSpace(p.steps.Text))
	if err1 != nil || err2 != nil || err3 != nil || windows < 1 || rollouts < 0 || steps < 1 {
		p.showError(fmt.Errorf("windows and steps per rollout must be ≥ 1, rollouts ≥ 0 (whole numbers)"))
		return
	}
	if len(p.traces.Selected) == 0 {
		p.showError(fmt.Errorf("choose held-out traces: traces the checkpoint was not trained on (in %s)", p.ws.Traces()))
		return
	}
	var paths []string
	for _, n := range p.traces.Selected {
		paths = append(paths, filepath.Join(p.ws.Traces(), n+".nctrace"))
	}
	name, path := p.ckpt.Selected, p.ckptPaths[p.ckpt.Selected]
	var spec *sandbox.Spec
	if p.probes.Checked {
		var err error
		if spec, err = p.probeSpec(); err != nil {
			p.showError(err)
			return
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.runBtn.SetText("Cancel")
	p.bar.SetValue(0)
	go func() {
		res, err := evaluate(ctx, path, name, paths, eval.Options{Windows: windows, Events: eval.DefaultEvents, Rollouts: rollouts, RolloutSteps: steps,
			Idle: eval.DefaultIdle, IdleSteps: eval.DefaultIdleSteps, Seed: 1,
			Progress: func(done, total int) { fyne.Do(func() { p.bar.SetValue(float64(done) / float64(total)) }) }}, spec)
		canceled := ctx.Err() != nil
		fyne.Do(func() {
			cancel()
			p.cancel = nil
			p.runBtn.SetText("Evaluate")
			switch {
			case canceled:
				p.bar.SetValue(0)
			case err != nil:
				p.showError(err)
			default:
				p.results = append(p.results, res)
				for _, t := range paths {
					if !slices.Contains(p.usedTrace, t) {
						p.usedTrace = append(p.usedTrace, t)
					}
				}
				p.show()
				if p.onEvaluated != nil {
					p.onEvaluated()
				}
			}
			if p.onDone != nil {
				p.onDone()
			}
		})
	}()
}

// evaluate loads a checkpoint ("" for the built-in one) and scores it,
// with the probes of spec when it is not nil.
func evaluate(ctx context.Context, path, name string, traces []string, o eval.Options, spec *sandbox.Spec) (eval.Result, error) {
	m, err := loadCheckpoint(path)
	if err != nil {
		return eval.Result{}, err
	}
	ds, err := dataset.Open(traces, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		return eval.Result{}, err
	}
	defer ds.Close()
	rep, err := eval.Evaluate(ctx, m, ds, o)
	if err != nil {
		return eval.Result{}, err
	}
	res := eval.Result{Checkpoint: name, Injection: m.Cfg.Dyn.Injection, Traces: len(ds.Traces), Frames: ds.Frames(), Report: rep,
		SamplerSteps: m.Cfg.Sampler.Steps, ContextNoise: m.Cfg.Sampler.ContextNoise}
	if spec != nil {
		rs, err := probe.Run(m, spec, probe.Standard(spec), probe.RunOptions{Seed: 1})
		if err != nil {
			return res, err
		}
		rate := probe.SuccessRate(rs)
		res.ProbeSuccess = &rate
	}
	if _, builtin := builtinOf(path); !builtin { // the Library shows the latest scores
		if err := eval.SaveLast(path, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// show draws the table and the drift plot of the results so far.
func (p *evalPage) show() {
	if len(p.results) == 0 {
		p.table.SetText("No results yet: choose a checkpoint and held-out traces, then Evaluate.\nEach run adds a row, so that checkpoints are compared on the same traces.")
		p.plot.Image = image.NewRGBA(image.Rect(0, 0, 1, 1))
		p.plot.Refresh()
		return
	}
	var b bytes.Buffer
	eval.MarkdownTable(&b, p.results)
	p.table.SetText(b.String())
	p.plot.Image = eval.DriftChart(p.results, 720, 360)
	p.plot.Refresh()
}

// export writes the report into the workspace's reports folder.
func (p *evalPage) export() {
	if len(p.results) == 0 {
		p.showError(fmt.Errorf("nothing to export yet: evaluate a checkpoint first"))
		return
	}
	dir := workspace.UniquePath(filepath.Join(p.ws.Root, "reports", "eval-"+time.Now().Format("20060102-150405")), "")
	if err := eval.WriteReport(dir, p.results, p.usedTrace); err != nil {
		p.showError(err)
		return
	}
	if p.win != nil {
		dialog.ShowInformation("Report exported", filepath.Join(dir, "report.md"), p.win)
	}
}

func (p *evalPage) showError(err error) { reportError(p.win, p.table, err) }

// close cancels a running evaluation.
func (p *evalPage) close() {
	if p.cancel != nil {
		p.cancel()
	}
}
