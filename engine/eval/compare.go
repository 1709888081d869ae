package eval

import (
	"context"
	"fmt"
	"image"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Comparison is a model's frames next to a trace's, step by step: frame
// i+1 of the trace against the model's prediction after action i.
type Comparison struct {
	Truth    []*image.RGBA // trace frames 1..n
	Pred     []*image.RGBA // the model's frames
	PSNR     []float64
	Cursor   []image.Point // the logged cursor in each truth frame
	Detected []image.Point // the cursor found in each predicted frame
}

// Compare plays the first steps actions of tr on m. Free-running (oneStep
// false), the model starts from the trace's first frame and runs on its own
// frames, as in play; with oneStep, every prediction starts again from the
// true frames before it, which separates a step's errors from drift.
func Compare(ctx context.Context, m *model.Model, tr *dataset.Trace, steps int, oneStep bool, seed uint64, progress func(done, total int)) (Comparison, error) {
	var c Comparison
	if steps < 1 {
		return c, fmt.Errorf("eval: compare %d steps: at least 1", steps)
	}
	n := min(steps, tr.R.Len()-1)
	if n < 1 {
		return c, fmt.Errorf("eval: %s has %d frames; comparing needs at least 2", tr.Path, tr.R.Len())
	}
	det := CursorDetector()
	s, _, _, err := sessionAt(m, tr, 0, seed)
	if err != nil {
		return c, err
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return c, err
		}
		if oneStep && i > 0 {
			if s, _, _, err = sessionAt(m, tr, i, seed+uint64(i)); err != nil {
				return c, err
			}
		}
		s.Step(tr.R.Action(i))
		truth, err := tr.R.Frame(i + 1)
		if err != nil {
			return c, err
		}
		pred := image.NewRGBA(truth.Rect)
		s.Frame(pred)
		x, y, _ := det.Find(pred)
		c.Truth, c.Pred = append(c.Truth, truth), append(c.Pred, pred)
		c.PSNR = append(c.PSNR, metrics.PSNR(pred, truth))
		c.Cursor = append(c.Cursor, image.Pt(tr.Cursor[i+1].X, tr.Cursor[i+1].Y))
		c.Detected = append(c.Detected, image.Pt(x, y))
		if progress != nil {
			progress(i+1, n)
		}
	}
	return c, nil
}

// Trajectory is the sampler's path to one frame: after each of its steps,
// the state it moved to and the frame it was moving towards, decoded.
type Trajectory struct {
	Truth *image.RGBA
	Noisy []*image.RGBA // x after each step; the last is the prediction
	Pred  []*image.RGBA // the data prediction ẑ at each step
	// Attention is where the visual tokens attended to the action tokens
	// in the last sampler step (nil unless the injection is internal or
	// contextual).
	Attention *model.ActionAttention
}

// Denoise predicts frame i+1 of tr from the true frames before it with
// samplerSteps Euler steps, and decodes the sampler's state at each.
func Denoise(m *model.Model, tr *dataset.Trace, i, samplerSteps int, seed uint64) (Trajectory, error) {
	var t Trajectory
	if i < 0 || i+1 >= tr.R.Len() || samplerSteps < 1 {
		return t, fmt.Errorf("eval: denoise frame %d of %s (%d frames) in %d steps", i+1, tr.Path, tr.R.Len(), samplerSteps)
	}
	s, _, _, err := sessionAt(m, tr, i, seed)
	if err != nil {
		return t, err
	}
	if t.Truth, err = tr.R.Frame(i + 1); err != nil {
		return t, err
	}
	s.SampleSteps = samplerSteps
	s.Observe = func(_ int, x, pred *tensor.Tensor) {
		nx, np := image.NewRGBA(t.Truth.Rect), image.NewRGBA(t.Truth.Rect)
		m.DecodeLatent(nx, x)
		m.DecodeLatent(np, pred)
		t.Noisy, t.Pred = append(t.Noisy, nx), append(t.Pred, np)
	}
	s.Step(tr.R.Action(i))
	t.Attention = m.Dyn.ActionAttention()
	return t, nil
}
