// Package eval measures a neural computer on held-out traces: one-step
// predictions from true history (PSNR, SSIM, changed-pixel PSNR, cursor
// accuracy and error; for terminal models also character, line and
// changed-cell accuracy of the text read back from the frames), the
// autoencoder's reconstruction as the ceiling, the drift of free-running
// rollouts driven by the true actions, how long a screen left alone stays
// as it was (idle runs), and all of it again for the baseline that holds the
// last frame (Baseline).
package eval

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
)

// DefaultEvents is how many event windows `ncstudio eval` and the studio
// score unless told otherwise.
const DefaultEvents = 100

// DefaultIdle and DefaultIdleSteps are the idle runs `ncstudio eval` and
// the studio score unless told otherwise: long enough to see a desktop melt.
const (
	DefaultIdle      = 4
	DefaultIdleSteps = 200
)

// Options choose how much to evaluate.
type Options struct {
	Windows int // one-step predictions, at random places
	// Events is the number of one-step predictions at event steps, where
	// the screen changes widely (dataset.EventMinChange): a window opens,
	// a menu, a command's output. Random windows hold few of them.
	Events       int
	Rollouts     int // free-running rollouts
	RolloutSteps int // steps per rollout
	// Idle runs start from a true frame and step IdleSteps times with no
	// input (the pointer and held buttons where they were): a screen left
	// alone should stay as it is.
	Idle, IdleSteps int
	Seed            uint64
	// Progress, if set, is called with work done and total.
	Progress func(done, total int)
}

// Scores are the means of one kind of prediction.
type Scores struct {
	Frames      int                 `json:"frames"`
	PSNR        float64             `json:"psnr"`
	SSIM        float64             `json:"ssim"`
	ChangedPSNR float64             `json:"changed_psnr"` // over frames where something changed
	Changed     int                 `json:"changed_frames"`
	Cursor      metrics.CursorError `json:"cursor"`
	// Text is read from the frames of terminal models (nil otherwise).
	Text *metrics.TextScores `json:"text,omitempty"`
}

// Report is the result of Evaluate.
type Report struct {
	// Reconstruction is the autoencoder alone (encode, decode the true
	// frame): the ceiling of every other score.
	Reconstruction Scores `json:"reconstruction"`
	// OneStep predicts each frame from the true frames before it.
	OneStep Scores `json:"one_step"`
	// Events predicts one step at event steps (Options.Events), from the
	// true frames before them.
	Events Scores `json:"events"`
	// Drift is the mean PSNR at each step of the free-running rollouts
	// (index 0 is the first generated frame); RolloutPSNR its mean over
	// the first 32 steps (or all, when shorter).
	Drift       []float64 `json:"drift_psnr"`
	RolloutPSNR float64   `json:"rollout_psnr_32"`
	// RolloutText is the text read from every frame of the rollouts
	// (terminal models only), and TextDrift its character accuracy at each
	// step: where a rollout loses the screen.
	RolloutText *metrics.TextScores `json:"rollout_text,omitempty"`
	TextDrift   []float64           `json:"drift_chars,omitempty"`
	// Idle is the mean PSNR of the idle runs' frames to their start frame
	// by step (Options.Idle); IdlePSNR its last value. The autoencoder's
	// reconstruction of the start frame is their ceiling.
	Idle     []float64 `json:"idle_psnr,omitempty"`
	IdlePSNR float64   `json:"idle_psnr_end"`
	// Hold scores the same windows and rollouts as if nothing changed.
	Hold Baseline `json:"hold"`
}

// Baseline scores predicting that nothing changes, as a dynamics that
// copies its newest latent would: each one-step target gets the frame
// before it, each rollout keeps its first frame, both through the model's
// own autoencoder (so the baseline has the same ceiling as the model, and
// an unchanged frame does not score an infinite PSNR). It is the bar a
// model must clear to be worth playing; on a terminal it is far from zero,
// because most of a screen stays put.
type Baseline struct {
	OneStep     Scores              `json:"one_step"`
	Events      Scores              `json:"events"`
	Drift       []float64           `json:"drift_psnr"`
	RolloutPSNR float64             `json:"rollout_psnr_32"`
	RolloutText *metrics.TextScores `json:"rollout_text,omitempty"`
	TextDrift   []float64           `json:"drift_chars,omitempty"`
}

// scorer accumulates Scores.
type scorer struct {
	s    Scores
	det  *metrics.Detector
	text *screenReader // nil for desktop models
}

func newScorer(text *screenReader) *scorer {
	s := &scorer{det: CursorDetector(), text: text}
	if text != nil {
		s.s.Text = &metrics.TextScores{}
	}
	return s
}

// screenReader reads a terminal model's frames back into text.
type screenReader struct {
	r          *term.Reader
	cols, rows int
}

// newScreenReader is the reader of a terminal model's frames, nil for a
// desktop model.
func newScreenReader(cfg *model.Config) (*screenReader, error) {
	tc := cfg.Terminal
	if tc == nil {
		return nil, nil
	}
	r, err := termrec.ForModel(tc).Renderer()
	if err != nil {
		return nil, err
	}
	return &screenReader{r: term.NewReader(r.Font), cols: tc.Cols, rows: tc.Rows}, nil
}

