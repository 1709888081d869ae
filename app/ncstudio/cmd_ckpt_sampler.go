package main

import (
	"fmt"

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
	return editCkptCopy(c, "ckpt sampler", args, func(f *ckpt.File) (ckptEdit, error) {
		cfg, err := ckptConfig(f, args[0])
		if err != nil {
			return ckptEdit{}, err
		}
		if *steps > 0 {
			cfg.Sampler.Steps = *steps
		}
		if *noise >= 0 {
			cfg.Sampler.ContextNoise = float32(*noise)
		}
		if err := setHold(&cfg.Sampler); err != nil {
			return ckptEdit{}, err
		}
		f.Metadata[model.MetaConfig] = model.MarshalConfig(cfg)
		s := cfg.Sampler
		return ckptEdit{map[string]any{"sampler": s},
			fmt.Sprintf("sampler %d step(s), context noise %g, hold %g by %s", s.Steps, s.ContextNoise, s.Hold, holdUnit(s))}, nil
	})
}
