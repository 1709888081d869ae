package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/train/trainflag"
)

// runTrain is `ncworker train`: one training run on the worker's device,
// with the flags of `ncstudio train`, for a GPU machine without a display
// (ncstudio links OpenGL and may not start there) and without a parent
// process to speak the protocol with. Ctrl-C or SIGTERM writes the
// checkpoint, as in ncstudio; --resume continues.
func runTrain(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("ncworker train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := trainflag.Register(fs)
	device := fs.String("device", defaultDevice, "cuda, emulator or cpu")
	gpu := fs.Int("gpu", 0, "which GPU, with --device cuda")
	precise := fs.Bool("precise", false, "3xTF32 matrix products instead of tf32")
	bf16 := fs.Bool("bf16", false, "bf16 matrix products")
	progress := fs.String("progress", "text", "progress on stderr: text (a line every 10 s and at each stage's end) or json (every step)")
	every := fs.Duration("progress-every", 10*time.Second, "time between text progress lines")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ncworker train --data DIR... --out CKPT [--init CKPT] [--preset NAME] [--device cuda|emulator|cpu] ... | --resume --out CKPT\n\n"+
			"one training run on this worker's device, with ncstudio train's flags\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *progress != "text" && *progress != "json" {
		return fmt.Errorf("--progress is text or json, not %q", *progress)
	}
	o, err := flags.Options("ncworker train " + strings.Join(args, " "))
	if err != nil {
		return err
	}
	be, _, err := open(*device, *gpu, cuda.Options{Precise: *precise, BF16: *bf16})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "training on %s\n", be.Name())
	log, err := train.OpenLossLog(*flags.Out)
	if err != nil {
		return err
	}
	defer log.Close()
	enc := json.NewEncoder(stderr)
	var last time.Time
	o.Progress = func(p train.Progress) {
		if err := log.Record(p); err != nil {
			fmt.Fprintf(stderr, "loss log: %v\n", err)
		}
		if *progress == "json" {
			enc.Encode(p)
			return
		}
		if time.Since(last) < *every && p.Step != p.Steps {
			return
		}
		last = time.Now()
		fmt.Fprintf(stderr, "%s %d/%d  loss %.4f  %.1f/s  ETA %v\n", p.Stage, p.Step, p.Steps, p.Loss, p.StepsPerSec,
			p.ETA.Round(time.Second))
	}
	debug.SetGCPercent(20) // as in ncstudio train: the heap is mostly the latent cache
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	m, err := train.Run(ctx, be, o)
	if err == context.Canceled {
		fmt.Fprintf(stderr, "interrupted: %s holds the state (--resume continues)\n", *flags.Out)
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s: %d parameters, in %v (losses in %s.losses.csv)\n", *flags.Out, m.ParamCount(),
		time.Since(start).Round(time.Second), *flags.Out)
	return nil
}
