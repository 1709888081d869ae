package main

import (
	"fmt"
	"io"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt sampler",
		usage:   "IN|BUILTIN OUT [--steps N] [--context-noise X] [--hold H] [--hold-by cell|token]",
		summary: "copy a model checkpoint with other sampler settings (how it plays; the weights stay as they are)",
		run:     runCkptSampler,
	})
}

func runCkptSampler(c *context) error {
	steps := c.Flags.Int("steps", 0, "flow-matching steps per frame (0: keep)")
	noise := c.Flags.Float64("context-noise", -1, "noise added to the context latents at each step (negative: keep)")
	setHold := holdFlags(c.Flags)
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if *steps < 0 || *steps > 64 {
		return usagef("ckpt sampler: --steps must lie in 1..64 (0 keeps them)")
	}
	f, err := openCkptCopy("ckpt sampler", args)
	if err != nil {
		return err
	}
	if f.Metadata[model.MetaFormat] != model.FormatName {
		return fmt.Errorf("ckpt sampler: %s is not an NC Studio model checkpoint", args[0])
	}
	cfg, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
	if err != nil {
		return fmt.Errorf("ckpt sampler: %s: %v", args[0], err)
	}
	if *steps > 0 {
		cfg.Sampler.Steps = *steps
	}
	if *noise >= 0 {
		cfg.Sampler.ContextNoise = float32(*noise)
	}
	if err := setHold(&cfg.Sampler); err != nil {
		return err
	}
	f.Metadata[model.MetaConfig] = model.MarshalConfig(cfg)
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "sampler": cfg.Sampler}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: sampler %d step(s), context noise %g, hold %g by %s\n", args[1], cfg.Sampler.Steps, cfg.Sampler.ContextNoise, cfg.Sampler.Hold, holdUnit(cfg.Sampler))
	})
}
