package main

import (
	stdcontext "context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/worker"
)

func init() {
	register(&command{
		name:    "train",
		usage:   "--data DIR... --out CKPT [--init CKPT] [--replay DIR...] [--preset NAME] [--ae-steps N] [--dyn-steps N] [--progress bar|json] | --resume --out CKPT",
		summary: "train a neural computer on traces (autoencoder, then dynamics), or fine-tune one",
		run:     runTrain,
	})
}

// listFlag collects a repeatable flag; each use may hold several
// comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runTrain(c *context) error {
	var data, replay listFlag
	d := train.Defaults()
	c.Flags.Var(&data, "data", "traces or directories of traces to learn (repeatable)")
	c.Flags.Var(&replay, "replay", "older traces mixed into every batch against forgetting (repeatable)")
	replayShare := c.Flags.Float64("replay-share", d.ReplayShare, "fraction of each batch drawn from --replay")
	out := c.Flags.String("out", "", "checkpoint to write (.safetensors)")
	initFrom := c.Flags.String("init", "", "checkpoint to fine-tune instead of starting afresh, or a built-in one (\"default\", \"terminal\")")
	initAE := c.Flags.String("init-autoencoder", "", "start a new model with the autoencoder of this checkpoint (e.g. to compare injection modes on one autoencoder)")
	preset := c.Flags.String("preset", "default", "architecture for a new model: "+presetNames())
	injection := c.Flags.String("injection", "", "override the preset's action injection: "+strings.Join(model.InjectionModes, ", "))
	aeSteps := c.Flags.Int("ae-steps", d.AESteps, "autoencoder training steps (0 skips the stage)")
	dynSteps := c.Flags.Int("dyn-steps", d.DynSteps, "dynamics training steps (0 skips the stage)")
	batch := c.Flags.Int("batch", d.Batch, "batch size")
	lr := c.Flags.Float64("lr", d.LR, "peak learning rate (warm-up, then cosine decay to a tenth)")
	cursorWeight := c.Flags.Float64("cursor-weight", float64(d.CursorWeight), "extra loss weight on the cursor's pixels; 0 turns cursor supervision off (ablation)")
	changeWeight := c.Flags.Float64("change-weight", float64(d.ChangeWeight), "extra dynamics loss weight on the latent cells that change from one frame to the next")
	ctxNoise := c.Flags.Float64("context-noise", float64(d.ContextNoiseMax), "largest noise level added to context latents in training (against drift)")
	unroll := c.Flags.Int("unroll", 0, "train a share of batches on contexts whose newest N latents the model predicted itself (against drift in rollouts)")
	unrollShare := c.Flags.Float64("unroll-share", d.UnrollShare, "the share of batches --unroll applies to")
	samplerSteps := c.Flags.Int("sampler-steps", 0, "sampler steps per frame the checkpoint plays with, also in --unroll (default: the preset's or --init's)")
	latentCache := c.Flags.String("latent-cache", train.DefaultLatentCache(), "folder that keeps traces' latents between runs that share an autoencoder (\"\": none)")
	seed := c.Flags.Uint64("seed", d.Seed, "seed of initialisation, batches and noise")
	every := c.Flags.Int("checkpoint-every", d.CheckpointEvery, "write the checkpoint every N steps (and at the end of each stage, and on Ctrl-C)")
	progress := c.Flags.String("progress", "bar", "progress output on stderr: bar, or json (one object per line, for the studio)")
	device := c.Flags.String("device", "cpu", "where to train: cpu, or cuda (in the CUDA worker bin/ncworker-cuda, built by 'make build-cuda')")
	resume := c.Flags.Bool("resume", false, "continue the interrupted run that writes --out exactly where it stopped (its other flags are reused)")
	if _, err := c.Parse(); err != nil {
		return err
	}
	switch {
	case len(data) == 0 && !*resume:
		return usagef("train: --data is required")
	case *out == "":
		return usagef("train: --out CKPT is required")
	case *progress != "bar" && *progress != "json":
		return usagef("train: --progress is bar or json, not %q", *progress)
	case *samplerSteps < 0:
		return usagef("train: --sampler-steps must not be negative")
	case *unroll < 0 || *unrollShare < 0 || *unrollShare > 1:
		return usagef("train: --unroll must not be negative and --unroll-share must lie in [0, 1]")
	case !slices.Contains(worker.Devices, *device):
		return usagef("train: --device is cpu or cuda, not %q", *device)
	}
	cfg, err := model.Preset(*preset)
	if err != nil {
		return usageError{err}
	}
	if *injection != "" {
		cfg.Dyn.Injection = *injection
	}
	if err := cfg.Check(); err != nil && *initFrom == "" {
		return usageError{err}
	}
	if *initFrom != "" && *initAE != "" {
		return usagef("train: --init and --init-autoencoder exclude each other")
	}
	if b, ok := embedded.Lookup(*initFrom); ok {
		path, err := b.Extract("")
		if err != nil {
			return err
		}
		defer os.Remove(path)
		*initFrom = path
	}
	o := train.Options{Data: data, Replay: replay, ReplayShare: *replayShare, Init: *initFrom, InitAutoencoder: *initAE, Config: cfg, Out: *out,
		AESteps: *aeSteps, DynSteps: *dynSteps, Batch: *batch, LR: *lr, CursorWeight: float32(*cursorWeight), ChangeWeight: float32(*changeWeight),
		ContextNoiseMax: float32(*ctxNoise), Unroll: *unroll, UnrollShare: *unrollShare, SamplerSteps: *samplerSteps, LatentCache: *latentCache, Seed: *seed, CheckpointEvery: *every,
		Meta: map[string]string{
			"ncstudio.trained": time.Now().UTC().Format(time.RFC3339),
			"ncstudio.command": "ncstudio train " + strings.Join(c.args, " "),
		}}
	if *initFrom == "" { // a fine-tuned model keeps its checkpoint's preset
		o.Meta["ncstudio.preset"] = *preset
	}
	if *resume {
		o = train.Options{Out: *out, Resume: true}
	}
	log, err := train.OpenLossLog(*out)
	if err != nil {
		return err
	}
	defer log.Close()
	var bar *progressBar
	stage := ""
	enc := json.NewEncoder(c.Stderr)
	o.Progress = func(p train.Progress) {
		if err := log.Record(p); err != nil {
			fmt.Fprintf(c.Stderr, "\nloss log: %v\n", err)
		}
		if *progress == "json" {
			enc.Encode(p)
			return
		}
		if p.Stage != stage {
			if bar != nil {
				bar.finish()
			}
			stage = p.Stage
			bar = newProgress(c.Stderr, p.Stage, map[bool]string{true: "frames", false: "steps"}[p.Stage == "latents"], p.Steps)
		}
		if p.Stage != "latents" {
			bar.extra = func(float64) string { return fmt.Sprintf("loss %.4f", p.Loss) }
		}
		bar.set(p.Step)
	}
	// The live heap is mostly the latent cache (pointer-free, cheap to scan);
	// with Go's default GOGC=100 the heap would grow to twice it between
	// collections. Collecting at +20% keeps the default preset under 4 GiB.
	debug.SetGCPercent(20)
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	err = worker.Train(ctx, *device, o, func(where string) {
		if *progress == "bar" {
			fmt.Fprintf(c.Stderr, "training on %s\n", where)
		}
	})
	if bar != nil {
		bar.finish()
	}
	if err == stdcontext.Canceled {
		fmt.Fprintf(c.Stderr, "interrupted: the checkpoint %s holds the state at the interruption\n", *out)
		return err
	}
	if err != nil {
		return err
	}
	m, _, err := model.Load(cpu.New(), *out)
	if err != nil {
		return err
	}
	return c.Emit(map[string]any{"checkpoint": *out, "device": *device, "params": m.ParamCount(), "seconds": time.Since(start).Seconds(), "config": m.Cfg},
		func(w io.Writer) {
			fmt.Fprintf(w, "wrote %s: %d parameters, %dx%d, %s injection, in %v (losses in %s.losses.csv and .png)\n",
				*out, m.ParamCount(), m.Cfg.Width, m.Cfg.Height, m.Cfg.Dyn.Injection, time.Since(start).Round(time.Second), *out)
		})
}

func presetNames() string { return strings.Join(model.PresetNames(), ", ") }
