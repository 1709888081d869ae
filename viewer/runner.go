package viewer

import (
	"fmt"
	"image"
	"slices"
	"sync"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/termrec"
)

// Runner steps a neural computer and, on the same actions, the conventional
// computer it imitates (the other half of the split view): the sandbox
// desktop, or for a terminal model a live bash in a pseudo-terminal. In a
// window it runs on its own goroutine at the model's frame rate, taking
// each step's action from Input; the display reads the newest Snapshot
// and never waits for a step.
type Runner struct {
	m     *model.Model
	seed  uint64
	input action.Collector

	sessions    Sessions
	mu          sync.Mutex
	sess        Stepper
	comp        computer
	snap        Snapshot
	paused      bool
	singleSteps int
	sampleSteps int
	hold        float32
	recording   []Snapshot // snapshots since StartRecording; nil when not recording
	cpuFrames   bool       // decode each snapshot's latent on the CPU (DecodeFrames)
	stop, done  chan struct{}
}

// Snapshot is the state after a step. Its slices and images are never
// changed afterwards: each step makes new ones.
type Snapshot struct {
	Step    int           // steps since the last reset
	Latent  []float32     // the newest latent, [Cz, h, w] planes (scaled)
	Sandbox *image.RGBA   // the conventional computer's frame after the same actions
	Action  action.Action // the action of the step
	StepMs  float64       // how long Session.Step took
	Trail   []image.Point // the last cursor positions, oldest first
	Log     []string      // the last actions with events, oldest first
	Paused  bool
	Sampler int     // sampler steps
	Hold    float32 // the sampler's hold (0: off)
	// Frame is Latent drawn by the model's CPU decoder, when the runner
	// decodes frames (DecodeFrames); nil otherwise. DecodeMs is its time.
	Frame    *image.RGBA
	DecodeMs float64
}

const (
	trailLen = 15
	logLen   = 10
)

// computer is the conventional computer a neural one is compared with.
type computer interface {
	Step(a action.Action)
	Render(dst *image.RGBA)
	// Pointer is where the mouse is (a terminal has none: 0, 0).
	Pointer() (x, y int)
	Close() error
}

// desktop adapts the sandbox to computer.
type desktop struct{ *sandbox.Desktop }

func (d desktop) Pointer() (x, y int) {
	x, y, _ = d.Cursor()
	return x, y
}

func (desktop) Close() error { return nil }

// terminal adapts a live terminal to computer.
type terminal struct{ *termrec.Live }

func (terminal) Pointer() (x, y int) { return 0, 0 }

// NewRunner starts a session of m on the first frame of its conventional
// computer: the sandbox desktop of spec (nil: the default desktop), or for a
// terminal model a live bash (spec is then unused). sessions steps the
// model (nil: LocalSessions(m)); m itself gives the configuration and the
// decoder. Close ends it.
func NewRunner(m *model.Model, spec *sandbox.Spec, seed uint64, sessions Sessions) (*Runner, error) {
	if sessions == nil {
		sessions = LocalSessions(m)
	}
	r := &Runner{m: m, seed: seed, sampleSteps: m.Cfg.Sampler.Steps, hold: m.Cfg.Sampler.Hold, sessions: sessions}
	// Keys typed faster than the model steps (a slow step, a display that
	// lags) reach it one a step, as in its training traces, not many at once.
	r.input.PaceKeys(1)
	// A pointer that jumps further than the model's traces ever moved in
	// a step (99% of the default's move 12 pixels or less) leaves ghosts
	// of the cursor: it glides instead, 24 pixels a step at 128 wide. On
	// 96 jumps from the default's centre to random places the frame 60
	// steps later was 32.01 dB from the sandbox's unpaced, 32.70 at 12
	// pixels a step, 32.94 at 24.
	r.input.PacePointer(max(1, m.Cfg.Width*24/128))
	if tc := m.Cfg.Terminal; tc != nil {
		o := termrec.ForModel(tc)
		o.FPS = m.Cfg.FPS
		live, err := termrec.StartLive(o, nil)
		if err != nil {
			return nil, err
		}
		r.comp = terminal{live}
	} else {
		d, err := sandbox.New(spec, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
		if err != nil {
			return nil, err
		}
		r.comp = desktop{d}
	}
	if err := r.restart(); err != nil {
		r.comp.Close()
		return nil, err
	}
	return r, nil
}

// Close stops stepping and ends the conventional computer.
func (r *Runner) Close() error {
	r.Stop()
	return r.comp.Close()
}

// restart begins a new session from the conventional computer's current
// frame. Called with mu held (or before the runner is shared).
func (r *Runner) restart() error {
	frame := image.NewRGBA(image.Rect(0, 0, r.m.Cfg.Width, r.m.Cfg.Height))
	r.comp.Render(frame)
	x, y := r.comp.Pointer()
	s, z, err := r.sessions(frame, action.Action{X: x, Y: y}, r.seed, r.sampleSteps)
	if err != nil {
		return err
	}
	s.SetHold(r.hold)
	r.sess = s
	r.recording = nil // a recording does not span a reset
	r.input.Warp(x, y)
	r.snap = Snapshot{Latent: z, Sandbox: frame, Action: action.Action{X: x, Y: y},
		Trail: []image.Point{{x, y}}, Paused: r.paused, Sampler: r.sampleSteps, Hold: r.hold}
	r.decodeFrame(&r.snap)
	return nil
}

// DecodeFrames makes every snapshot from now on (and the current one) carry
// its latent drawn by the model's CPU decoder, on the stepping goroutine
// (for views whose GL renderer is software), or stops it.
func (r *Runner) DecodeFrames(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cpuFrames = on
	if !on {
		r.snap.Frame = nil
	} else if r.snap.Frame == nil {
		r.decodeFrame(&r.snap)
	}
}

// decodeFrame fills s.Frame when the runner decodes frames. Called with mu
// held: the session and the decoder share the model's buffers and workers.
func (r *Runner) decodeFrame(s *Snapshot) {
	if !r.cpuFrames {
		return
	}
	cfg := r.m.Cfg
	lw, lh := cfg.LatentSize()
	s.Frame = image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	start := time.Now()
	r.m.DecodeLatent(s.Frame, tensor.FromSlice(s.Latent, 1, cfg.AE.Latent, lh, lw))
	s.DecodeMs = time.Since(start).Seconds() * 1000
}

// Input collects the window's events into the next step's action.
func (r *Runner) Input() *action.Collector { return &r.input }

// Model is the neural computer being played.
func (r *Runner) Model() *model.Model { return r.m }

// Latest returns the newest snapshot.
func (r *Runner) Latest() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

// StepWith applies one action to both computers and returns the snapshot.
func (r *Runner) StepWith(a action.Action) Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stepLocked(a)
}

