package viewer

import (
	"image"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/worker"
)

// Stepper advances a neural computer by one action and returns its new
// latent: a model.Session in this process, or one in the CUDA worker.
type Stepper interface {
	Step(a action.Action) ([]float32, error)
	SetSampleSteps(n int)
	// SetHold sets the sampler's hold (model.Session.Hold; 0: off).
	SetHold(h float32)
}

// Sessions starts a Stepper from a first frame (the pointer at prev) and
// returns it with its first latent.
type Sessions func(frame *image.RGBA, prev action.Action, seed uint64, sampleSteps int) (Stepper, []float32, error)

// LocalSessions steps m in this process, on its backend.
func LocalSessions(m *model.Model) Sessions {
	return func(frame *image.RGBA, prev action.Action, seed uint64, sampleSteps int) (Stepper, []float32, error) {
		s, err := m.NewSessionHistory([]*image.RGBA{frame}, prev, seed)
		if err != nil {
			return nil, nil, err
		}
		s.SampleSteps = sampleSteps
		return localStepper{m, s}, m.Backend().ToHost(s.Latent()), nil
	}
}

type localStepper struct {
	m *model.Model
	s *model.Session
}

func (l localStepper) Step(a action.Action) ([]float32, error) {
	return l.m.Backend().ToHost(l.s.Step(a)), nil
}

func (l localStepper) SetSampleSteps(n int) { l.s.SampleSteps = n }

func (l localStepper) SetHold(h float32) { l.s.Hold = h }

// WorkerSessions steps the checkpoint file in the worker c (the CUDA
// worker: the model computes on its GPU; only latents come back, and the
// shaders decode them here as always).
func WorkerSessions(c *worker.Client, checkpoint string) Sessions {
	return func(frame *image.RGBA, prev action.Action, seed uint64, sampleSteps int) (Stepper, []float32, error) {
		s, z, err := c.Open(checkpoint, frame, prev, seed, sampleSteps)
		if err != nil {
			return nil, nil, err
		}
		return &workerStepper{s: s}, z, nil
	}
}

type workerStepper struct {
	s           *worker.Session
	pending     int      // sampler steps to send with the next step; 0: unchanged
	pendingHold *float32 // hold to send with the next step; nil: unchanged
}

func (w *workerStepper) Step(a action.Action) ([]float32, error) {
	z, err := w.s.Step(a, w.pending, w.pendingHold)
	w.pending, w.pendingHold = 0, nil
	return z, err
}

func (w *workerStepper) SetSampleSteps(n int) { w.pending = n }

func (w *workerStepper) SetHold(h float32) { w.pendingHold = &h }
