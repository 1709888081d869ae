package main

import (
	stdcontext "context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "eval",
		usage:   "--ckpt CKPT --data DIR... [--windows N] [--rollouts N] [--rollout-steps N] [--json]",
		summary: "score a checkpoint on held-out traces: PSNR, SSIM, changed-pixel PSNR, cursor accuracy, rollout drift",
		run:     runEval,
	})
}

// evalResult is the --json form of `eval`.
type evalResult struct {
	Checkpoint string      `json:"checkpoint"`
	Traces     int         `json:"traces"`
	Frames     int         `json:"frames"`
	Report     eval.Report `json:"report"`
}

func runEval(c *context) error {
	var data listFlag
	ckptPath := c.Flags.String("ckpt", "", "checkpoint to evaluate")
	c.Flags.Var(&data, "data", "held-out traces or directories of traces (repeatable)")
	windows := c.Flags.Int("windows", 200, "one-step predictions at random places")
	rollouts := c.Flags.Int("rollouts", 8, "free-running rollouts driven by the true actions")
	steps := c.Flags.Int("rollout-steps", 64, "steps per rollout")
	seed := c.Flags.Uint64("seed", 1, "seed of the sampled places and the sampler noise")
	if _, err := c.Parse(); err != nil {
		return err
	}
	switch {
	case *ckptPath == "" || len(data) == 0:
		return usagef("eval: --ckpt and --data are required")
	case *windows < 1 || *rollouts < 0 || *steps < 1:
		return usagef("eval: --windows and --rollout-steps must be at least 1")
	}
	m, _, err := model.Load(cpu.New(), *ckptPath)
	if err != nil {
		return err
	}
	ds, err := dataset.Open(data, m.Cfg.Width, m.Cfg.Height)
	if err != nil {
		return err
	}
	defer ds.Close()
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt)
	defer stop()
	bar := newProgress(c.Stderr, "eval", "frames", *windows+*rollouts**steps)
	rep, err := eval.Evaluate(ctx, m, ds, eval.Options{Windows: *windows, Rollouts: *rollouts, RolloutSteps: *steps, Seed: *seed,
		Progress: func(done, _ int) { bar.set(done) }})
	bar.finish()
	if err != nil {
		return err
	}
	res := evalResult{Checkpoint: *ckptPath, Traces: len(ds.Traces), Frames: ds.Frames(), Report: rep}
	return c.Emit(res, func(w io.Writer) { printEval(w, &res) })
}

func printEval(w io.Writer, res *evalResult) {
	r := &res.Report
	fmt.Fprintf(w, "%s on %d traces (%d frames)\n\n", res.Checkpoint, res.Traces, res.Frames)
	fmt.Fprintf(w, "%-16s %7s %7s %13s %9s %16s\n", "", "PSNR", "SSIM", "changed PSNR", "cursor", "cursor Δx/Δy/Δr")
	for _, row := range []struct {
		name string
		s    eval.Scores
	}{{"reconstruction", r.Reconstruction}, {"one step", r.OneStep}} {
		fmt.Fprintf(w, "%-16s %7.2f %7.4f %13.2f %9.3f %16s\n", row.name, row.s.PSNR, row.s.SSIM, row.s.ChangedPSNR, row.s.Cursor.Accuracy,
			fmt.Sprintf("%.1f/%.1f/%.1f", row.s.Cursor.DX, row.s.Cursor.DY, row.s.Cursor.DR))
	}
	if len(r.Drift) > 0 {
		fmt.Fprintf(w, "\nrollout: mean PSNR over the first %d steps %.2f dB; drift (PSNR by step):\n", min(32, len(r.Drift)), r.RolloutPSNR)
		fmt.Fprintln(w, sparkline(r.Drift))
		fmt.Fprintf(w, "step 1: %.1f dB   step %d: %.1f dB\n", r.Drift[0], len(r.Drift), r.Drift[len(r.Drift)-1])
	}
}

// sparkline draws values as a line of block characters, lowest to highest.
func sparkline(v []float64) string {
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	const bars = "▁▂▃▄▅▆▇█"
	levels := []rune(bars)
	var b strings.Builder
	for _, x := range v {
		i := 0
		if hi > lo {
			i = int((x - lo) / (hi - lo) * float64(len(levels)-1))
		}
		b.WriteRune(levels[i])
	}
	return b.String()
}
