package bench

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
)

// SandboxResult is one measured sandbox workload, on one goroutine.
type SandboxResult struct {
	Name         string  `json:"name"`
	Size         string  `json:"size"`
	FramesPerSec float64 `json:"frames_per_second"`
	XRealTime    float64 `json:"x_real_time"` // frames per second over the 15 fps of a recording
	Frames       int     `json:"frames"`
}

// SandboxReport is the whole sandbox benchmark.
type SandboxReport struct {
	FPS     float64         `json:"fps"` // the real-time reference
	Results []SandboxResult `json:"results"`
}

// RunSandbox measures, each for at least minTime on one goroutine: rendering
// a busy desktop, stepping it with the mixed agent and rendering, and
// writing a synthetic trace (agent, render, compression, disk).
func RunSandbox(minTime time.Duration, progress func(name string)) (SandboxReport, error) {
	const fps = 15
	rep := SandboxReport{FPS: fps}
	add := func(name string, w, h int, frames int, took time.Duration) {
		perSec := float64(frames) / took.Seconds()
		rep.Results = append(rep.Results, SandboxResult{name, sizeString(w, h), perSec, perSec / fps, frames})
	}
	for _, size := range [][2]int{{128, 96}, {256, 192}, {1024, 768}} {
		w, h := size[0], size[1]
		if progress != nil {
			progress(fmt.Sprintf("render %dx%d", w, h))
		}
		d, err := busyDesktop(w, h)
		if err != nil {
			return rep, err
		}
		frame := image.NewRGBA(image.Rect(0, 0, w, h))
		n, took := Repeat(minTime, func() { d.Render(frame) })
		add("render", w, h, n, took)

		if progress != nil {
			progress(fmt.Sprintf("agent step + render %dx%d", w, h))
		}
		d, _ = sandbox.New(nil, sandbox.Options{Width: w, Height: h, FPS: fps})
		ag, _ := agent.New("mixed", 1)
		n, took = Repeat(minTime, func() {
			d.Step(ag.Next(d))
			d.Render(frame)
		})
		add("agent step + render", w, h, n, took)
	}
	if progress != nil {
		progress("synth 256x192")
	}
	tmp, err := os.MkdirTemp("", "ncstudio-bench-*")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	frames, start := 0, time.Now()
	for k := 0; frames == 0 || time.Since(start) < minTime; k++ {
		const chunk = 900
		_, err := synth.Write(context.Background(), filepath.Join(tmp, fmt.Sprintf("t%d.nctrace", k)),
			synth.Options{Width: 256, Height: 192, FPS: fps, Agent: "mixed", Seed: uint64(k), Frames: chunk})
		if err != nil {
			return rep, err
		}
		frames += chunk
	}
	add("synth (trace written)", 256, 192, frames, time.Since(start))
	return rep, nil
}

func sizeString(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }

// busyDesktop has five windows open and the menu showing.
func busyDesktop(w, h int) (*sandbox.Desktop, error) {
	d, err := sandbox.New(nil, sandbox.Options{Width: w, Height: h})
	if err != nil {
		return nil, err
	}
	ag, _ := agent.New("goal", 1)
	for len(d.Windows()) < 5 {
		d.Step(ag.Next(d))
	}
	return d, nil
}

// Repeat calls f once to warm up, then at least 10 times and for at least
// minTime; it returns the timed calls and their total time.
func Repeat(minTime time.Duration, f func()) (int, time.Duration) {
	f()
	n, start := 0, time.Now()
	for n < 10 || time.Since(start) < minTime {
		f()
		n++
	}
	return n, time.Since(start)
}
