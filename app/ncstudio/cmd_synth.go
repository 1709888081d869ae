package main

import (
	stdcontext "context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
)

func init() {
	register(&command{
		name:    "synth",
		usage:   "--out DIR [--frames N] [--traces K] [--seed S] [--agent random|goal|mixed|busy|tidy] [--spec FILE] [--size WxH] [--fps F]",
		summary: "write synthetic traces of a scripted agent using the sandbox desktop",
		run:     runSynth,
	})
}

// synthResult is the --json form of `synth`.
type synthResult struct {
	Traces   []string `json:"traces"`
	Frames   int      `json:"frames"`
	Seconds  float64  `json:"seconds"` // wall-clock time taken
	PerSec   float64  `json:"frames_per_second"`
	RealTime float64  `json:"x_real_time"` // recorded seconds per second taken
}

func runSynth(c *context) error {
	out := c.Flags.String("out", "", "directory to write the traces into (created if missing)")
	frames := c.Flags.Int("frames", 1800, "frames per trace")
	traces := c.Flags.Int("traces", 1, "number of traces; trace k uses seed S+k")
	seed := c.Flags.Uint64("seed", 1, "seed of the first trace")
	agentName := c.Flags.String("agent", "mixed", "agent: "+strings.Join(agent.Kinds, ", "))
	df := addDesktopFlags(c)
	jobs := c.Flags.Int("jobs", runtime.NumCPU(), "traces written at once")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	switch {
	case len(args) > 0:
		return usagef("synth: unexpected argument %q", args[0])
	case *out == "":
		return usagef("synth: --out DIR is required")
	case *frames < 1 || *traces < 1 || *jobs < 1:
		return usagef("synth: --frames, --traces and --jobs must be at least 1")
	}
	spec, dopts, err := df.parse()
	if err != nil {
		return err
	}
	w, h, fps := dopts.Width, dopts.Height, &dopts.FPS
	// Check the options once before starting workers.
	if _, err := sandbox.New(spec, dopts); err != nil {
		return usageError{err}
	}
	if _, err := agent.New(*agentName, 0); err != nil {
		return usageError{err}
	}
	dirs, err := seedDirs("synth", *out, *traces, *seed, spec.Name+"-"+*agentName)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(stdcontext.Background(), os.Interrupt)
	defer stop()
	bar := newProgress(c.Stderr, "synth", "frames", *frames**traces)
	bar.extra = func(rate float64) string { return fmt.Sprintf("%.0fx real time", rate / *fps) }
	start := time.Now()
	err = runJobs(len(dirs), *jobs, func(k int) error {
		last := 0
		_, err := synth.Write(ctx, dirs[k], synth.Options{
			Spec: spec, Width: w, Height: h, FPS: *fps, Agent: *agentName, Seed: *seed + uint64(k), Frames: *frames,
			Progress: func(n int) {
				if n-last >= 64 || n == *frames {
					bar.add(n - last)
					last = n
				}
			},
		})
		if err != nil {
			return fmt.Errorf("synth: %s: %w", dirs[k], err)
		}
		return nil
	})
	bar.finish()
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	res := synthResult{Traces: dirs, Frames: *frames * *traces, Seconds: took}
	res.PerSec = float64(res.Frames) / took
	res.RealTime = res.PerSec / *fps
	return c.Emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %d trace(s), %d frames (%s at %g fps) in %.1fs: %.0f frames/s, %.0fx real time\n",
			len(res.Traces), res.Frames, time.Duration(float64(res.Frames) / *fps * float64(time.Second)).Round(time.Second),
			*fps, took, res.PerSec, res.RealTime)
		for _, d := range res.Traces {
			fmt.Fprintf(w, "  %s\n", d)
		}
	})
}

// seedDirs names the traces of a batch in out: NAME-seedS.nctrace for
// seeds seed..seed+n-1. It creates out and refuses names that exist.
func seedDirs(cmd, out string, n int, seed uint64, name string) ([]string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	dirs := make([]string, n)
	for k := range dirs {
		dirs[k] = filepath.Join(out, fmt.Sprintf("%s-seed%d.nctrace", name, seed+uint64(k)))
		if _, err := os.Stat(dirs[k]); err == nil {
			return nil, fmt.Errorf("%s: %s already exists; choose another --out or --seed", cmd, dirs[k])
		}
	}
	return dirs, nil
}

// runJobs runs work(0..n-1) on at most jobs goroutines and returns the
// error of the lowest k that failed.
func runJobs(n, jobs int, work func(k int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(jobs, n) {
		wg.Go(func() {
			for k := range next {
				errs[k] = work(k)
			}
		})
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parseSize reads "WxH".
func parseSize(s string) (w, h int, err error) {
	if n, _ := fmt.Sscanf(s, "%dx%d", &w, &h); n != 2 || fmt.Sprintf("%dx%d", w, h) != s {
		return 0, 0, usagef("size %q is not WIDTHxHEIGHT, e.g. 256x192", s)
	}
	return w, h, nil
}
