package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/worker"
	"github.com/ncstudio/ncstudio/viewer"
)

func init() {
	register(&command{
		name:    "play",
		usage:   "[--ckpt CKPT] [--device cpu|cuda] [--decode auto|shader|cpu] [--spec FILE] [--steps N] [--hold H] [--fps F] [--seed S] [--headless --actions FILE --out DIR [--json]]",
		summary: "play a neural computer in an OpenGL window whose shaders decode its latents (on software OpenGL the CPU decoder does; F1 lists the keys), or replay an action file headless",
		run:     runPlay,
	})
}

func runPlay(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", ckptHelp)
	specFile := c.Flags.String("spec", "", "desktop spec of the sandbox the session starts from and is compared with (default: the built-in desktop)")
	steps := c.Flags.Int("steps", 0, "sampler steps per frame (default: the checkpoint's)")
	hold := c.Flags.Float64("hold", -1, "the sampler's hold: latent cells predicted to change by less than this stay as they were (0: off; default: the checkpoint's)")
	fps := c.Flags.Float64("fps", 0, "model steps per second (default: the checkpoint's frame rate)")
	seed := c.Flags.Uint64("seed", 1, "sampler seed")
	headless := c.Flags.Bool("headless", false, "no window: replay --actions and write frames, a GIF and a report into --out")
	actionsFile := c.Flags.String("actions", "", "action file to replay with --headless (JSON lines of {\"x\",\"y\",\"buttons\",\"key_down\",\"key_up\",\"text\",\"scroll\"})")
	out := c.Flags.String("out", "", "directory for --headless output (created; must be new or empty)")
	quitAfter := c.Flags.Duration("quit-after", 0, "close the window after this long (for scripts and tests)")
	device := c.Flags.String("device", "cpu", "where the model steps: cpu, or cuda (in the CUDA worker; the frames are decoded here either way)")
	decodeOn := c.Flags.String("decode", "auto", "who draws the frames: shader (the viewport's fragment shaders), cpu (the model's CPU decoder), or auto (the CPU where OpenGL is a software renderer such as llvmpipe, else the shaders)")
	if _, err := c.Parse(); err != nil {
		return err
	}
	if *steps < 0 || *fps < 0 {
		return usagef("play: --steps and --fps must be positive")
	}
	if *headless && (*actionsFile == "" || *out == "") {
		return usagef("play --headless needs --actions FILE and --out DIR")
	}
	if !*headless && (*actionsFile != "" || *out != "") {
		return usagef("play: --actions and --out go with --headless")
	}
	if !slices.Contains([]string{viewer.DecodeAuto, viewer.DecodeShader, viewer.DecodeCPU}, *decodeOn) {
		return usagef("play: --decode is auto, shader or cpu, not %q", *decodeOn)
	}
	spec, err := loadSpec(*specFile)
	if err != nil {
		return err
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	if *hold >= 0 { // the session starts with the model's sampler, in the worker too
		m.Cfg.Sampler.Hold = float32(*hold)
	}
	sessions, where, done, err := playSessions(c, *device, *ckptPath)
	if err != nil {
		return err
	}
	defer done()
	if !*headless {
		return onMainThread(func() error {
			return viewer.Play(m, spec, viewer.PlayOptions{Title: "NC Studio play: " + *ckptPath, Checkpoint: *ckptPath,
				Seed: *seed, SampleSteps: *steps, FPS: *fps, QuitAfter: *quitAfter, Sessions: sessions, Device: where, Decode: *decodeOn})
		})
	}
	acts, err := action.ReadFile(*actionsFile)
	if err != nil {
		return err
	}
	bar := newProgress(c.Stderr, "replay", "steps", len(acts))
	rep, err := viewer.Headless(m, spec, acts, viewer.HeadlessOptions{Out: *out, Seed: *seed, SampleSteps: *steps, Sessions: sessions,
		Progress: func(done, _ int) { bar.set(done) }})
	bar.finish()
	if err != nil {
		return err
	}
	rep.Checkpoint = *ckptPath
	return c.Emit(rep, func(w io.Writer) {
		fmt.Fprintf(w, "%d steps of %s replayed into %s (frames/, rollout/, rollout.gif, report.json)\n", rep.Steps, *ckptPath, *out)
		fmt.Fprintf(w, "OpenGL: %s\n", rep.GL.Renderer)
		fmt.Fprintf(w, "step %.1f ms, shader decode + readback %.1f ms\n", rep.StepMs, rep.DecodeMs)
		fmt.Fprintf(w, "model's cursor within 4 px of the mouse in %.0f%% of %d frames (mean distance %.1f px)\n",
			100*rep.Cursor.Accuracy, rep.Cursor.Frames, rep.Cursor.DR)
		fmt.Fprintf(w, "PSNR against the sandbox on the same actions: %.1f dB\n", rep.SandboxPSNR)
	})
}

// playSessions returns how the model steps on device: nil for the CPU (in
// this process), or sessions in the CUDA worker, which reads the checkpoint
// from a file (the built-in one is written to a temporary file); where
// names the worker's device, and done ends the worker.
func playSessions(c *context, device, ckptPath string) (s viewer.Sessions, where string, done func(), err error) {
	switch device {
	case "cpu":
		return nil, "", func() {}, nil
	case "cuda":
	default:
		return nil, "", nil, usagef("play: --device is cpu or cuda, not %q", device)
	}
	path, err := worker.FindCUDA()
	if err != nil {
		return nil, "", nil, err
	}
	w, err := worker.Start(path)
	if err != nil {
		return nil, "", nil, err
	}
	file, cleanup := ckptPath, func() {}
	if b, ok := builtin(ckptPath); ok {
		if file, err = b.Extract(""); err != nil {
			w.Close()
			return nil, "", nil, err
		}
		cleanup = func() { os.Remove(file) }
	}
	where = w.Hello.Device.Backend
	fmt.Fprintf(c.Stderr, "stepping on %s\n", where)
	return viewer.WorkerSessions(w, file), where, func() { w.Close(); cleanup() }, nil
}
