package main

import (
	"fmt"
	"io"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/viewer"
)

func init() {
	register(&command{
		name:    "play",
		usage:   "[--ckpt CKPT] [--spec FILE] [--steps N] [--fps F] [--seed S] [--headless --actions FILE --out DIR [--json]]",
		summary: "play a neural computer in an OpenGL window whose shaders decode its latents (F1 lists the keys), or replay an action file headless",
		run:     runPlay,
	})
}

func runPlay(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", ckptHelp)
	specFile := c.Flags.String("spec", "", "desktop spec of the sandbox the session starts from and is compared with (default: the built-in desktop)")
	steps := c.Flags.Int("steps", 0, "sampler steps per frame (default: the checkpoint's)")
	fps := c.Flags.Float64("fps", 0, "model steps per second (default: the checkpoint's frame rate)")
	seed := c.Flags.Uint64("seed", 1, "sampler seed")
	headless := c.Flags.Bool("headless", false, "no window: replay --actions and write frames, a GIF and a report into --out")
	actionsFile := c.Flags.String("actions", "", "action file to replay with --headless (JSON lines of {\"x\",\"y\",\"buttons\",\"key_down\",\"key_up\",\"text\",\"scroll\"})")
	out := c.Flags.String("out", "", "directory for --headless output (created; must be new or empty)")
	quitAfter := c.Flags.Duration("quit-after", 0, "close the window after this long (for scripts and tests)")
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
	spec, err := loadSpec(*specFile)
	if err != nil {
		return err
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	if !*headless {
		return viewer.Play(m, spec, viewer.PlayOptions{Title: "NC Studio play: " + *ckptPath, Checkpoint: *ckptPath,
			Seed: *seed, SampleSteps: *steps, FPS: *fps, QuitAfter: *quitAfter})
	}
	acts, err := action.ReadFile(*actionsFile)
	if err != nil {
		return err
	}
	bar := newProgress(c.Stderr, "replay", "steps", len(acts))
	rep, err := viewer.Headless(m, spec, acts, viewer.HeadlessOptions{Out: *out, Seed: *seed, SampleSteps: *steps,
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