func (r *screenReader) read(img *image.RGBA) []string { return r.r.Read(img, r.cols, r.rows) }

// addText scores the text of pred against truth, whose previous frame is prev.
func (r *screenReader) addText(s *metrics.TextScores, pred, truth, prev *image.RGBA) {
	s.Add(r.read(pred), r.read(truth), r.read(prev))
}

// addPair scores pred and the baseline's held frame against the same
// truth, reading truth and prev once.
func (r *screenReader) addPair(s, held *metrics.TextScores, pred, hold, truth, prev *image.RGBA) {
	t, b := r.read(truth), r.read(prev)
	s.Add(r.read(pred), t, b)
	held.Add(r.read(hold), t, b)
}

// CursorDetector finds the sandbox's cursors (arrow and I-beam) in frames,
// real or generated.
func CursorDetector() *metrics.Detector {
	var sprites []metrics.Sprite
	for _, shape := range []sandbox.CursorShape{sandbox.Arrow, sandbox.IBeam} {
		sp := sandbox.CursorSprite(shape)
		sprites = append(sprites, metrics.Sprite{Image: sp.Image, HotX: sp.HotX, HotY: sp.HotY})
	}
	return metrics.NewDetector(sprites...)
}

func (c *scorer) add(pred, truth, prev *image.RGBA, cursor dataset.CursorAt) {
	n := float64(c.s.Frames)
	c.s.PSNR = (c.s.PSNR*n + metrics.PSNR(pred, truth)) / (n + 1)
	c.s.SSIM = (c.s.SSIM*n + metrics.SSIM(pred, truth)) / (n + 1)
	c.s.Frames++
	if db, ok := metrics.ChangedPSNR(pred, truth, prev); ok {
		m := float64(c.s.Changed)
		c.s.ChangedPSNR = (c.s.ChangedPSNR*m + db) / (m + 1)
		c.s.Changed++
	}
	if c.text != nil {
		c.text.addText(c.s.Text, pred, truth, prev)
	}
	w, h := truth.Rect.Dx(), truth.Rect.Dy()
	if cursor.Sprite != nil && c.det.Visible(cursor.X, cursor.Y, w, h) {
		x, y, _ := c.det.Find(pred)
		c.s.Cursor.Add(x, y, cursor.X, cursor.Y)
	}
}

