// Package trainflag defines the command-line flags of a training run and
// turns them into train.Options. `ncstudio train` and `ncworker train` (the
// CUDA worker on a machine without a display) share them, so that a run
// reads the same on both.
package trainflag

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/train"
)

// List collects a repeatable flag; each use may hold several
// comma-separated values.
type List []string

func (l *List) String() string { return strings.Join(*l, ",") }
func (l *List) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// Set holds the parsed flags.
type Set struct {
	data, replay List
	replayShare  *float64
	// Out is the checkpoint to write; Init the one to fine-tune (a caller
	// may resolve names of built-in checkpoints before Options).
	Out, Init                                  *string
	initAE, preset, injection                  *string
	aeSteps, dynSteps, decSteps, batch         *int
	decPredicted                               *float64
	lr, cursorWeight, changeWeight, eventShare *float64
	ctxNoise, unrollShare                      *float64
	unroll, samplerSteps, every                *int
	latentCache                                *string
	seed                                       *uint64
	// Resume continues the interrupted run that writes Out.
	Resume *bool
}

// Register defines the training flags on fs.
func Register(fs *flag.FlagSet) *Set {
	d := train.Defaults()
	s := &Set{}
	fs.Var(&s.data, "data", "traces or directories of traces to learn (repeatable)")
	fs.Var(&s.replay, "replay", "older traces mixed into every batch against forgetting (repeatable)")
	s.replayShare = fs.Float64("replay-share", d.ReplayShare, "fraction of each batch drawn from --replay")
	s.Out = fs.String("out", "", "checkpoint to write (.safetensors)")
	s.Init = fs.String("init", "", "checkpoint to fine-tune instead of starting afresh")
	s.initAE = fs.String("init-autoencoder", "", "start a new model with the autoencoder of this checkpoint (e.g. to compare injection modes on one autoencoder)")
	s.preset = fs.String("preset", "default", "architecture for a new model: "+strings.Join(model.PresetNames(), ", "))
	s.injection = fs.String("injection", "", "override the preset's action injection: "+strings.Join(model.InjectionModes, ", "))
	s.aeSteps = fs.Int("ae-steps", d.AESteps, "autoencoder training steps (0 skips the stage)")
	s.dynSteps = fs.Int("dyn-steps", d.DynSteps, "dynamics training steps (0 skips the stage)")
	s.decPredicted = fs.Float64("decoder-predicted-share", d.DecPredictedShare, "share of decoder batches drawn from the dynamics' predictions (after --unroll steps in a share of them) instead of the encoder's latents: the decoder learns to render what the model predicts")
	s.decSteps = fs.Int("decoder-steps", d.DecSteps, "then decoder steps with the encoder frozen: sharper frames, the dynamics untouched (0 skips the stage)")
	s.batch = fs.Int("batch", d.Batch, "batch size")
	s.lr = fs.Float64("lr", d.LR, "peak learning rate (warm-up, then cosine decay to a tenth)")
	s.cursorWeight = fs.Float64("cursor-weight", decimal(d.CursorWeight), "extra loss weight on the cursor's pixels; 0 turns cursor supervision off (ablation)")
	s.changeWeight = fs.Float64("change-weight", decimal(d.ChangeWeight), "extra dynamics loss weight on the latent cells that change from one frame to the next")
	s.eventShare = fs.Float64("event-share", d.EventShare, "share of dynamics batch items drawn from steps where the screen changes widely (a window opens, a menu, a drag): rare behaviours are learnt instead of averaged away")
	s.ctxNoise = fs.Float64("context-noise", decimal(d.ContextNoiseMax), "largest noise level added to context latents in training (against drift)")
	s.unroll = fs.Int("unroll", 0, "train a share of batches on contexts whose newest N latents the model predicted itself (against drift in rollouts)")
	s.unrollShare = fs.Float64("unroll-share", d.UnrollShare, "the share of batches --unroll applies to")
	s.samplerSteps = fs.Int("sampler-steps", 0, "sampler steps per frame the checkpoint plays with, also in --unroll (default: the preset's or --init's)")
	s.latentCache = fs.String("latent-cache", train.DefaultLatentCache(), "folder that keeps traces' latents between runs that share an autoencoder (\"\": none)")
	s.seed = fs.Uint64("seed", d.Seed, "seed of initialisation, batches and noise")
	s.every = fs.Int("checkpoint-every", d.CheckpointEvery, "write the checkpoint every N steps (and at the end of each stage, and on Ctrl-C)")
	s.Resume = fs.Bool("resume", false, "continue the interrupted run that writes --out exactly where it stopped (its other flags are reused)")
	return s
}

// Options checks the flags and returns the run they describe (without
// Progress). command is the command line, recorded in the checkpoint. Every
// error is a usage error.
func (s *Set) Options(command string) (train.Options, error) {
	switch {
	case len(s.data) == 0 && !*s.Resume:
		return train.Options{}, errors.New("train: --data is required")
	case *s.Out == "":
		return train.Options{}, errors.New("train: --out CKPT is required")
	case *s.samplerSteps < 0:
		return train.Options{}, errors.New("train: --sampler-steps must not be negative")
	case *s.unroll < 0 || *s.unrollShare < 0 || *s.unrollShare > 1:
		return train.Options{}, errors.New("train: --unroll must not be negative and --unroll-share must lie in [0, 1]")
	case *s.Init != "" && *s.initAE != "":
		return train.Options{}, errors.New("train: --init and --init-autoencoder exclude each other")
	}
	if *s.Resume {
		return train.Options{Out: *s.Out, Resume: true}, nil
	}
	cfg, err := model.Preset(*s.preset)
	if err != nil {
		return train.Options{}, err
	}
	if *s.injection != "" {
		cfg.Dyn.Injection = *s.injection
	}
	if err := cfg.Check(); err != nil && *s.Init == "" {
		return train.Options{}, fmt.Errorf("train: %w", err)
	}
	o := train.Options{Data: s.data, Replay: s.replay, ReplayShare: *s.replayShare, Init: *s.Init, InitAutoencoder: *s.initAE, Config: cfg, Out: *s.Out,
		AESteps: *s.aeSteps, DynSteps: *s.dynSteps, DecSteps: *s.decSteps, DecPredictedShare: *s.decPredicted, Batch: *s.batch, LR: *s.lr, CursorWeight: float32(*s.cursorWeight), ChangeWeight: float32(*s.changeWeight),
		EventShare:      *s.eventShare,
		ContextNoiseMax: float32(*s.ctxNoise), Unroll: *s.unroll, UnrollShare: *s.unrollShare, SamplerSteps: *s.samplerSteps, LatentCache: *s.latentCache,
		Seed: *s.seed, CheckpointEvery: *s.every,
		Meta: map[string]string{
			"ncstudio.trained": time.Now().UTC().Format(time.RFC3339),
			"ncstudio.command": command,
		}}
	if *s.Init == "" { // a fine-tuned model keeps its checkpoint's preset
		o.Meta["ncstudio.preset"] = *s.preset
	}
	return o, nil
}

// decimal widens a float32 default to the float64 its shortest decimal
// form names, so that help prints 0.1 rather than 0.10000000149011612.
func decimal(x float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
	return v
}
