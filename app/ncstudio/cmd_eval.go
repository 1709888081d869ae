package main

import (
	stdcontext "context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/probe"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

func init() {
	register(&command{
		name:    "eval",
		usage:   "[--ckpt CKPT...] --data DIR... [--windows N] [--events N] [--rollouts N] [--rollout-steps N] [--sampler-steps N] [--context-noise X] [--probe] [--plot PNG] [--markdown | --json]",
		summary: "score checkpoints on held-out traces: PSNR, SSIM, changed-pixel PSNR, cursor accuracy, rollout drift, probes (kept beside each checkpoint as CKPT.eval.json)",
		run:     runEval,
	})
}

func runEval(c *context) error {
	var data, ckpts listFlag
	c.Flags.Var(&ckpts, "ckpt", ckptHelp+" (repeatable: compared on the same frames)")
	c.Flags.Var(&data, "data", "held-out traces or directories of traces (repeatable)")
	windows := c.Flags.Int("windows", 200, "one-step predictions at random places")
	events := c.Flags.Int("events", eval.DefaultEvents, "one-step predictions at steps where the screen changes widely (a window opens, a menu, a command's output)")
	rollouts := c.Flags.Int("rollouts", 32, "free-running rollouts driven by the true actions (the mean of a few is noisy: use 128 to compare checkpoints)")
	steps := c.Flags.Int("rollout-steps", 64, "steps per rollout")
	idle := c.Flags.Int("idle", eval.DefaultIdle, "idle runs: from a true frame, steps with no input, scored against that frame (a screen left alone should stay)")
	idleSteps := c.Flags.Int("idle-steps", eval.DefaultIdleSteps, "steps per idle run")
	seed := c.Flags.Uint64("seed", 1, "seed of the sampled places and the sampler noise")
	withProbes := c.Flags.Bool("probe", false, "also run the standard probes of the built-in desktop (ncstudio probe)")
	markdown := c.Flags.Bool("markdown", false, "print one Markdown table row per checkpoint")
	plotFile := c.Flags.String("plot", "", "write the rollout drift (PSNR by step, one line per checkpoint) as a PNG")
	samplerSteps := c.Flags.Int("sampler-steps", 0, "sampler steps per frame (default: each checkpoint's)")
	contextNoise := c.Flags.Float64("context-noise", -1, "noise added to context latents while sampling (default: each checkpoint's)")
	setHold := holdFlags(c.Flags)
	if _, err := c.Parse(); err != nil {
		return err
	}
	if len(ckpts) == 0 {
		ckpts = listFlag{embedded.Name}
	}
	switch {
	case len(data) == 0:
		return usagef("eval: --data is required")
	case *windows < 1 || *events < 0 || *rollouts < 0 || *steps < 1 || *idle < 0 || *idleSteps < 1:
		return usagef("eval: --windows, --rollout-steps and --idle-steps must be at least 1, --events, --rollouts and --idle at least 0")
	case *samplerSteps < 0:
		return usagef("eval: --sampler-steps must be positive")
	}
	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt)
	defer stop()
	var results []eval.Result
	for _, path := range ckpts {
		m, _, err := loadModel(path)
		if err != nil {
			return err
		}
		if *samplerSteps > 0 {
			m.Cfg.Sampler.Steps = *samplerSteps
		}
		if *contextNoise >= 0 {
			m.Cfg.Sampler.ContextNoise = float32(*contextNoise)
		}
		if err := setHold(&m.Cfg.Sampler); err != nil {
			return err
		}
		ds, err := dataset.Open(data, m.Cfg.TraceKind(), m.Cfg.Width, m.Cfg.Height)
		if err != nil {
			return err
		}
		bar := newProgress(c.Stderr, "eval "+filepath.Base(path), "frames", 0) // Evaluate counts the total
		rep, err := eval.Evaluate(ctx, m, ds, eval.Options{Windows: *windows, Events: *events, Rollouts: *rollouts, RolloutSteps: *steps,
			Idle: *idle, IdleSteps: *idleSteps, Seed: *seed, Progress: bar.update})
		bar.finish()
		res := eval.Result{Checkpoint: path, Injection: m.Cfg.Dyn.Injection, Traces: len(ds.Traces), Frames: ds.Frames(), Report: rep,
			SamplerSteps: m.Cfg.Sampler.Steps, ContextNoise: m.Cfg.Sampler.ContextNoise, Hold: m.Cfg.Sampler.Hold, HoldTokens: m.Cfg.Sampler.HoldTokens}
		ds.Close()
		if err != nil {
			return err
		}
		if *withProbes {
			rs, _, err := runProbes(m, sandbox.DefaultSpec(), probe.RunOptions{Seed: *seed})
			if err != nil {
				return err
			}
			rate := probe.SuccessRate(rs)
			res.ProbeSuccess = &rate
		}
		if _, ok := builtin(path); !ok {
			// The Library shows a checkpoint's latest scores from this file.
			if err := eval.SaveLast(path, res); err != nil {
				fmt.Fprintf(c.Stderr, "eval: keeping the scores beside the checkpoint: %v\n", err)
			}
		}
		results = append(results, res)
	}
	if *plotFile != "" {
		img := eval.DriftChart(results, 720, 360)
		if err := atomicfile.WritePNG(*plotFile, img); err != nil {
			return err
		}
	}
	if *markdown && !c.JSON {
		eval.MarkdownTable(c.Stdout, results)
		return nil
	}
	if len(results) == 1 {
		return c.Emit(results[0], func(w io.Writer) { printEval(w, &results[0]) })
	}
	return c.Emit(results, func(w io.Writer) {
		for i := range results {
			printEval(w, &results[i])
			fmt.Fprintln(w)
		}
	})
}

