package train

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
)

// writeTraces writes n goal-agent traces of the given size into a new
// directory.
func writeTraces(t *testing.T, n, frames, w, h int) string {
	t.Helper()
	dir := t.TempDir()
	for k := range n {
		_, err := synth.Write(context.Background(), filepath.Join(dir, fmt.Sprintf("t%d.nctrace", k)),
			synth.Options{Width: w, Height: h, FPS: 15, Agent: "goal", Seed: uint64(k + 1), Frames: frames})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTrainTinyEndToEnd(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 2, 150, cfg.Width, cfg.Height)
	out := filepath.Join(t.TempDir(), "tiny.safetensors")
	var reports []Progress
	be := cpu.New()
	m, err := Run(context.Background(), be, Options{
		Data: []string{data}, Config: cfg, Out: out, AESteps: 200, DynSteps: 40, Batch: 4, LR: 3e-3,
		CursorWeight: 5, ContextNoiseMax: 0.1, SamplerSteps: 3, Seed: 1, Progress: func(p Progress) { reports = append(reports, p) },
		Meta: map[string]string{"ncstudio.preset": "tiny"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ae []float64
	stages := map[string]int{}
	for _, p := range reports {
		stages[p.Stage]++
		if p.Stage == "autoencoder" {
			ae = append(ae, p.Loss)
		}
	}
	if stages["autoencoder"] != 200 || stages["dynamics"] != 40 || stages["latents"] == 0 {
		t.Errorf("progress reports per stage: %v", stages)
	}
	first, last := mean(ae[:5]), mean(ae[len(ae)-5:])
	t.Logf("autoencoder loss %.3f → %.3f; latent scale %.3f", first, last, m.Cfg.AE.Scale)
	if !(last < 0.6*first) {
		t.Errorf("autoencoder loss did not fall: %.3f → %.3f", first, last)
	}
	if m.Cfg.AE.Scale == 1 {
		t.Error("latent scale was not measured")
	}
	// The checkpoint loads and plays.
	loaded, meta, err := model.Load(be, out)
	if err != nil {
		t.Fatal(err)
	}
	if meta["ncstudio.preset"] != "tiny" || meta[MetaAESteps] != "200" || meta[MetaDynSteps] != "40" || loaded.Cfg.AE.Scale != m.Cfg.AE.Scale || loaded.Cfg.Sampler.Steps != 3 {
		t.Errorf("checkpoint metadata %v, scale %v", meta, loaded.Cfg.AE.Scale)
	}
	s, err := loaded.NewSession(image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height)), 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Step(action.Action{X: 5, Y: 5})
	s.Frame(image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height)))
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestResumeIsExact interrupts a run once in each stage and resumes it: the
// losses after each resume and the final parameters must equal those of an
// uninterrupted run.
func TestResumeIsExact(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 2, 80, cfg.Width, cfg.Height)
	base := Options{Data: []string{data}, Config: cfg, AESteps: 30, DynSteps: 20, DecSteps: 15, DecPredictedShare: 0.5, Batch: 2, LR: 3e-3,
		CursorWeight: 5, ContextNoiseMax: 0.1, EventShare: 0.3, Unroll: 2, UnrollShare: 0.5, Seed: 3, CheckpointEvery: 7}
	type key struct {
		stage string
		step  int
	}
	run := func(o Options, stopAt key) (map[key]float64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		losses := map[key]float64{}
		o.Progress = func(p Progress) {
			if p.Stage == "latents" {
				return
			}
			losses[key{p.Stage, p.Step}] = p.Loss
			if (key{p.Stage, p.Step}) == stopAt {
				cancel()
			}
		}
		_, err := Run(ctx, cpu.New(), o)
		return losses, err
	}
	whole := base
	whole.Out = filepath.Join(t.TempDir(), "whole.safetensors")
	want, err := run(whole, key{})
	if err != nil {
		t.Fatal(err)
	}
	split := base
	split.Out = filepath.Join(t.TempDir(), "split.safetensors")
	got := map[key]float64{}
	for _, stop := range []key{{"autoencoder", 12}, {"dynamics", 9}, {"decoder", 6}, {}} {
		o := split
		o.Resume = stop != (key{"autoencoder", 12})
		losses, err := run(o, stop)
		if stop != (key{}) && err != context.Canceled {
			t.Fatalf("stopping at %v: %v", stop, err)
		}
		if stop == (key{}) && err != nil {
			t.Fatal(err)
		}
		for k, v := range losses {
			got[k] = v
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d losses after resuming, %d in one run", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s step %d: loss %v after resuming, %v in one run", k.stage, k.step, got[k], v)
		}
	}
	a, _ := ckpt.Load(whole.Out)
	b, _ := ckpt.Load(split.Out)
	for _, ta := range a.Tensors {
		tb, _ := b.Get(ta.Name)
		if !slices.Equal(ta.Data, tb.Data) {
			t.Errorf("parameter %s differs after resuming", ta.Name)
		}
	}
	if _, err := Run(context.Background(), cpu.New(), Options{Out: filepath.Join(t.TempDir(), "none.safetensors"), Resume: true}); err == nil {
		t.Error("resuming without a resume file succeeded")
	}
}

