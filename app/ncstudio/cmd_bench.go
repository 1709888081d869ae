package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/ncstudio/ncstudio/engine/bench"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/viewer/decode"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

func init() {
	register(&command{
		name:    "bench cpu",
		usage:   "[--min-time 3s] [--sgemm-size 2048] [--json]",
		summary: "measure the CPU engine against OpenBLAS's sgemm peak on this machine",
		run:     runBenchCPU,
	})
	register(&command{
		name:    "bench play",
		usage:   "[--ckpt CKPT] [--min-time 3s] [--json]",
		summary: "measure a checkpoint's Session.Step and CPU decode speed on this machine",
		run:     runBenchPlay,
	})
	register(&command{
		name:    "bench decode",
		usage:   "[--ckpt CKPT] [--min-time 3s] [--json]",
		summary: "measure the shader decoder against the CPU decoder on the same latents (headless OpenGL through EGL)",
		run:     runBenchDecode,
	})
	register(&command{
		name:    "bench train",
		usage:   "[--preset default] [--batch 8] [--steps 10] [--rounds 3] [--json]",
		summary: "measure training steps per second against the PyTorch reference on the same architecture and threads",
		run:     runBenchTrain,
	})
	register(&command{
		name:    "bench sandbox",
		usage:   "[--min-time 2s] [--json]",
		summary: "measure the sandbox desktop's render rate and synthetic trace throughput against real time",
		run:     runBenchSandbox,
	})
}

func runBenchPlay(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", ckptHelp)
	minTime := c.Flags.Duration("min-time", 3*time.Second, "how long to step, and then to decode")
	if _, err := c.Parse(); err != nil {
		return err
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	r, err := bench.RunPlay(m, *minTime)
	if err != nil {
		return err
	}
	return c.Emit(r, func(w io.Writer) {
		fmt.Fprintf(w, "%s: %s, %s injection, %d sampler step(s), %d parameters, CPU backend on %d cores (OpenBLAS %s kernels)\n",
			*ckptPath, r.Size, r.Injection, r.SampleSteps, r.Params, runtime.NumCPU(), r.BLASCore)
		fmt.Fprintf(w, "Session.Step  %6.1f ms  %6.1f steps/s\n", r.StepMillis, r.StepsPerSec)
		fmt.Fprintf(w, "CPU decode    %6.1f ms\n", r.DecodeMillis)
		fmt.Fprintf(w, "with decode   %6.1f ms  %6.1f steps/s (%.1fx the model's %g fps)\n", r.StepMillis+r.DecodeMillis, r.WithDecode, r.XRealTime, m.Cfg.FPS)
	})
}

func runBenchDecode(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", ckptHelp)
	minTime := c.Flags.Duration("min-time", 3*time.Second, "how long to time each decoder")
	if _, err := c.Parse(); err != nil {
		return err
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	gl, err := glctx.NewHeadless()
	if err != nil {
		return err
	}
	defer gl.Close()
	r, err := decode.Bench(gl, m, *minTime)
	if err != nil {
		return err
	}
	return c.Emit(r, func(w io.Writer) {
		fmt.Fprintf(w, "%s: %s frames, decoder in %d shader passes (%d draws)\n", *ckptPath, r.Size, r.Passes, r.Draws)
		fmt.Fprintf(w, "OpenGL: %s, %s (%s)\n", r.GL.Renderer, r.GL.Version, r.GL.Platform)
		fmt.Fprintf(w, "shader decode             %8.2f ms\n", r.ShaderMs)
		fmt.Fprintf(w, "shader decode + readback  %8.2f ms\n", r.ReadbackMs)
		fmt.Fprintf(w, "CPU decode                %8.2f ms  (%d cores)\n", r.CPUMs, runtime.NumCPU())
		fmt.Fprintf(w, "shader / CPU time         %8.2f\n", r.ShaderMs/r.CPUMs)
		fmt.Fprintf(w, "largest difference        %5d/255 per channel\n", r.MaxDiff)
	})
}

func runBenchTrain(c *context) error {
	preset := c.Flags.String("preset", "default", "architecture to train: "+presetNames())
	batch := c.Flags.Int("batch", 8, "batch size")
	steps := c.Flags.Int("steps", 10, "timed steps per stage and round, after one warm-up step")
	rounds := c.Flags.Int("rounds", 3, "rounds alternating our timing and PyTorch's; each stage reports the median ratio")
	if _, err := c.Parse(); err != nil {
		return err
	}
	cfg, err := model.Preset(*preset)
	if err != nil {
		return usageError{err}
	}
	if *batch < 1 || *steps < 1 || *rounds < 1 {
		return usagef("bench train: --batch, --steps and --rounds must be at least 1")
	}
	fmt.Fprintf(c.Stderr, "%d rounds of %d steps per stage here, then in PyTorch...\n", *rounds, *steps)
	rep, err := bench.RunTrain(cpu.New(), cfg, *preset, bench.TrainOptions{Batch: *batch, Steps: *steps, Rounds: *rounds,
		Torch: bench.TorchOptions{Device: "cpu", Threads: cpu.Threads()}})
	if err != nil {
		return err
	}
	return c.Emit(rep, func(w io.Writer) {
		fmt.Fprintf(w, "preset %s, batch %d, %d threads each; PyTorch %s (eager, float32) as the reference; medians of %d rounds\n\n",
			rep.Preset, rep.Batch, rep.Threads, rep.Torch, rep.Rounds)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "stage\t parameters\t ours steps/s\t PyTorch steps/s\t ratio\t rounds' ratios")
		for _, s := range rep.Stages {
			fmt.Fprintf(tw, "%s\t%11d\t%13.2f\t%16.2f\t%6.2f\t %.2f–%.2f\n", s.Stage, s.Params, s.Ours, s.Torch, s.Ratio, s.RatioMin, s.RatioMax)
		}
		tw.Flush()
	})
}

func runBenchSandbox(c *context) error {
	minTime := c.Flags.Duration("min-time", 2*time.Second, "how long to repeat each workload")
	if _, err := c.Parse(); err != nil {
		return err
	}
	if *minTime <= 0 {
		return usagef("--min-time must be positive")
	}
	rep, err := bench.RunSandbox(*minTime, func(name string) { fmt.Fprintf(c.Stderr, "measuring %s...\n", name) })
	if err != nil {
		return err
	}
	return c.Emit(rep, func(w io.Writer) {
		fmt.Fprintf(w, "one core each; real time is %g frames/s (the reference for the ratios)\n\n", rep.FPS)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "workload\t size\t frames/s\t x real time")
		for _, r := range rep.Results {
			fmt.Fprintf(tw, "%s\t %s\t%9.0f\t%12.0f\n", r.Name, r.Size, r.FramesPerSec, r.XRealTime)
		}
		tw.Flush()
	})
}