func printEval(w io.Writer, res *eval.Result) {
	r := &res.Report
	fmt.Fprintf(w, "%s (%s injection) on %d traces (%d frames)\n", res.Checkpoint, res.Injection, res.Traces, res.Frames)
	fmt.Fprintf(w, "hold: the baseline that predicts no change (the last true frame through the autoencoder)\n\n")
	type scoreRow struct {
		name string
		s    eval.Scores
	}
	rows := []scoreRow{{"reconstruction", r.Reconstruction}, {"one step", r.OneStep}, {"hold (baseline)", r.Hold.OneStep}}
	if r.Events.Frames > 0 { // one step at the steps where much of the screen changes
		rows = append(rows, scoreRow{"events", r.Events}, scoreRow{"events hold", r.Hold.Events})
	}
	if r.OneStep.Text != nil { // a terminal: no mouse cursor to score
		fmt.Fprintf(w, "%-16s %7s %7s %13s\n", "", "PSNR", "SSIM", "changed PSNR")
		for _, row := range rows {
			fmt.Fprintf(w, "%-16s %7.2f %7.4f %13.2f\n", row.name, row.s.PSNR, row.s.SSIM, row.s.ChangedPSNR)
		}
	} else {
		fmt.Fprintf(w, "%-16s %7s %7s %13s %9s %16s\n", "", "PSNR", "SSIM", "changed PSNR", "cursor", "cursor Δx/Δy/Δr")
		for _, row := range rows {
			fmt.Fprintf(w, "%-16s %7.2f %7.4f %13.2f %9.3f %16s\n", row.name, row.s.PSNR, row.s.SSIM, row.s.ChangedPSNR, row.s.Cursor.Accuracy,
				fmt.Sprintf("%.1f/%.1f/%.1f", row.s.Cursor.DX, row.s.Cursor.DY, row.s.Cursor.DR))
		}
	}
	if r.OneStep.Text != nil {
		fmt.Fprintf(w, "\n%-16s %9s %9s %13s\n", "text read back", "chars", "lines", "changed cells")
		for _, row := range []struct {
			name string
			s    *metrics.TextScores
		}{{"reconstruction", r.Reconstruction.Text}, {"one step", r.OneStep.Text}, {"hold (baseline)", r.Hold.OneStep.Text},
			{"events", r.Events.Text}, {"events hold", r.Hold.Events.Text},
			{"rollout", r.RolloutText}, {"rollout hold", r.Hold.RolloutText}} {
			if row.s != nil {
				fmt.Fprintf(w, "%-16s %9.3f %9.3f %13s\n", row.name, row.s.CharAccuracy, row.s.LineAccuracy,
					fmt.Sprintf("%.3f of %d", row.s.ChangedAccuracy, row.s.ChangedCells))
			}
		}
	}
	if len(r.Drift) > 0 {
		fmt.Fprintf(w, "\nrollout: mean PSNR over the first %d steps %.2f dB; drift (PSNR by step):\n", min(32, len(r.Drift)), r.RolloutPSNR)
		fmt.Fprintln(w, sparkline(r.Drift))
		fmt.Fprintf(w, "step 1: %.1f dB   step %d: %.1f dB\n", r.Drift[0], len(r.Drift), r.Drift[len(r.Drift)-1])
		fmt.Fprintf(w, "holding the first frame instead: %.2f dB\n", r.Hold.RolloutPSNR)
	}
	if d := r.TextDrift; len(d) > 0 {
		fmt.Fprintf(w, "\nrollout: character accuracy by step:\n")
		fmt.Fprintln(w, sparkline(d))
		fmt.Fprintf(w, "model: step 1 %.3f, step %d %.3f, step %d %.3f; holding the first screen: %.3f, %.3f, %.3f\n",
			d[0], (len(d)+1)/2, d[(len(d)-1)/2], len(d), d[len(d)-1],
			r.Hold.TextDrift[0], r.Hold.TextDrift[(len(d)-1)/2], r.Hold.TextDrift[len(d)-1])
	}
	if len(r.Idle) > 0 {
		fmt.Fprintf(w, "\nidle (no input): PSNR to the start frame by step, %.2f dB after %d steps (the reconstruction's %.2f is the ceiling):\n", r.IdlePSNR, len(r.Idle), r.Reconstruction.PSNR)
		fmt.Fprintln(w, sparkline(r.Idle))
	}
	if res.ProbeSuccess != nil {
		fmt.Fprintf(w, "probes: %.2f passed (ncstudio probe for the details)\n", *res.ProbeSuccess)
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