// TestDecoderStage fine-tunes the decoder of a trained model: the encoder
// and dynamics stay bit for bit, the decoder learns (its loss falls), and
// the checkpoint counts the steps of each stage.
func TestDecoderStage(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 1, 60, cfg.Width, cfg.Height)
	dir := t.TempDir()
	first := Options{Data: []string{data}, Config: cfg, Out: filepath.Join(dir, "first.safetensors"), AESteps: 40, DynSteps: 5, Batch: 2, LR: 3e-3, Seed: 1}
	before, err := Run(context.Background(), cpu.New(), first)
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	o := Options{Data: []string{data}, Init: first.Out, Out: filepath.Join(dir, "dec.safetensors"), DecSteps: 120, DecPredictedShare: 0.3, Batch: 2, LR: 3e-3, Seed: 2,
		Progress: func(p Progress) {
			if p.Stage != "latents" {
				if p.Stage != "decoder" {
					t.Errorf("stage %q ran", p.Stage)
				}
				losses = append(losses, p.Loss)
			}
		}}
	after, err := Run(context.Background(), cpu.New(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 120 {
		t.Fatalf("%d decoder steps reported", len(losses))
	}
	// Means of batches of two are noisy: on first-stage seeds 1-5 the loss
	// fell by 20-27%; a decoder that does not learn stays near 1.
	if first, last := mean(losses[:20]), mean(losses[100:]); last > 0.9*first {
		t.Errorf("decoder loss %.4f over the first 20 steps, %.4f over the last 20", first, last)
	}
	same := func(what string, a, b []*nn.Param, want bool) {
		t.Helper()
		changed := 0
		for i := range a {
			if !slices.Equal(a[i].Value.Host(), b[i].Value.Host()) {
				changed++
			}
		}
		if want && changed > 0 || !want && changed == 0 {
			t.Errorf("%s: %d of %d parameters changed", what, changed, len(a))
		}
	}
	same("encoder", before.Enc.Params(), after.Enc.Params(), true)
	same("dynamics", before.Dyn.Params(), after.Dyn.Params(), true)
	same("decoder", before.Dec.Params(), after.Dec.Params(), false)
	if after.Cfg.AE.Scale != before.Cfg.AE.Scale {
		t.Errorf("latent scale %v became %v", before.Cfg.AE.Scale, after.Cfg.AE.Scale)
	}
	_, meta, _ := model.Load(cpu.New(), o.Out)
	if meta[MetaAESteps] != "40" || meta[MetaDynSteps] != "5" || meta[MetaDecSteps] != "120" {
		t.Errorf("steps in metadata: %v", meta)
	}
}

func TestInitAutoencoder(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 1, 60, cfg.Width, cfg.Height)
	dir := t.TempDir()
	aePath := filepath.Join(dir, "ae.safetensors")
	o := Options{Data: []string{data}, Config: cfg, Out: aePath, AESteps: 10, Batch: 2, LR: 1e-3, Seed: 1}
	ae, err := Run(context.Background(), cpu.New(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dyn.Injection = model.External
	o = Options{Data: []string{data}, Config: cfg, Out: filepath.Join(dir, "ext.safetensors"), InitAutoencoder: aePath, DynSteps: 5, Batch: 2, LR: 1e-3, Seed: 2}
	m, err := Run(context.Background(), cpu.New(), o)
	if err != nil {
		t.Fatal(err)
	}
	if m.Cfg.Dyn.Injection != model.External {
		t.Error("the new model's injection was not kept")
	}
	for i, p := range m.Enc.Params() {
		if !slices.Equal(p.Value.Host(), ae.Enc.Params()[i].Value.Host()) {
			t.Fatalf("encoder parameter %s was not taken over", p.Name)
		}
	}
	_, meta, _ := model.Load(cpu.New(), o.Out)
	if meta[MetaAESteps] != "10" || meta[MetaDynSteps] != "5" {
		t.Errorf("steps in metadata: %v", meta)
	}
	other := cfg
	other.AE.Latent = 4
	o.Config, o.Out = other, filepath.Join(dir, "bad.safetensors")
	if _, err := Run(context.Background(), cpu.New(), o); err == nil {
		t.Error("an autoencoder of another configuration was accepted")
	}
}

// TestCellWeights: a cell is up-weighted when any mask covers any of its
// pixels, and only then.
func TestCellWeights(t *testing.T) {
	const width, height, r = 8, 4, 2 // 4x2 cells
	now, was := make([]float32, width*height), make([]float32, width*height)
	now[1*width+7] = 1 // cell (3, 0)
	was[2*width+0] = 1 // cell (0, 1)
	was[3*width+3] = 1 // cell (1, 1)
	got := make([]float32, 8)
	cellWeights(got, 9, width, r, now, was)
	want := []float32{1, 1, 1, 10, 10, 10, 1, 1}
	if !slices.Equal(got, want) {
		t.Errorf("weights %v, want %v", got, want)
	}
	cellWeights(got, 9, width, r, now)
	if want := []float32{1, 1, 1, 10, 1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("one mask: weights %v, want %v", got, want)
	}
}

// TestAddChangeWeights: only cells whose latent differs in some channel get
// the extra weight.
func TestAddChangeWeights(t *testing.T) {
	// Two channels of three cells; cell 1 differs in channel 1 only.
	newest := []float32{0.5, 1, -2, 3, 4, 5}
	next := []float32{0.5, 1, -2, 3, 4.5, 5}
	w := []float32{1, 1, 11}
	addChangeWeights(w, 4, next, newest)
	if want := []float32{1, 5, 11}; !slices.Equal(w, want) {
		t.Errorf("weights %v, want %v", w, want)
	}
}

// TestDecoderIgnoresUntrainedDynamics: a model whose dynamics never trained
// has no predictions worth decoding, so a predicted share changes nothing:
// the run equals one without it, loss for loss.
func TestDecoderIgnoresUntrainedDynamics(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 1, 40, cfg.Width, cfg.Height)
	run := func(share float64) []float64 {
		var losses []float64
		o := Options{Data: []string{data}, Config: cfg, Out: filepath.Join(t.TempDir(), "m.safetensors"), AESteps: 5, DecSteps: 10,
			DecPredictedShare: share, Batch: 2, LR: 1e-3, Seed: 4, Progress: func(p Progress) { losses = append(losses, p.Loss) }}
		if _, err := Run(context.Background(), cpu.New(), o); err != nil {
			t.Fatal(err)
		}
		return losses
	}
	if a, b := run(0), run(1); !slices.Equal(a, b) {
		t.Errorf("losses with a predicted share %v, without %v", b, a)
	}
}