func runBenchCPU(c *context) error {
	minTime := c.Flags.Duration("min-time", 3*time.Second, "how long to repeat each workload after a warm-up run")
	size := c.Flags.Int("sgemm-size", 2048, "side of the square matrices for the sgemm peak")
	if _, err := c.Parse(); err != nil {
		return err
	}
	if *size < 64 || *minTime <= 0 {
		return usagef("--sgemm-size must be at least 64 and --min-time positive")
	}
	rep := bench.Run(bench.Options{MinTime: *minTime, SgemmSize: *size, Progress: func(name string) {
		fmt.Fprintf(c.Stderr, "measuring %s...\n", name)
	}})
	return c.Emit(rep, func(w io.Writer) { printBench(w, rep) })
}

func printBench(w io.Writer, rep bench.Report) {
	fmt.Fprintf(w, "OpenBLAS sgemm peak: %.1f GFLOP/s on %d threads (the reference for every ratio)\n", rep.SgemmPeak, rep.Threads)
	fmt.Fprintf(w, "OpenBLAS kernels: %s", rep.BLASCore.Name)
	if rep.BLASCore.Reason != "" {
		fmt.Fprintf(w, " (chosen by ncstudio: %s)", rep.BLASCore.Reason)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\t ms/iter\t GFLOP/iter\t GFLOP/s\t of peak\t shape")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%s\t%8.1f\t%11.2f\t%8.1f\t%8.2f\t %s\n", r.Name, r.Millis, r.GFLOP, r.GFLOPS, r.FracOfSgemm, r.Shape)
	}
	tw.Flush()
}