// Evaluate scores m on data. Frame sizes must match (dataset.Open checks).
func Evaluate(ctx context.Context, m *model.Model, data *dataset.Dataset, o Options) (Report, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x6e636576_616c3031))
	longest := 0
	for _, t := range data.Traces {
		longest = max(longest, t.R.Len())
	}
	if need := max(2, o.RolloutSteps+1); o.Rollouts > 0 && longest < need || longest < 2 {
		return Report{}, fmt.Errorf("eval: the longest trace has %d frames; %d-step rollouts need %d (fewer --rollout-steps, or longer traces)",
			longest, o.RolloutSteps, need)
	}
	total := o.Windows + o.Events + o.Rollouts*o.RolloutSteps + o.Idle*o.IdleSteps
	done := 0
	tick := func() {
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	text, err := newScreenReader(&m.Cfg)
	if err != nil {
		return Report{}, err
	}
	recon, one, hold := newScorer(text), newScorer(text), newScorer(text)
	pred := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	held := image.NewRGBA(pred.Rect)
	// window predicts frame i+1 of tr from the true frames before it into
	// one, the hold baseline into hold, and the autoencoder's
	// reconstruction of the truth into recon (if not nil); rng seeds the
	// session.
	window := func(rng *rand.Rand, tr *dataset.Trace, i int, one, hold, recon *scorer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, last, _, err := sessionAt(m, tr, i, rng.Uint64())
		if err != nil {
			return err
		}
		truth, err := tr.R.Frame(i + 1)
		if err != nil {
			return err
		}
		s.Frame(held) // before stepping: the last true frame through the autoencoder
		s.Step(tr.R.Action(i))
		s.Frame(pred)
		one.add(pred, truth, last, tr.Cursor[i+1])
		hold.add(held, truth, last, tr.Cursor[i+1])
		if recon != nil {
			m.DecodeLatent(pred, m.EncodeFrame(truth))
			recon.add(pred, truth, last, tr.Cursor[i+1])
		}
		tick()
		return nil
	}
	for range o.Windows {
		tr, i := data.Pick(rng, 0, 1)
		if err := window(rng, tr, i, one, hold, recon); err != nil {
			return Report{}, err
		}
	}
	events, eventsHold := newScorer(text), newScorer(text)
	if o.Events > 0 {
		steps, err := data.Events(ctx)
		if err != nil {
			return Report{}, err
		}
		if len(steps) == 0 {
			total -= o.Events // nothing to score: the traces hold no event
		}
		// A generator of their own keeps the rollouts' places and noise
		// those of a run without events.
		erng := rand.New(rand.NewPCG(o.Seed, 0x6e636576_656e7473))
		for n := 0; n < o.Events && len(steps) > 0; n++ {
			e := steps[erng.IntN(len(steps))]
			if err := window(erng, e.Trace, e.I, events, eventsHold, nil); err != nil {
				return Report{}, err
			}
		}
	}
	rep := Report{Reconstruction: recon.s, OneStep: one.s, Events: events.s, Hold: Baseline{OneStep: hold.s, Events: eventsHold.s}}
	if o.Rollouts > 0 {
		rep.Drift, rep.Hold.Drift = make([]float64, o.RolloutSteps), make([]float64, o.RolloutSteps)
	}
	// Text scores by rollout step; the pooled ones are their sum.
	stepText, heldStepText := make([]metrics.TextScores, o.RolloutSteps), make([]metrics.TextScores, o.RolloutSteps)
	for range o.Rollouts {
		tr, i := data.Pick(rng, 0, o.RolloutSteps)
		s, _, _, err := sessionAt(m, tr, i, rng.Uint64())
		if err != nil {
			return Report{}, err
		}
		s.Frame(held)
		for j := range o.RolloutSteps {
			if err := ctx.Err(); err != nil {
				return Report{}, err
			}
			s.Step(tr.R.Action(i + j))
			s.Frame(pred)
			truth, err := tr.R.Frame(i + j + 1)
			if err != nil {
				return Report{}, err
			}
			rep.Drift[j] += metrics.PSNR(pred, truth) / float64(o.Rollouts)
			rep.Hold.Drift[j] += metrics.PSNR(held, truth) / float64(o.Rollouts)
			if text != nil {
				before, err := tr.R.Frame(i + j)
				if err != nil {
					return Report{}, err
				}
				text.addPair(&stepText[j], &heldStepText[j], pred, held, truth, before)
			}
			tick()
		}
	}
	rep.RolloutPSNR, rep.Hold.RolloutPSNR = mean32(rep.Drift), mean32(rep.Hold.Drift)
	if text != nil && o.Rollouts > 0 {
		rep.RolloutText, rep.Hold.RolloutText = &metrics.TextScores{}, &metrics.TextScores{}
		for j := range stepText {
			rep.RolloutText.Merge(&stepText[j])
			rep.Hold.RolloutText.Merge(&heldStepText[j])
			rep.TextDrift = append(rep.TextDrift, stepText[j].CharAccuracy)
			rep.Hold.TextDrift = append(rep.Hold.TextDrift, heldStepText[j].CharAccuracy)
		}
	}
	if o.Idle > 0 && o.IdleSteps > 0 {
		// A generator of their own, as for the events.
		irng := rand.New(rand.NewPCG(o.Seed, 0x6e636576_69646c65))
		rep.Idle = make([]float64, o.IdleSteps)
		for range o.Idle {
			tr, i := data.Pick(irng, 0, 1)
			s, start, prev, err := sessionAt(m, tr, i, irng.Uint64())
			if err != nil {
				return Report{}, err
			}
			still := action.Action{X: prev.X, Y: prev.Y, Buttons: prev.Buttons}
			for j := range o.IdleSteps {
				if err := ctx.Err(); err != nil {
					return Report{}, err
				}
				s.Step(still)
				s.Frame(pred)
				rep.Idle[j] += metrics.PSNR(pred, start) / float64(o.Idle)
				tick()
			}
		}
		rep.IdlePSNR = rep.Idle[o.IdleSteps-1]
	}
	return rep, nil
}

// mean32 is the mean of the first 32 values of a drift curve (all, when
// shorter; 0 for none).
func mean32(drift []float64) float64 {
	n := min(32, len(drift))
	sum := 0.0
	for _, v := range drift[:n] {
		sum += v / float64(n)
	}
	return sum
}

// sessionAt starts a session of m at frame i of tr from the true frames up
// to it and the action before it, and returns it with frame i and that
// action.
func sessionAt(m *model.Model, tr *dataset.Trace, i int, seed uint64) (*model.Session, *image.RGBA, action.Action, error) {
	hist, prev, err := history(tr, i, m.Cfg.Dyn.Context)
	if err != nil {
		return nil, nil, prev, err
	}
	s, err := m.NewSessionHistory(hist, prev, seed)
	if err == nil {
		s.SetPresses(tr.Presses(i))
	}
	return s, hist[0], prev, err
}

// history returns frames i, i-1, ... (k of them, clamped at the start) and
// the action before frame i.
func history(tr *dataset.Trace, i, k int) ([]*image.RGBA, action.Action, error) {
	var frames []*image.RGBA
	for c := range k {
		f, err := tr.R.Frame(max(i-c, 0))
		if err != nil {
			return nil, action.Action{}, err
		}
		frames = append(frames, f)
	}
	prev := action.Action{X: tr.Cursor[0].X, Y: tr.Cursor[0].Y}
	if i > 0 {
		prev = tr.R.Action(i - 1)
	}
	return frames, prev, nil
}
