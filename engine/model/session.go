package model

import (
	"fmt"
	"image"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Session is one running neural computer: its runtime state (the last K
// latents), the last action, and a seeded noise source. Stepping it with the
// same actions from the same start and seed gives the same latents. The
// sessions of one model share its layers' buffers: step them from one
// goroutine.
type Session struct {
	m       *Model
	pcg     *rand.PCG
	rng     *rand.Rand
	history *tensor.Tensor // [1, K·Cz, h, w], newest first, scaled
	latent  *tensor.Tensor // [1, Cz, h, w]: the newest, scaled
	prev    action.Action
	presses action.PressClock // before the next action
	steps   int

	// SampleSteps, ContextNoise, Hold and HoldTokens start at the model's
	// sampler defaults (SamplerConfig).
	SampleSteps  int
	ContextNoise float32
	Hold         float32
	HoldTokens   bool
	// Observe, if set, sees every sampler step of every Step (the studio's
	// Debug page shows the denoising trajectory of a frame with it).
	Observe SampleObserver

	feats []float32
	cmap  []float32
}

// NewSession starts a session from a frame of the model's size: the frame
// is encoded and fills the whole history.
func (m *Model) NewSession(frame *image.RGBA, seed uint64) (*Session, error) {
	return m.NewSessionHistory([]*image.RGBA{frame}, action.Action{X: m.Cfg.Width / 2, Y: m.Cfg.Height / 2}, seed)
}

// NewSessionHistory starts a session from recent frames, newest first (the
// oldest repeats when there are fewer than the model's context), and the
// last action taken: how evaluation starts from the middle of a trace.
func (m *Model) NewSessionHistory(frames []*image.RGBA, prev action.Action, seed uint64) (*Session, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("model: a session needs a start frame")
	}
	for _, f := range frames {
		if f.Rect.Dx() != m.Cfg.Width || f.Rect.Dy() != m.Cfg.Height {
			return nil, fmt.Errorf("model: start frame is %dx%d, the model's frames are %dx%d", f.Rect.Dx(), f.Rect.Dy(), m.Cfg.Width, m.Cfg.Height)
		}
	}
	be := m.be
	lw, lh := m.Cfg.LatentSize()
	cz, k := m.Cfg.AE.Latent, m.Cfg.Dyn.Context
	pcg := rand.NewPCG(seed, 0x6e63_7365_7373_696f)
	s := &Session{m: m, pcg: pcg, rng: rand.New(pcg),
		history: be.Zeros(1, k*cz, lh, lw), latent: be.Zeros(1, cz, lh, lw),
		SampleSteps: m.Cfg.Sampler.Steps, ContextNoise: m.Cfg.Sampler.ContextNoise, Hold: m.Cfg.Sampler.Hold,
		HoldTokens: m.Cfg.Sampler.HoldTokens, feats: make([]float32, m.Cfg.ActionInputs()), cmap: make([]float32, lw*lh), prev: prev}
	full := make([]float32, 0, k*cz*lw*lh)
	for i := range k {
		z := be.ToHost(m.EncodeFrame(frames[min(i, len(frames)-1)]))
		if i == 0 {
			be.Upload(s.latent, z)
		}
		full = append(full, z...)
	}
	be.Upload(s.history, full)
	return s, nil
}

// SetPresses sets when the mouse buttons were last pressed before the next
// step, for a session started from the middle of a recording (a new
// session remembers no presses).
func (s *Session) SetPresses(c action.PressClock) { s.presses = c }

// EncodeFrame returns the scaled latent [1, Cz, h, w] of a frame, valid
// until the next encode.
func (m *Model) EncodeFrame(frame *image.RGBA) *tensor.Tensor {
	x := make([]float32, 3*m.Cfg.Width*m.Cfg.Height)
	FrameToTensor(x, frame)
	in := m.buf("encode.in", 1, 3, m.Cfg.Height, m.Cfg.Width)
	m.be.Upload(in, x)
	z := m.Enc.Forward(in)
	m.be.Scale(z, m.Cfg.AE.Scale)
	return z
}

// DecodeLatent draws a scaled latent [1, Cz, h, w] into dst with the CPU
// decoder.
func (m *Model) DecodeLatent(dst *image.RGBA, z *tensor.Tensor) {
	in := m.buf("decode.in", z.Shape...)
	m.be.Copy(in, z)
	m.be.Scale(in, 1/m.Cfg.AE.Scale)
	TensorToFrame(dst, m.be.ToHost(m.Dec.Forward(in)))
}

// Step applies one action and returns the new latent (valid until the next
// Step).
func (s *Session) Step(a action.Action) *tensor.Tensor {
	m, be := s.m, s.m.be
	cfg := &m.Cfg
	lw, lh := cfg.LatentSize()
	cfg.Featurize(s.feats, s.prev, a, s.presses)
	acts := m.buf("session.actions", 1, len(s.feats))
	be.Upload(acts, s.feats)
	var cursor *tensor.Tensor
	if cfg.Dyn.CursorMap {
		CursorMap(s.cmap, a.X, a.Y, cfg.Width, cfg.Height, lw, lh, cfg.Dyn.CursorSigma)
		cursor = m.buf("session.cursor", 1, 1, lh, lw)
		be.Upload(cursor, s.cmap)
	}
	z := m.sample(s.history, cursor, acts, s.SampleSteps, s.ContextNoise, s.rng, s.Observe)
	if s.Hold > 0 {
		s.holdSmallChanges(z)
	}
	be.Copy(s.latent, z)
	s.push(z)
	s.presses.Step(s.prev, a)
	s.prev = a
	s.steps++
	return s.latent
}

// holdSmallChanges puts back the newest latent's value in every cell of z
// whose change from it is below s.Hold (RMS over the channels), or in every
// token's block of cells whose change is below it with s.HoldTokens.
func (s *Session) holdSmallChanges(z *tensor.Tensor) {
	be := s.m.be
	next, last := be.ToHost(z), be.ToHost(s.latent)
	cz := s.m.Cfg.AE.Latent
	lw, lh := s.m.Cfg.LatentSize()
	side := 1
	if s.HoldTokens {
		side = s.m.Cfg.Dyn.Patch // Check: the latent is a whole number of patches
	}
	limit := float64(s.Hold) * float64(s.Hold) * float64(cz*side*side)
	block := func(x0, y0 int, visit func(i int)) {
		for y := y0; y < y0+side; y++ {
			for x := x0; x < x0+side; x++ {
				for c := range cz {
					visit((c*lh+y)*lw + x)
				}
			}
		}
	}
	for y0 := 0; y0 < lh; y0 += side {
		for x0 := 0; x0 < lw; x0 += side {
			sum := 0.0
			block(x0, y0, func(i int) {
				d := float64(next[i] - last[i])
				sum += d * d
			})
			if sum < limit {
				block(x0, y0, func(i int) { next[i] = last[i] })
			}
		}
	}
	be.Upload(z, next)
}

// push makes z the newest latent of the history, dropping the oldest.
func (s *Session) push(z *tensor.Tensor) {
	m, be := s.m, s.m.be
	k, cz := m.Cfg.Dyn.Context, m.Cfg.AE.Latent
	cells := z.Numel() / cz
	if k == 1 {
		be.Copy(s.history, z)
		return
	}
	keep := m.buf("session.keep", 1, (k-1)*cz, cells)
	drop := m.buf("session.drop", 1, cz, cells)
	be.Split(keep, drop, s.history.Reshape(1, k*cz, cells))
	be.Concat(s.history.Reshape(1, k*cz, cells), z.Reshape(1, cz, cells), keep)
}

// Latent is the newest latent (scaled), valid until the next Step.
func (s *Session) Latent() *tensor.Tensor { return s.latent }

// Steps is the number of steps taken.
func (s *Session) Steps() int { return s.steps }

// Frame decodes the newest latent into dst with the CPU decoder.
func (s *Session) Frame(dst *image.RGBA) { s.m.DecodeLatent(dst, s.latent) }

// Fork returns an independent copy: same state and same noise source, so
// both continue identically until given different actions.
func (s *Session) Fork() *Session {
	be := s.m.be
	pcg := *s.pcg
	f := *s
	f.pcg = &pcg
	f.rng = rand.New(f.pcg)
	f.history = be.Zeros(s.history.Shape...)
	be.Copy(f.history, s.history)
	f.latent = be.Zeros(s.latent.Shape...)
	be.Copy(f.latent, s.latent)
	f.feats = make([]float32, len(s.feats))
	f.cmap = make([]float32, len(s.cmap))
	return &f
}
