// Package train trains neural computers on traces: the autoencoder stage
// (frames to latents and back), then the dynamics stage (next latent from
// the context latents and the action, by flow matching), then optionally
// the decoder stage (the decoder alone, on the frozen encoder's latents),
// from scratch or fine-tuning a checkpoint, with replay of older traces
// against forgetting.
package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/optim"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Checkpoint metadata written by training: steps trained per stage, over
// all runs that led to the checkpoint.
const (
	MetaAESteps  = "ncstudio.autoencoder_steps"
	MetaDynSteps = "ncstudio.dynamics_steps"
	MetaDecSteps = "ncstudio.decoder_steps"
	// MetaRunStep is "STAGE/STEP" of the run that wrote the checkpoint.
	MetaRunStep = "ncstudio.run_step"
)

// Options configure a training run.
type Options struct {
	Data   []string // traces or directories of traces
	Replay []string // older traces mixed in when fine-tuning
	// ReplayShare is the fraction of each batch drawn from Replay.
	ReplayShare float64
	Init        string // checkpoint to start from; empty: Config from scratch
	// InitAutoencoder, with Init empty, takes the autoencoder of another
	// checkpoint (of the same frame size and autoencoder configuration)
	// into a fresh model of Config: one autoencoder, several dynamics.
	InitAutoencoder string
	Config          model.Config
	Out             string // checkpoint path
	AESteps         int
	DynSteps        int
	// DecSteps trains the decoder alone after the dynamics, with the
	// encoder frozen: the latents the dynamics learnt keep their meaning,
	// so a trained checkpoint's frames can be sharpened without retraining
	// its dynamics.
	DecSteps int
	// DecPredictedShare is the share of decoder batches whose latents are
	// the dynamics' predictions of the frames (see Unroll) rather than the
	// encoder's latents: the decoder then also learns to draw the
	// dynamics' slightly blurred latents sharply. Ignored when the
	// dynamics has not been trained.
	DecPredictedShare float64
	Batch             int
	LR                float64
	// CursorWeight up-weights the loss on the cursor's pixels (its cells in
	// latent space): the paper's explicit cursor supervision. 0 turns it off.
	CursorWeight float32
	// ChangeWeight up-weights the dynamics loss on the latent cells that
	// differ from the newest context latent: on a desktop few cells change
	// per frame, and an unweighted loss is content to copy the last frame.
	ChangeWeight    float32
	ContextNoiseMax float32
	// EventShare is the share of the dynamics' batch items (and of the
	// decoder's predicted ones) drawn from the steps of Data whose next
	// frame changes widely (dataset.EventMinChange): windows opening, menus,
	// drags are a few percent of a desktop's steps and are otherwise seen
	// too rarely to be learnt.
	EventShare float64
	// Unroll, when positive, trains a share (UnrollShare) of the dynamics
	// batches on contexts whose newest Unroll latents the model predicted
	// itself, one sampler step each from the true actions: a free rollout
	// feeds the model its own slightly wrong frames, and this teaches it to
	// pull them back to the truth instead of building on the error. In the
	// decoder stage it applies to the batches of DecPredictedShare: the
	// decoder learns to draw the frames of short rollouts.
	Unroll      int
	UnrollShare float64
	// LatentCache is a folder where the latents of traces are kept between
	// runs (DefaultLatentCache); "" encodes every run.
	LatentCache string
	// SamplerSteps, when positive, sets the sampler steps per frame the
	// checkpoint plays with (its config's default), also for --init.
	SamplerSteps    int
	Seed            uint64
	CheckpointEvery int // steps; 0: only at the end of each stage
	// Resume continues the run that wrote Out (see Run).
	Resume bool `json:"-"`
	// Progress receives a report after every step (from the training goroutine).
	Progress func(Progress) `json:"-"`
	// Meta is added to the checkpoint's metadata (provenance).
	Meta map[string]string
}

// Defaults are the options of `ncstudio train` without flags (the studio's
// Train page starts from them too).
func Defaults() Options {
	return Options{ReplayShare: 0.3, AESteps: 4000, DynSteps: 6000, Batch: 8, LR: 1e-3, CursorWeight: 10,
		ContextNoiseMax: 0.1, UnrollShare: 0.5, DecPredictedShare: 0.5, Seed: 1, CheckpointEvery: 500}
}

