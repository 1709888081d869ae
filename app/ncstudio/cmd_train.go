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
	"github.com/ncstudio/ncstudio/engine/train/trainflag"
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

// listFlag collects a repeatable flag (several commands use it).
type listFlag = trainflag.List

func runTrain(c *context) error {
	flags := trainflag.Register(c.Flags)
	c.Flags.Lookup("init").Usage += ", or a built-in one (\"default\", \"terminal\")" // ncworker has none
	progress := c.Flags.String("progress", "bar", "progress output on stderr: bar, or json (one object per line, for the studio)")
	device := c.Flags.String("device", "cpu", "where to train: cpu, or cuda (in the CUDA worker bin/ncworker-cuda, built by 'make build-cuda')")
	if _, err := c.Parse(); err != nil {
		return err
	}
	switch {
	case *progress != "bar" && *progress != "json":
		return usagef("train: --progress is bar or json, not %q", *progress)
	case !slices.Contains(worker.Devices, *device):
		return usagef("train: --device is cpu or cuda, not %q", *device)
	}
	out := flags.Out
	if b, ok := embedded.Lookup(*flags.Init); ok {
		path, err := b.Extract("")
		if err != nil {
			return err
		}
		defer os.Remove(path)
		*flags.Init = path
	}
	o, err := flags.Options("ncstudio train " + strings.Join(c.args, " "))
	if err != nil {
		return usageError{err}
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