func (r *Runner) stepLocked(a action.Action) Snapshot {
	w, h := r.m.Cfg.Width, r.m.Cfg.Height
	a.X, a.Y = min(max(a.X, 0), w-1), min(max(a.Y, 0), h-1)
	if r.m.Cfg.Terminal != nil { // a terminal has no mouse: its traces hold none
		a.X, a.Y, a.Buttons, a.Scroll = 0, 0, 0, 0
	}
	start := time.Now()
	z, err := r.sess.Step(a)
	took := time.Since(start)
	if err != nil { // the worker is gone: stop stepping, say why
		r.paused = true
		r.snap.Paused = true
		r.snap.Log = lastN(append(slices.Clip(r.snap.Log), "error: "+err.Error()), logLen)
		return r.snap
	}
	r.comp.Step(a)
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	r.comp.Render(frame)
	prev := r.snap
	s := Snapshot{Step: prev.Step + 1, Latent: z, Sandbox: frame, Action: a,
		StepMs: took.Seconds() * 1000, Paused: r.paused, Sampler: r.sampleSteps, Hold: r.hold,
		Trail: lastN(append(slices.Clip(prev.Trail), image.Pt(a.X, a.Y)), trailLen), Log: prev.Log}
	r.decodeFrame(&s)
	if !a.IsIdle(prev.Action) {
		s.Log = lastN(append(slices.Clip(prev.Log), fmt.Sprintf("%4d %s", s.Step, a)), logLen)
	}
	r.snap = s
	if r.recording != nil && len(r.recording) < MaxRecording {
		r.recording = append(r.recording, s)
	}
	return s
}

// MaxRecording bounds a recording: two minutes at 15 steps per second.
const MaxRecording = 1800

// StartRecording keeps every snapshot from now on (the current one first).
func (r *Runner) StartRecording() {
	r.mu.Lock()
	r.recording = []Snapshot{r.snap}
	r.mu.Unlock()
}

// Recording reports the snapshots kept so far (0 when not recording).
func (r *Runner) Recording() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recording)
}

// StopRecording returns the snapshots kept since StartRecording.
func (r *Runner) StopRecording() []Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := r.recording
	r.recording = nil
	return rec
}

func lastN[T any](s []T, n int) []T { return s[max(0, len(s)-n):] }

// Start steps at fps on a new goroutine until Stop: each tick takes the
// collected input (unless paused; then only requested single steps run).
func (r *Runner) Start(fps float64) {
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.done)
		tick := time.NewTicker(time.Duration(float64(time.Second) / fps))
		defer tick.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-tick.C:
			}
			a := r.input.Step()
			r.mu.Lock()
			if !r.paused || r.singleSteps > 0 {
				r.singleSteps = max(0, r.singleSteps-1)
				r.stepLocked(a)
			}
			r.mu.Unlock()
		}
	}()
}

// Stop ends the stepping goroutine and waits for it.
func (r *Runner) Stop() {
	if r.stop != nil {
		close(r.stop)
		<-r.done
		r.stop = nil
	}
}

// TogglePause pauses or resumes stepping.
func (r *Runner) TogglePause() {
	r.mu.Lock()
	r.paused = !r.paused
	r.snap.Paused = r.paused
	r.mu.Unlock()
}

// SingleStep runs one step at the next tick while paused.
func (r *Runner) SingleStep() {
	r.mu.Lock()
	if r.paused {
		r.singleSteps++
	}
	r.mu.Unlock()
}

// Reset starts the neural computer again from the conventional computer's
// current frame.
func (r *Runner) Reset() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.restart()
}

// AddSampleSteps changes the sampler's steps by delta (at least 1, at most
// 64), effective from the next step.
func (r *Runner) AddSampleSteps(delta int) {
	r.mu.Lock()
	r.setSampleSteps(r.sampleSteps + delta)
	r.mu.Unlock()
}

// SetSampleSteps sets the sampler's steps (1..64); n <= 0 keeps them.
func (r *Runner) SetSampleSteps(n int) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	r.setSampleSteps(n)
	r.mu.Unlock()
}

// SetHold sets the sampler's hold (negative: 0, off), effective from the
// next step and kept across resets: how a player trades a still desktop
// (higher) against the faint remains of what moved fast (lower).
func (r *Runner) SetHold(h float32) {
	r.mu.Lock()
	r.hold = max(h, 0)
	r.sess.SetHold(r.hold)
	r.snap.Hold = r.hold
	r.mu.Unlock()
}

func (r *Runner) setSampleSteps(n int) {
	r.sampleSteps = min(max(n, 1), 64)
	r.sess.SetSampleSteps(r.sampleSteps)
	r.snap.Sampler = r.sampleSteps
}