// Progress is one training step's report.
type Progress struct {
	Stage       string        `json:"stage"` // "autoencoder", "latents", "dynamics", "decoder"
	Step        int           `json:"step"`
	Steps       int           `json:"steps"`
	Loss        float64       `json:"loss"`
	StepsPerSec float64       `json:"steps_per_sec"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	ETA         time.Duration `json:"eta_ns"`
	Checkpoint  string        `json:"checkpoint,omitempty"` // set when one was just written
}

// ResumePath is the file next to a checkpoint that holds what resuming its
// training needs: the optimizer's moments, the random generator's state, the
// stage and step, and the run's options.
func ResumePath(ckptPath string) string { return ckptPath + ".resume" }

// metaRunState is the resume file's metadata key of the runState JSON.
const metaRunState = "ncstudio.train_state"

type runState struct {
	Options Options `json:"options"`
	Stage   string  `json:"stage"` // the stage in progress
	Step    int     `json:"step"`  // its steps done
	RNG     []byte  `json:"rng"`
	// Steps each stage had before this run, from the --init checkpoint.
	BaseAE  int `json:"base_autoencoder_steps"`
	BaseDyn int `json:"base_dynamics_steps"`
	BaseDec int `json:"base_decoder_steps"`
}

// stages are the training stages in the order they run.
var stages = []string{"autoencoder", "dynamics", "decoder"}

// Run trains and writes the checkpoint to o.Out. When ctx is cancelled it
// writes a checkpoint of the current state and returns ctx's error. With
// o.Resume, it continues the run whose checkpoint is o.Out exactly where it
// stopped, with that run's options (only Progress is taken from o).
func Run(ctx context.Context, be tensor.Backend, o Options) (*model.Model, error) {
	var resume *runState
	var optState *ckpt.File
	if o.Resume {
		f, err := ckpt.Load(ResumePath(o.Out))
		if err != nil {
			return nil, fmt.Errorf("train: nothing to resume for %s: %v", o.Out, err)
		}
		resume = &runState{}
		if err := json.Unmarshal([]byte(f.Metadata[metaRunState]), resume); err != nil {
			return nil, fmt.Errorf("train: %s: bad training state: %v", ResumePath(o.Out), err)
		}
		progress := o.Progress
		o = resume.Options
		o.Progress, o.Resume, o.Init = progress, true, o.Out
		optState = f
	}
	if o.Batch < 1 || o.LR <= 0 || o.AESteps < 0 || o.DynSteps < 0 || o.DecSteps < 0 {
		return nil, fmt.Errorf("train: batch %d, learning rate %g and steps must be positive", o.Batch, o.LR)
	}
	var m *model.Model
	var err error
	prior := map[string]string{}
	if o.Init != "" {
		if m, prior, err = model.Load(be, o.Init); err != nil {
			return nil, err
		}
	} else if m, err = model.New(be, o.Config, o.Seed); err != nil {
		return nil, err
	} else if o.InitAutoencoder != "" {
		if prior, err = loadAutoencoder(m, o.InitAutoencoder); err != nil {
			return nil, err
		}
	}
	if o.SamplerSteps > 0 {
		m.Cfg.Sampler.Steps = o.SamplerSteps
	}
	// Steps trained per stage before this run, carried from checkpoint to
	// checkpoint.
	aeDone, _ := strconv.Atoi(prior[MetaAESteps])
	dynDone, _ := strconv.Atoi(prior[MetaDynSteps])
	decDone, _ := strconv.Atoi(prior[MetaDecSteps])
	pcg := rand.NewPCG(o.Seed, 0x6e637472_61696e31)
	if resume != nil {
		aeDone, dynDone, decDone = resume.BaseAE, resume.BaseDyn, resume.BaseDec
		if err := pcg.UnmarshalBinary(resume.RNG); err != nil {
			return nil, fmt.Errorf("train: %s: bad generator state: %v", ResumePath(o.Out), err)
		}
		if prior[MetaRunStep] != fmt.Sprintf("%s/%d", resume.Stage, resume.Step) {
			return nil, fmt.Errorf("train: %s is at %s but its resume state at %s/%d (interrupted between the two writes); resume is not exact from here",
				o.Out, prior[MetaRunStep], resume.Stage, resume.Step)
		}
	}
	data, err := dataset.Open(o.Data, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		return nil, err
	}
	defer data.Close()
	var replay *dataset.Dataset
	if len(o.Replay) > 0 {
		if replay, err = dataset.Open(o.Replay, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height); err != nil {
			return nil, err
		}
		defer replay.Close()
	}
	t := &trainer{m: m, be: be, o: o, data: data, replay: replay, bufs: nn.NewArena(be), pcg: pcg, rng: rand.New(pcg)}
	var stageSteps struct{ ae, dyn, dec int }
	save := func(stage string, step int, opt *optim.AdamW) error {
		meta := map[string]string{}
		for k, v := range prior {
			meta[k] = v
		}
		for k, v := range o.Meta {
			meta[k] = v
		}
		meta[MetaAESteps] = strconv.Itoa(aeDone + stageSteps.ae)
		meta[MetaDynSteps] = strconv.Itoa(dynDone + stageSteps.dyn)
		if decDone+stageSteps.dec > 0 {
			meta[MetaDecSteps] = strconv.Itoa(decDone + stageSteps.dec)
		}
		meta[MetaRunStep] = fmt.Sprintf("%s/%d", stage, step)
		if err := m.Save(o.Out, meta); err != nil {
			return err
		}
		rng, _ := pcg.MarshalBinary()
		js, err := json.Marshal(runState{Options: o, Stage: stage, Step: step, RNG: rng, BaseAE: aeDone, BaseDyn: dynDone, BaseDec: decDone})
		if err != nil {
			return err
		}
		f := opt.State()
		f.Metadata[metaRunState] = string(js)
		return ckpt.Save(ResumePath(o.Out), f)
	}
	// Where to start: the steps of each stage done, and the optimizer state
	// of the stage in progress.
	from := map[string]int{}
	if resume != nil {
		// The stages before the one in progress are complete.
		total := map[string]int{"autoencoder": o.AESteps, "dynamics": o.DynSteps}
		for _, st := range stages[:slices.Index(stages, resume.Stage)] {
			from[st] = total[st]
		}
		from[resume.Stage] = resume.Step
		stageSteps.ae, stageSteps.dyn, stageSteps.dec = from["autoencoder"], from["dynamics"], from["decoder"]
	}
	stateFor := func(stage string) *ckpt.File {
		if resume == nil || resume.Stage != stage {
			return nil
		}
		return optState
	}
	if o.AESteps > 0 && from["autoencoder"] < o.AESteps {
		aeParams := append(m.Enc.Params(), m.Dec.Params()...)
		if err := t.stage(ctx, "autoencoder", o.AESteps, from["autoencoder"], stateFor("autoencoder"), aeParams, t.aeStep, &stageSteps.ae, save); err != nil {
			return m, err
		}
	}
	if o.DynSteps > 0 && from["dynamics"] < o.DynSteps {
		// Until the dynamics has been trained, the latent scale is free: set
		// it so that latents have unit variance. After, it is part of what
		// the dynamics learnt and stays.
		if err := t.encodeAll(ctx, dynDone+from["dynamics"] == 0); err != nil {
			return m, err
		}
		if err := t.stage(ctx, "dynamics", o.DynSteps, from["dynamics"], stateFor("dynamics"), m.Dyn.Params(), t.dynStep, &stageSteps.dyn, save); err != nil {
			return m, err
		}
	}
	if o.DecSteps > 0 && from["decoder"] < o.DecSteps {
		if dynDone+o.DynSteps == 0 {
			// An untrained dynamics predicts noise: nothing to learn from.
			t.o.DecPredictedShare = 0
		}
		if !t.encoded {
			if err := t.encodeAll(ctx, false); err != nil {
				return m, err
			}
		}
		if err := t.stage(ctx, "decoder", o.DecSteps, from["decoder"], stateFor("decoder"), m.Dec.Params(), t.decStep, &stageSteps.dec, save); err != nil {
			return m, err
		}
	}
	return m, nil
}

// loadAutoencoder copies the encoder and decoder of the checkpoint at path
// into m and returns metadata carrying its autoencoder step count.
func loadAutoencoder(m *model.Model, path string) (map[string]string, error) {
	f, err := ckpt.Load(path)
	if err != nil {
		return nil, err
	}
	src, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	a, b := src.AE, m.Cfg.AE
	if src.Width != m.Cfg.Width || src.Height != m.Cfg.Height || !slices.Equal(a.Channels, b.Channels) || !slices.Equal(a.Blocks, b.Blocks) || a.Latent != b.Latent {
		return nil, fmt.Errorf("%s: its autoencoder (%dx%d, channels %v, blocks %v, %d latent channels) is not the model's (%dx%d, %v, %v, %d)",
			path, src.Width, src.Height, a.Channels, a.Blocks, a.Latent, m.Cfg.Width, m.Cfg.Height, b.Channels, b.Blocks, b.Latent)
	}
	ae := &ckpt.File{}
	for _, t := range f.Tensors {
		if strings.HasPrefix(t.Name, "enc.") || strings.HasPrefix(t.Name, "dec.") {
			ae.Tensors = append(ae.Tensors, t)
		}
	}
	if err := nn.LoadParams(ae, path, m.Backend(), append(m.Enc.Params(), m.Dec.Params()...)); err != nil {
		return nil, err
	}
	return map[string]string{MetaAESteps: f.Metadata[MetaAESteps]}, nil
}

type trainer struct {
	m            *model.Model
	be           tensor.Backend
	o            Options
	data, replay *dataset.Dataset
	pcg          *rand.PCG
	rng          *rand.Rand
	host         hostBuffers
	bufs         nn.Arena
	encoded      bool           // every trace has its latents (encodeAll ran)
	events       []dataset.Step // of Data, when EventShare > 0
}

// hostBuffers are reused batch buffers on the host.
type hostBuffers struct {
	x, w, z, window, ctx, target, acts, cmap, weight, mask, was []float32
}

// source picks the dataset a batch item comes from.
func (t *trainer) source() *dataset.Dataset {
	if t.replay != nil && t.rng.Float64() < t.o.ReplayShare {
		return t.replay
	}
	return t.data
}

// stage runs steps of one training stage, from step from+1 on, with
// AdamW over params (restored from state when resuming), a warm-up +
// cosine schedule, progress reports and checkpoints.
func (t *trainer) stage(ctx context.Context, name string, steps, from int, state *ckpt.File, params []*nn.Param,
	step func() float32, done *int, save func(string, int, *optim.AdamW) error) error {
	opt := optim.NewAdamW(t.be, params)
	opt.Beta2, opt.WeightDecay, opt.MaxGradNorm = 0.99, 0.01, 1
	opt.NoDecay = func(p *nn.Param) bool { return p.Value.Numel() == p.Value.Dim(0) } // biases, gains
	if state != nil {
		if err := opt.Restore(state, ResumePath(t.o.Out)); err != nil {
			return err
		}
	}
	sched := optim.Schedule{Peak: t.o.LR, Min: t.o.LR / 10, Warmup: min(200, steps/10+1), Total: steps}
	start := time.Now()
	for i := from + 1; i <= steps; i++ {
		if err := ctx.Err(); err != nil {
			if serr := save(name, i-1, opt); serr != nil {
				return serr
			}
			return err
		}
		opt.ZeroGrad()
		loss := step()
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return fmt.Errorf("train: %s loss is %v at step %d; lower the learning rate (%g)", name, loss, i, t.o.LR)
		}
		opt.Step(float32(sched.At(i)))
		*done = i
		p := Progress{Stage: name, Step: i, Steps: steps, Loss: float64(loss), Elapsed: time.Since(start)}
		p.StepsPerSec = float64(i-from) / p.Elapsed.Seconds()
		p.ETA = time.Duration(float64(steps-i) / p.StepsPerSec * float64(time.Second))
		if t.o.CheckpointEvery > 0 && i%t.o.CheckpointEvery == 0 || i == steps {
			if err := save(name, i, opt); err != nil {
				return err
			}
			p.Checkpoint = t.o.Out
		}
		if t.o.Progress != nil {
			t.o.Progress(p)
		}
	}
	return nil
}

// aeStep trains the autoencoder on one batch of frames: L1 + MSE of the
// reconstruction, weighted up on the cursor.
func (t *trainer) aeStep() float32 {
	x, w, _ := t.frameBatch(false)
	return t.m.AELoss(x, w)
}

// decStep trains the decoder on one batch of frames and their latents from
// the frozen encoder or, in a share of batches (DecPredictedShare), the
// dynamics' predictions of them.
func (t *trainer) decStep() float32 {
	if t.o.DecPredictedShare > 0 && t.rng.Float64() < t.o.DecPredictedShare {
		return t.decPredictedStep()
	}
	x, w, z := t.frameBatch(true)
	return t.m.DecoderLoss(z, x, w)
}

// frameBatch picks a batch of frames: the frames [B, 3, H, W], their loss
// weights (the cursor supervision) [B, 1, H, W] and, with latents, their
// unscaled latents [B, Cz, h, w].
func (t *trainer) frameBatch(latents bool) (x, weight, z *tensor.Tensor) {
	cfg := &t.m.Cfg
	b := t.o.Batch
	lw, lh := cfg.LatentSize()
	n := cfg.AE.Latent * lw * lh
	if latents {
		t.host.z = grow(t.host.z, b*n)
	}
	for j := range b {
		tr, i := t.source().Pick(t.rng, 0, 0)
		t.frameItem(j, tr, i)
		if latents {
			t.latent(t.host.z[j*n:(j+1)*n], tr, i, 1)
		}
	}
	x, weight = t.uploadFrames()
	if latents {
		z = t.upload("dec.z", t.host.z, b, cfg.AE.Latent, lh, lw)
	}
	return x, weight, z
}

// decPredictedStep trains the decoder to draw frame i+1 from the dynamics'
// prediction of its latent (from the true context and action; with
// Options.Unroll, in a share of batches from a context the model rolled out
// itself), so that it learns to render what the dynamics produces in play.
func (t *trainer) decPredictedStep() float32 {
	cfg := &t.m.Cfg
	b := t.o.Batch
	lw, lh := cfg.LatentSize()
	n := cfg.AE.Latent * lw * lh
	traces, steps := t.contextBatch(t.pickUnroll())
	for j := range b {
		t.frameItem(j, traces[j], steps[j]+1)
	}
	pred := t.sampleNext(traces, steps, 0)
	t.host.z = grow(t.host.z, b*n)
	for j, v := range pred {
		t.host.z[j] = v / cfg.AE.Scale
	}
	x, w := t.uploadFrames()
	return t.m.DecoderLoss(t.upload("dec.z", t.host.z, b, cfg.AE.Latent, lh, lw), x, w)
}

// frameItem writes frame i of tr and its loss weights (1, more on the
// cursor) as batch item j of t.host.x and t.host.w.
func (t *trainer) frameItem(j int, tr *dataset.Trace, i int) {
	cfg := &t.m.Cfg
	b, px := t.o.Batch, cfg.Width*cfg.Height
	t.host.x = grow(t.host.x, b*3*px)
	t.host.w = grow(t.host.w, b*px)
	t.host.mask = grow(t.host.mask, px)
	frame, err := tr.R.Frame(i)
	if err != nil {
		panic(err) // validated at open; a disk error mid-run
	}
	model.FrameToTensor(t.host.x[j*3*px:], frame)
	tr.Mask(t.host.mask, i, cfg.Width, cfg.Height)
	for k, v := range t.host.mask {
		t.host.w[j*px+k] = 1 + t.o.CursorWeight*v
	}
}

// uploadFrames uploads the batch of frames and weights frameItem wrote.
func (t *trainer) uploadFrames() (x, weight *tensor.Tensor) {
	cfg := &t.m.Cfg
	b, w, h := t.o.Batch, cfg.Width, cfg.Height
	return t.upload("ae.x", t.host.x[:b*3*w*h], b, 3, h, w), t.upload("ae.w", t.host.w[:b*w*h], b, 1, h, w)
}

// encodeAll computes every frame's latent into the traces, or reads it from
// the latent cache when this encoder has seen the trace before. With
// rescale, the latent scale is set so that scaled latents have unit variance.
// It also lists the event steps of Data when EventShare asks for them: both
// are what the latent stages need before their first batch.
func (t *trainer) encodeAll(ctx context.Context, rescale bool) error {
	m, be := t.m, t.be
	cfg := &m.Cfg
	lw, lh := cfg.LatentSize()
	n := cfg.AE.Latent * lw * lh
	total := t.data.Frames()
	if t.replay != nil {
		total += t.replay.Frames()
	}
	cache := newLatentCache(t.o.LatentCache, m, DefaultLatentCacheLimit)
	done, start := 0, time.Now()
	report := func() {
		if t.o.Progress != nil {
			el := time.Since(start)
			rate := float64(done) / el.Seconds()
			t.o.Progress(Progress{Stage: "latents", Step: done, Steps: total, StepsPerSec: rate, Elapsed: el,
				ETA: time.Duration(float64(total-done) / rate * float64(time.Second))})
		}
	}
	// Chunks of a training batch (at least 16 frames): memory the autoencoder
	// stage needs anyway, and a GPU run with a big batch encodes without
	// paying a launch round per 16 frames.
	chunk := max(16, t.o.Batch)
	var sum, sumSq float64
	var count int
	for _, d := range []*dataset.Dataset{t.data, t.replay} {
		if d == nil {
			continue
		}
		for _, tr := range d.Traces {
			if cache != nil && cache.load(tr, n) {
				done += tr.R.Len()
				report()
			} else {
				tr.Latents = make([]uint16, tr.R.Len()*n)
				x := make([]float32, chunk*3*cfg.Width*cfg.Height)
				for from := 0; from < tr.R.Len(); from += chunk {
					if err := ctx.Err(); err != nil {
						return err
					}
					to := min(from+chunk, tr.R.Len())
					for i := from; i < to; i++ {
						f, err := tr.R.Frame(i)
						if err != nil {
							return err
						}
						model.FrameToTensor(x[(i-from)*3*cfg.Width*cfg.Height:], f)
					}
					in := t.upload("enc.x", x[:(to-from)*3*cfg.Width*cfg.Height], to-from, 3, cfg.Height, cfg.Width)
					z := be.ToHost(m.Enc.Forward(in))
					for j, v := range z {
						tr.Latents[from*n+j] = ckpt.Float32ToF16(v)
					}
					done += to - from
					report()
				}
				if cache != nil {
					// A cache that cannot be written costs only time next run.
					_ = cache.store(tr, n)
				}
			}
			if rescale {
				for _, h := range tr.Latents {
					v := float64(ckpt.F16ToFloat32(h))
					sum += v
					sumSq += v * v
				}
				count += len(tr.Latents)
			}
		}
	}
	if t.o.EventShare > 0 {
		var err error
		if t.events, err = t.data.Events(ctx); err != nil {
			return err
		}
	}
	t.encoded = true
	if rescale {
		mean := sum / float64(count)
		std := math.Sqrt(max(sumSq/float64(count)-mean*mean, 1e-12))
		cfg.AE.Scale = float32(1 / std)
	}
	return nil
}

// latent copies frame i's latent, times scale, into dst.
func (t *trainer) latent(dst []float32, tr *dataset.Trace, i int, scale float32) {
	n := len(dst)
	for j, h := range tr.Latents[i*n : (i+1)*n] {
		dst[j] = scale * ckpt.F16ToFloat32(h)
	}
}

// dynStep trains the dynamics on one batch of windows: K context latents
// (clamped at the trace's start, as a session starts), the action, and the
// next latent. In a share of batches (Options.Unroll) the newest context
// latents are the model's own predictions.
func (t *trainer) dynStep() float32 {
	m := t.m
	cfg := &m.Cfg
	lw, lh := cfg.LatentSize()
	cells := lw * lh
	n := cfg.AE.Latent * cells
	b, k := t.o.Batch, cfg.Dyn.Context
	r := cfg.AE.Reduction()
	traces, steps := t.contextBatch(t.pickUnroll())
	t.host.target = grow(t.host.target, b*n)
	t.host.weight = grow(t.host.weight, b*cells)
	t.host.mask = grow(t.host.mask, cfg.Width*cfg.Height)
	t.host.was = grow(t.host.was, cfg.Width*cfg.Height)
	for j := range b {
		tr, i := traces[j], steps[j]
		t.latent(t.host.target[j*n:(j+1)*n], tr, i+1, cfg.AE.Scale)
		t.actionInputs(j, tr, i)
		// The cursor supervision: the cells the cursor touches in the next
		// frame (where it must be drawn) and in the newest context frame
		// (where it must be erased if it moved).
		tr.Mask(t.host.mask, i+1, cfg.Width, cfg.Height)
		tr.Mask(t.host.was, i, cfg.Width, cfg.Height)
		wt := t.host.weight[j*cells : (j+1)*cells]
		cellWeights(wt, t.o.CursorWeight, cfg.Width, r, t.host.mask, t.host.was)
		if t.o.ChangeWeight > 0 {
			addChangeWeights(wt, t.o.ChangeWeight, t.host.target[j*n:(j+1)*n], t.host.ctx[j*k*n:(j*k+1)*n])
		}
	}
	batch := model.FlowBatch{
		Target:  t.upload("dyn.target", t.host.target, b, cfg.AE.Latent, lh, lw),
		Context: t.upload("dyn.ctx", t.host.ctx[:b*k*n], b, k*cfg.AE.Latent, lh, lw),
		Actions: t.upload("dyn.acts", t.host.acts, b, t.m.Cfg.ActionInputs()),
		Cursor:  t.cursorInput(b),
		Weight:  t.upload("dyn.weight", t.host.weight, b, 1, lh, lw),
	}
	return m.FlowLoss(batch, model.FlowOptions{ContextNoiseMax: t.o.ContextNoiseMax}, t.rng)
}

// pickUnroll returns how many of a batch's newest context latents are to be
// the model's own predictions: Options.Unroll in a share UnrollShare of
// batches, else none.
func (t *trainer) pickUnroll() int {
	if t.o.Unroll > 0 && t.rng.Float64() < t.o.UnrollShare {
		return t.o.Unroll
	}
	return 0
}

// contextBatch picks a batch of windows and fills t.host.ctx with their K
// context latents (scaled, newest first) for predicting frame steps[j]+1 of
// traces[j]. With unroll > 0 the newest unroll of them are the model's own
// predictions, rolled out with the true actions from the true latents
// before them, as in a free rollout.
func (t *trainer) contextBatch(unroll int) ([]*dataset.Trace, []int) {
	cfg := &t.m.Cfg
	lw, lh := cfg.LatentSize()
	cells := lw * lh
	n := cfg.AE.Latent * cells
	b, k := t.o.Batch, cfg.Dyn.Context
	span := k + unroll // latents per item: frames i, i-1, ..., newest first
	t.host.window = grow(t.host.window, b*span*n)
	t.host.ctx = grow(t.host.ctx, b*k*n)
	t.host.acts = grow(t.host.acts, b*cfg.ActionInputs())
	t.host.cmap = grow(t.host.cmap, b*cells)
	traces, steps := make([]*dataset.Trace, b), make([]int, b)
	for j := range b {
		tr, i := t.pick(unroll)
		traces[j], steps[j] = tr, i
		for c := range span {
			t.latent(t.host.window[(j*span+c)*n:(j*span+c+1)*n], tr, max(i-c, 0), cfg.AE.Scale)
		}
	}
	// The frame of slot u-1 (frame i-u+1) is predicted from the K slots
	// before it and the action of step i-u, oldest first, so later
	// predictions build on earlier ones.
	for u := unroll; u >= 1; u-- {
		for j := range b {
			copy(t.host.ctx[j*k*n:(j+1)*k*n], t.host.window[(j*span+u)*n:(j*span+u+k)*n])
		}
		pred := t.sampleNext(traces, steps, -u)
		for j := range b {
			copy(t.host.window[(j*span+u-1)*n:(j*span+u)*n], pred[j*n:(j+1)*n])
		}
	}
	for j := range b {
		copy(t.host.ctx[j*k*n:(j+1)*k*n], t.host.window[j*span*n:(j*span+k)*n])
	}
	return traces, steps
}

// pick chooses a batch item's step (whose next frame is predicted), at
// least lo steps into its trace: an event in a share EventShare of items,
// else any step of the data or the replay.
func (t *trainer) pick(lo int) (*dataset.Trace, int) {
	if len(t.events) > 0 && t.rng.Float64() < t.o.EventShare {
		if e := t.events[t.rng.IntN(len(t.events))]; e.I >= lo {
			return e.Trace, e.I
		}
	}
	return t.source().Pick(t.rng, lo, 1)
}

// sampleNext samples the next latents (scaled, on the host, valid until the
// next call) from the contexts in t.host.ctx and the actions of steps
// steps[j]+shift of traces[j], as a session steps.
func (t *trainer) sampleNext(traces []*dataset.Trace, steps []int, shift int) []float32 {
	cfg := &t.m.Cfg
	lw, lh := cfg.LatentSize()
	b := len(traces)
	for j := range b {
		t.actionInputs(j, traces[j], steps[j]+shift)
	}
	ctx := t.upload("dyn.ctx", t.host.ctx[:b*cfg.Dyn.Context*cfg.AE.Latent*lw*lh], b, cfg.Dyn.Context*cfg.AE.Latent, lh, lw)
	z := t.m.Sample(ctx, t.cursorInput(b), t.upload("dyn.acts", t.host.acts, b, t.m.Cfg.ActionInputs()), cfg.Sampler.Steps, cfg.Sampler.ContextNoise, t.rng)
	return t.be.ToHost(z)
}

// actionInputs writes the inputs of step i of tr (the action's features
// and, if the model has one, its cursor map) for batch item j.
func (t *trainer) actionInputs(j int, tr *dataset.Trace, i int) {
	cfg := &t.m.Cfg
	lw, lh := cfg.LatentSize()
	prev, a := tr.StepActions(i)
	n := cfg.ActionInputs()
	cfg.Featurize(t.host.acts[j*n:(j+1)*n], prev, a, tr.Presses(i))
	if cfg.Dyn.CursorMap {
		model.CursorMap(t.host.cmap[j*lw*lh:(j+1)*lw*lh], a.X, a.Y, cfg.Width, cfg.Height, lw, lh, cfg.Dyn.CursorSigma)
	}
}

// cursorInput uploads the batch's cursor maps, or returns nil for a model
// without them.
func (t *trainer) cursorInput(b int) *tensor.Tensor {
	cfg := &t.m.Cfg
	if !cfg.Dyn.CursorMap {
		return nil
	}
	lw, lh := cfg.LatentSize()
	return t.upload("dyn.cmap", t.host.cmap, b, 1, lh, lw)
}

// cellWeights sets each latent cell's loss weight (r x r pixels of a frame
// width pixels wide) to 1 + extra if any of the pixel masks covers one of
// its pixels, else 1.
func cellWeights(dst []float32, extra float32, width, r int, masks ...[]float32) {
	lw := width / r
	for c := range dst {
		cx, cy := c%lw, c/lw
		hit := float32(0)
		for y := cy * r; y < (cy+1)*r && hit == 0; y++ {
			for _, m := range masks {
				if slices.ContainsFunc(m[y*width+cx*r:y*width+(cx+1)*r], func(v float32) bool { return v != 0 }) {
					hit = 1
					break
				}
			}
		}
		dst[c] = 1 + extra*hit
	}
}

// addChangeWeights adds extra to the weight of every cell whose latent
// (channel-major [Cz, cells]) differs between next and newest. Unchanged
// pixels encode to identical latents, so any difference marks a change.
func addChangeWeights(dst []float32, extra float32, next, newest []float32) {
	cells := len(dst)
	for c := range cells {
		for ch := 0; ch < len(next)/cells; ch++ {
			if math.Abs(float64(next[ch*cells+c]-newest[ch*cells+c])) > 1e-3 {
				dst[c] += extra
				break
			}
		}
	}
}

// upload copies host data into the trainer's buffer called name.
func (t *trainer) upload(name string, data []float32, shape ...int) *tensor.Tensor {
	dst := t.buf(name, shape...)
	t.be.Upload(dst, data[:dst.Numel()])
	return dst
}

func (t *trainer) buf(name string, shape ...int) *tensor.Tensor { return t.bufs.Buf(name, shape...) }

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}
