package studio

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/plot"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// debugPage compares a trace (the conventional computer) with one or two
// checkpoints driven by its actions: frame by frame side by side, with
// difference heat maps, the logged against the drawn cursor, and a PSNR
// timeline to scrub. Two checkpoints on one action stream compare, say,
// injection modes.
type debugPage struct {
	ws      workspace.Workspace
	win     fyne.Window
	content fyne.CanvasObject

	trace      *widget.Select
	ckptA      *widget.Select
	ckptB      *widget.Select
	ckptPaths  map[string]string
	steps      *widget.Entry
	mode       *widget.RadioGroup
	runBtn     *widget.Button
	bar        *widget.ProgressBar
	timeline   *canvas.Image
	scrub      *widget.Slider
	pos        *widget.Label
	panels     *fyne.Container
	denoiseN   *widget.Entry
	trajectory *fyne.Container
	cancel     context.CancelFunc
	names      []string
	runs       []eval.Comparison
	onDone     func() // tests
}

const (
	noCheckpoint = "(none)"
	freeRollout  = "free rollout (as in play)"
	fromTruth    = "each step from the true frames"
)

func newDebugPage(ws workspace.Workspace) *debugPage {
	p := &debugPage{ws: ws}
	p.trace = widget.NewSelect(nil, nil)
	p.ckptA, p.ckptB = widget.NewSelect(nil, nil), widget.NewSelect(nil, nil)
	p.steps = widget.NewEntry()
	p.steps.SetText("60")
	p.mode = widget.NewRadioGroup([]string{freeRollout, fromTruth}, nil)
	p.mode.SetSelected(freeRollout)
	p.runBtn = widget.NewButtonWithIcon("Compare", theme.MediaPlayIcon(), p.toggleRun)
	p.runBtn.Importance = widget.HighImportance
	refresh := widget.NewButtonWithIcon("Refresh lists", theme.ViewRefreshIcon(), p.refresh)
	refresh.Importance = widget.LowImportance
	p.bar = widget.NewProgressBar()
	form := widget.NewForm(
		widget.NewFormItem("Trace", p.trace),
		widget.NewFormItem("Checkpoint", p.ckptA),
		widget.NewFormItem("Against", p.ckptB),
		widget.NewFormItem("Steps", p.steps),
		widget.NewFormItem("Predictions", p.mode),
	)
	p.timeline = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	p.timeline.FillMode = canvas.ImageFillContain
	p.timeline.SetMinSize(fyne.NewSize(300, 150))
	p.scrub = widget.NewSlider(0, 1)
	p.scrub.Step = 1
	p.scrub.OnChanged = func(v float64) { p.showStep(int(v)) }
	p.pos = widget.NewLabel("Choose a trace and a checkpoint, then Compare.")
	p.pos.Wrapping = fyne.TextWrapWord
	p.panels = container.NewGridWithColumns(3)
	p.denoiseN = widget.NewEntry()
	p.denoiseN.SetText("8")
	p.trajectory = container.NewVBox()
	denoise := widget.NewButtonWithIcon("Denoising trajectory of this step", theme.SearchIcon(), p.showTrajectory)
	denoiseBar := container.NewHBox(denoise, widget.NewLabel("sampler steps"), p.denoiseN)
	top := container.NewBorder(nil, nil, container.NewVBox(form, container.NewHBox(p.runBtn, refresh), p.bar), nil, p.timeline)
	p.content = container.NewBorder(top, nil, nil, nil,
		container.NewBorder(container.NewVBox(p.scrub, p.pos), nil, nil, nil,
			container.NewScroll(container.NewVBox(p.panels, denoiseBar, p.trajectory))))
	p.refresh()
	return p
}

func (p *debugPage) refresh() {
	var names []string
	names, p.ckptPaths = checkpointChoices(p.ws)
	setOptions(p.ckptA, names, builtinName)
	setOptions(p.ckptB, append([]string{noCheckpoint}, names...), noCheckpoint)
	traces := traceNames(p.ws)
	def := ""
	if len(traces) > 0 {
		def = traces[0]
	}
	setOptions(p.trace, traces, def)
}

// toggleRun compares in the background, or cancels.
func (p *debugPage) toggleRun() {
	if p.cancel != nil {
		p.cancel()
		return
	}
	steps, err := strconv.Atoi(strings.TrimSpace(p.steps.Text))
	if err != nil || steps < 1 {
		p.showError(fmt.Errorf("steps: %q is not a whole number ≥ 1", p.steps.Text))
		return
	}
	if p.trace.Selected == "" {
		p.showError(fmt.Errorf("no trace to compare with: record one or generate one on the Sandbox page"))
		return
	}
	names := []string{p.ckptA.Selected}
	if b := p.ckptB.Selected; b != noCheckpoint && b != "" {
		names = append(names, b)
	}
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = p.ckptPaths[n]
	}
	tracePath := filepath.Join(p.ws.Traces(), p.trace.Selected+".nctrace")
	oneStep := p.mode.Selected == fromTruth
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.runBtn.SetText("Cancel")
	go func() {
		runs, err := compareAll(ctx, paths, tracePath, steps, oneStep, func(done, total int) {
			fyne.Do(func() { p.bar.SetValue(float64(done) / float64(total)) })
		})
		canceled := ctx.Err() != nil
		fyne.Do(func() {
			cancel()
			p.cancel = nil
			p.runBtn.SetText("Compare")
			switch {
			case canceled:
			case err != nil:
				p.showError(err)
			default:
				p.names, p.runs = names, runs
				p.showRuns()
			}
			if p.onDone != nil {
				p.onDone()
			}
		})
	}()
}

