package main

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt grow",
		usage:   "IN|BUILTIN OUT [--layers N] [--mlp-ratio R] [--seed S]",
		summary: "copy a model checkpoint with N more dynamics layers, or MLPs R times as wide as the model (adding zero: it predicts as before until trained, with more capacity to learn)",
		run:     runCkptGrow,
	})
}

func runCkptGrow(c *context) error {
	layers := c.Flags.Int("layers", 0, "transformer blocks to add after the dynamics' last one (2 when --mlp-ratio is not given)")
	ratio := c.Flags.Int("mlp-ratio", 0, "widen every dynamics block's MLP to this many times the model's width")
	seed := c.Flags.Uint64("seed", 1, "seed of the new weights (what they add starts at zero)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if *layers == 0 && *ratio == 0 {
		*layers = 2
	}
	if *layers < 0 || *layers > 64 {
		return usagef("ckpt grow: --layers must lie in 1..64")
	}
	if *ratio < 0 || *ratio > 64 {
		return usagef("ckpt grow: --mlp-ratio must lie in 1..64")
	}
	return editCkptCopy(c, "ckpt grow", args, func(f *ckpt.File) (ckptEdit, error) {
		be := cpu.New()
		var cfg model.Config
		var err error
		if *ratio > 0 {
			if cfg, err = model.WidenMLP(be, f, args[0], *ratio, *seed); err != nil {
				return ckptEdit{}, err
			}
		}
		if *layers > 0 {
			if cfg, err = model.AddLayers(be, f, args[0], *layers, *seed); err != nil {
				return ckptEdit{}, err
			}
		}
		return ckptEdit{map[string]any{"layers": cfg.Dyn.Layers, "added": *layers, "mlp_ratio": cfg.Dyn.MLPRatio, "parameters": f.ParamCount()},
			fmt.Sprintf("dynamics of %d layers (%d new) with MLPs %d times its width, adding zero until trained; %d parameters",
				cfg.Dyn.Layers, *layers, cfg.Dyn.MLPRatio, f.ParamCount())}, nil
	})
}
