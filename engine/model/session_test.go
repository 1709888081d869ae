package model

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/optim"
)

func tinyModel(t *testing.T) *Model {
	t.Helper()
	cfg, _ := Preset("tiny")
	m, err := New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func testFrame(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	return img
}

func TestSessionDeterministicAndForkable(t *testing.T) {
	m := tinyModel(t)
	frame := testFrame(m.Cfg.Width, m.Cfg.Height)
	actions := []action.Action{{X: 3, Y: 4}, {X: 10, Y: 4, Buttons: action.Left}, {X: 10, Y: 4, Text: "a", KeyDown: []string{"a"}}, {X: 20, Y: 20}}
	run := func(s *Session, acts []action.Action) [][]float32 {
		var out [][]float32
		for _, a := range acts {
			out = append(out, slices.Clone(s.Step(a).Host()))
		}
		return out
	}
	a, _ := m.NewSession(frame, 5)
	b, _ := m.NewSession(frame, 5)
	c, _ := m.NewSession(frame, 6)
	ra, rb, rc := run(a, actions), run(b, actions), run(c, actions)
	if !slices.EqualFunc(ra, rb, slices.Equal) {
		t.Error("two sessions with the same seed and actions differ")
	}
	if slices.EqualFunc(ra, rc, slices.Equal) {
		t.Error("sessions with different seeds agree (the sampler ignores its noise?)")
	}
	// A fork continues exactly like the original.
	f := a.Fork()
	more := []action.Action{{X: 1, Y: 1}, {X: 2, Y: 2, Buttons: action.Right}}
	if !slices.EqualFunc(run(a, more), run(f, more), slices.Equal) {
		t.Error("a fork diverges from its original on the same actions")
	}
	if a.Steps() != 6 || f.Steps() != 6 {
		t.Errorf("steps %d and %d, want 6", a.Steps(), f.Steps())
	}
	img := image.NewRGBA(frame.Rect)
	a.Frame(img)
}

// A session's press clock reaches the model: the same step after a press
// predicts otherwise than without one, and a session told of the press
// (SetPresses, as eval starts mid-trace) predicts what one that made it does.
func TestSessionPresses(t *testing.T) {
	m := tinyModel(t) // a press history of 4 steps, random weights
	frame := testFrame(m.Cfg.Width, m.Cfg.Height)
	pressed, _ := m.NewSession(frame, 1)
	pressed.Step(action.Action{X: 5, Y: 5, Buttons: action.Left})
	told, none := pressed.Fork(), pressed.Fork()
	var clock action.PressClock
	clock.Step(action.Action{X: 5, Y: 5}, action.Action{X: 5, Y: 5, Buttons: action.Left})
	told.SetPresses(clock)
	none.SetPresses(action.PressClock{})
	next := action.Action{X: 5, Y: 5, Buttons: action.Left}
	zp, zt, zn := slices.Clone(pressed.Step(next).Host()), slices.Clone(told.Step(next).Host()), slices.Clone(none.Step(next).Host())
	if !slices.Equal(zp, zt) {
		t.Error("a session told of a press predicts otherwise than the one that made it")
	}
	if slices.Equal(zp, zn) {
		t.Error("forgetting the press changed nothing: the session's press clock does not reach the model")
	}
}

func TestSessionHistory(t *testing.T) {
	m := tinyModel(t)
	s, _ := m.NewSession(testFrame(m.Cfg.Width, m.Cfg.Height), 1)
	start := slices.Clone(s.Latent().Host())
	z1 := slices.Clone(s.Step(action.Action{X: 1, Y: 1}).Host())
	h := s.history.Host()
	n := len(z1)
	if !slices.Equal(h[:n], z1) || !slices.Equal(h[n:2*n], start) {
		t.Error("after a step the history is not [new, previous]")
	}
	z2 := slices.Clone(s.Step(action.Action{X: 2, Y: 2}).Host())
	h = s.history.Host()
	if !slices.Equal(h[:n], z2) || !slices.Equal(h[n:2*n], z1) {
		t.Error("after two steps the history is not [newest, previous]")
	}
	if _, err := m.NewSession(testFrame(10, 10), 1); err == nil {
		t.Error("a frame of the wrong size was accepted")
	}
}

// TestFlowLossLearns overfits one batch: the loss must fall well below its
// start, so the whole training path (noise, targets, backward) is wired.
func TestFlowLossLearns(t *testing.T) {
	m := tinyModel(t)
	be := m.Backend()
	rng := rand.New(rand.NewPCG(3, 4))
	lw, lh := m.Cfg.LatentSize()
	cz, k := m.Cfg.AE.Latent, m.Cfg.Dyn.Context
	const b = 4
	batch := FlowBatch{
		Target:  randn(rng, 1, b, cz, lh, lw),
		Context: randn(rng, 1, b, k*cz, lh, lw),
		Cursor:  randn(rng, 1, b, 1, lh, lw),
		Actions: randn(rng, 1, b, m.Cfg.ActionInputs()),
	}
	// The target is a function of the context: learnable.
	copy(batch.Target.Host(), batch.Context.Host()[:batch.Target.Numel()])
	opt := optim.NewAdamW(be, m.Dyn.Params())
	var first, last float32
	for step := range 300 {
		opt.ZeroGrad()
		loss := m.FlowLoss(batch, FlowOptions{}, rng)
		opt.Step(3e-3)
		if step == 0 {
			first = loss
		}
		last = loss
	}
	t.Logf("flow loss %.3f → %.3f", first, last)
	if !(last < 0.5*first) {
		t.Errorf("flow loss went from %.3f to %.3f in 300 steps on one batch", first, last)
	}
}

// TestSessionHold: with Hold set, cells whose predicted change is below it
// keep the previous latent's values exactly, the others take the prediction;
// with HoldTokens the same holds for whole tokens (patch x patch cells).
func TestSessionHold(t *testing.T) {
	m := tinyModel(t)
	for _, tokens := range []bool{false, true} {
		t.Run(fmt.Sprintf("tokens=%v", tokens), func(t *testing.T) { testSessionHold(t, m, tokens) })
	}
}

func testSessionHold(t *testing.T, m *Model, tokens bool) {
	frame := testFrame(m.Cfg.Width, m.Cfg.Height)
	a := action.Action{X: 3, Y: 4}
	free, _ := m.NewSession(frame, 5)
	held, _ := m.NewSession(frame, 5)
	before := slices.Clone(held.Latent().Host())
	next := slices.Clone(free.Step(a).Host())
	cz := m.Cfg.AE.Latent
	lw, lh := m.Cfg.LatentSize()
	cells := lw * lh
	side := 1
	if tokens {
		side = m.Cfg.Dyn.Patch
	}
	blockOf := func(i int) int { return (i/lw/side)*(lw/side) + i%lw/side }
	blocks := cells / (side * side)
	change := make([]float64, blocks) // mean square over the channels and cells of a block
	for i := range cells {
		for c := range cz {
			d := float64(next[c*cells+i] - before[c*cells+i])
			change[blockOf(i)] += d * d / float64(cz*side*side)
		}
	}
	// A threshold halfway between two blocks' changes, so rounding cannot
	// put a block on the other side.
	sorted := slices.Sorted(slices.Values(change))
	mid := (sorted[blocks/2-1] + sorted[blocks/2]) / 2
	held.Hold, held.HoldTokens = float32(math.Sqrt(mid)), tokens
	got := held.Step(a).Host()
	kept, moved := 0, 0
	for i := range cells {
		still := change[blockOf(i)] < mid
		for c := range cz {
			want := next[c*cells+i]
			if still {
				want = before[c*cells+i]
			}
			if got[c*cells+i] != want {
				t.Fatalf("cell %d channel %d: %v, want %v (block change %g, hold %g)", i, c, got[c*cells+i], want, change[blockOf(i)], held.Hold)
			}
		}
		if still {
			kept++
		} else {
			moved++
		}
	}
	if kept == 0 || moved == 0 {
		t.Errorf("%d cells kept, %d moved: the test does not split them", kept, moved)
	}
}