// compareAll runs each checkpoint ("" for the built-in one) on the trace.
func compareAll(ctx context.Context, paths []string, tracePath string, steps int, oneStep bool, progress func(done, total int)) ([]eval.Comparison, error) {
	var runs []eval.Comparison
	for i, path := range paths {
		m, err := loadCheckpoint(path)
		if err != nil {
			return nil, err
		}
		ds, err := dataset.Open([]string{tracePath}, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
		if err != nil {
			return nil, err
		}
		c, err := eval.Compare(ctx, m, ds.Traces[0], steps, oneStep, 1, func(done, total int) {
			progress(i*total+done, len(paths)*total)
		})
		ds.Close()
		if err != nil {
			return nil, err
		}
		runs = append(runs, c)
	}
	return runs, nil
}

// showRuns draws the PSNR timeline and shows the first step.
func (p *debugPage) showRuns() {
	chart := plot.Chart{Title: "PSNR against the trace (dB) by step", XLabel: "step"}
	for i, r := range p.runs {
		s := plot.Series{Name: p.names[i], Color: plot.Palette[i%len(plot.Palette)]}
		for j, v := range r.PSNR {
			s.X, s.Y = append(s.X, float64(j+1)), append(s.Y, min(v, 60))
		}
		chart.Series = append(chart.Series, s)
	}
	p.timeline.Image = chart.Draw(720, 300)
	p.timeline.Refresh()
	p.scrub.Max = float64(len(p.runs[0].PSNR) - 1)
	p.scrub.SetValue(0)
	p.showStep(0)
}

// showStep shows step i: the trace's frame, then per checkpoint its frame
// (green cross: the logged cursor; red ring: the cursor found in the
// frame) and the difference heat map.
func (p *debugPage) showStep(i int) {
	if len(p.runs) == 0 || i >= len(p.runs[0].PSNR) {
		return
	}
	// One row per checkpoint: the trace's frame (first row only), the
	// checkpoint's, their difference.
	var objs []fyne.CanvasObject
	line := fmt.Sprintf("step %d of %d", i+1, len(p.runs[0].PSNR))
	for k, r := range p.runs {
		var first fyne.CanvasObject = widget.NewLabel("")
		if k == 0 {
			first = framePanel("trace, step "+strconv.Itoa(i+1), r.Truth[i])
		}
		pred := markCursors(r.Pred[i], r.Cursor[i], r.Detected[i])
		objs = append(objs, first, framePanel(p.names[k], pred), framePanel("difference", diffHeat(r.Pred[i], r.Truth[i], 4)))
		d := r.Detected[i].Sub(r.Cursor[i])
		line += fmt.Sprintf(" · %s: %.1f dB, cursor off by (%d,%d)", p.names[k], r.PSNR[i], d.X, d.Y)
	}
	p.panels.Objects = objs
	p.panels.Refresh()
	p.pos.SetText(line)
}

// showTrajectory shows how the first checkpoint's sampler reaches the
// frame of the scrubbed step from the true frames before it: after each
// Euler step, the state it moved to (top) and the frame it aimed at
// (bottom).
func (p *debugPage) showTrajectory() {
	n, err := strconv.Atoi(strings.TrimSpace(p.denoiseN.Text))
	if err != nil || n < 1 || n > 64 {
		p.showError(fmt.Errorf("sampler steps: %q is not a whole number in 1..64", p.denoiseN.Text))
		return
	}
	if p.trace.Selected == "" || len(p.runs) == 0 {
		p.showError(fmt.Errorf("compare first, then choose the step to denoise"))
		return
	}
	step := int(p.scrub.Value)
	path := p.ckptPaths[p.names[0]]
	m, err := loadCheckpoint(path)
	if err != nil {
		p.showError(err)
		return
	}
	ds, err := dataset.Open([]string{filepath.Join(p.ws.Traces(), p.trace.Selected+".nctrace")}, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		p.showError(err)
		return
	}
	defer ds.Close()
	tr, err := eval.Denoise(m, ds.Traces[0], step, n, 1)
	if err != nil {
		p.showError(err)
		return
	}
	row := container.NewGridWithColumns(n + 1)
	row.Add(framePanel("truth", tr.Truth))
	for k, img := range tr.Noisy {
		row.Add(framePanel(fmt.Sprintf("x after %d/%d", k+1, n), img))
	}
	row.Add(widget.NewLabel(""))
	for k, img := range tr.Pred {
		row.Add(framePanel(fmt.Sprintf("ẑ at %d/%d", k+1, n), img))
	}
	p.trajectory.Objects = []fyne.CanvasObject{widget.NewLabel(fmt.Sprintf("%s, frame %d from the true frames before it, %d sampler steps:", p.names[0], step+2, n)), row}
	if a := tr.Attention; a != nil {
		p.trajectory.Add(attentionGrid(a, tr.Noisy[len(tr.Noisy)-1], m.Cfg.Dyn.Injection))
	}
	p.trajectory.Refresh()
}

// attentionGrid shows, over the predicted frame, where the visual tokens
// attended to each action token in the last sampler step: a row per block,
// a column per action token, each block on its own scale (its largest
// weight is white).
func attentionGrid(a *model.ActionAttention, frame *image.RGBA, injection string) fyne.CanvasObject {
	what := "cross-attention weights (each token's weights over the action tokens sum to 1)"
	if injection == model.Contextual {
		what = "self-attention weights on the action tokens (the rest goes to the frame's own tokens)"
	}
	grid := container.NewGridWithColumns(len(a.Maps[0]))
	for l, maps := range a.Maps {
		top := float32(1e-9)
		for _, mp := range maps {
			for _, v := range mp {
				top = max(top, v)
			}
		}
		for k, mp := range maps {
			grid.Add(framePanel(fmt.Sprintf("block %d · action token %d · max %.2f", l, k, top), attentionOverlay(frame, mp, a.GridW, a.GridH, top)))
		}
	}
	title := widget.NewLabel("Where the frame's tokens looked at the action (" + injection + " injection): " + what + ", last sampler step:")
	title.Wrapping = fyne.TextWrapWord
	return container.NewVBox(title, grid)
}

// attentionOverlay blends the heat of each token's weight (over top) onto
// a dimmed grey copy of frame; a token covers its patch of the frame.
func attentionOverlay(frame *image.RGBA, weights []float32, gw, gh int, top float32) *image.RGBA {
	b := frame.Rect
	out := image.NewRGBA(b)
	for y := 0; y < b.Dy(); y++ {
		ty := min(y*gh/b.Dy(), gh-1)
		for x := 0; x < b.Dx(); x++ {
			tx := min(x*gw/b.Dx(), gw-1)
			i := y*frame.Stride + 4*x
			grey := (int(frame.Pix[i]) + int(frame.Pix[i+1]) + int(frame.Pix[i+2])) / 3
			r, g, bl := heat(float64(weights[ty*gw+tx] / top))
			o := y*out.Stride + 4*x
			out.Pix[o] = uint8((2*grey + 3*int(r)) / 5)
			out.Pix[o+1] = uint8((2*grey + 3*int(g)) / 5)
			out.Pix[o+2] = uint8((2*grey + 3*int(bl)) / 5)
			out.Pix[o+3] = 255
		}
	}
	return out
}

func framePanel(title string, img image.Image) fyne.CanvasObject {
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScalePixels
	b := img.Bounds()
	c.SetMinSize(fyne.NewSize(float32(2*b.Dx()), float32(2*b.Dy())))
	l := widget.NewLabel(title)
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(l, nil, nil, nil, c)
}

// markCursors copies a frame with the logged cursor as a green cross and
// the detected one as a red ring.
func markCursors(src *image.RGBA, logged, found image.Point) *image.RGBA {
	img := image.NewRGBA(src.Rect)
	copy(img.Pix, src.Pix)
	green, red := color.RGBA{0, 230, 90, 255}, color.RGBA{255, 60, 60, 255}
	for d := -3; d <= 3; d++ {
		img.SetRGBA(logged.X+d, logged.Y, green)
		img.SetRGBA(logged.X, logged.Y+d, green)
	}
	for y := -4; y <= 4; y++ {
		for x := -4; x <= 4; x++ {
			if r := x*x + y*y; r >= 9 && r <= 16 {
				img.SetRGBA(found.X+x, found.Y+y, red)
			}
		}
	}
	return img
}

// diffHeat maps the mean absolute RGB difference, times gain, to the heat
// ramp (as the viewport's split view does in a shader).
func diffHeat(a, b *image.RGBA, gain float64) *image.RGBA {
	out := image.NewRGBA(a.Rect)
	for i := 0; i+3 < len(a.Pix); i += 4 {
		d := 0.0
		for c := range 3 {
			d += abs(float64(a.Pix[i+c]) - float64(b.Pix[i+c]))
		}
		out.Pix[i], out.Pix[i+1], out.Pix[i+2] = heat(gain * d / 3 / 255)
		out.Pix[i+3] = 255
	}
	return out
}

// heat maps v in [0, 1] to black, red, yellow, white.
func heat(v float64) (r, g, b uint8) {
	v = min(max(v, 0), 1)
	ch := func(x float64) uint8 { return uint8(255 * min(max(x, 0), 1)) }
	return ch(3 * v), ch(3*v - 1), ch(3*v - 2)
}

func abs(x float64) float64 { return max(x, -x) }

func (p *debugPage) showError(err error) { reportError(p.win, p.pos, err) }

func (p *debugPage) close() {
	if p.cancel != nil {
		p.cancel()
	}
}
