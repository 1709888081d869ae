package main

import (
	"fmt"
	"io"

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
	f, err := openCkptCopy("ckpt grow", args)
	if err != nil {
		return err
	}
	be := cpu.New()
	var cfg model.Config
	if *ratio > 0 {
		if cfg, err = model.WidenMLP(be, f, args[0], *ratio, *seed); err != nil {
			return fmt.Errorf("ckpt grow: %v", err)
		}
	}
	if *layers > 0 {
		if cfg, err = model.AddLayers(be, f, args[0], *layers, *seed); err != nil {
			return fmt.Errorf("ckpt grow: %v", err)
		}
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "layers": cfg.Dyn.Layers, "added": *layers, "mlp_ratio": cfg.Dyn.MLPRatio, "parameters": f.ParamCount()},
		func(w io.Writer) {
			fmt.Fprintf(w, "wrote %s: dynamics of %d layers (%d new) with MLPs %d times its width, adding zero until trained; %d parameters\n",
				args[1], cfg.Dyn.Layers, *layers, cfg.Dyn.MLPRatio, f.ParamCount())
		})
}
