package main

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/train"
)

func init() {
	register(&command{
		name:    "ckpt dynamics",
		usage:   "IN|BUILTIN OUT [--dim D] [--layers L] [--heads H] [--context K] [--seed S]",
		summary: "copy a model checkpoint with a fresh, untrained dynamics of another size (the autoencoder kept: train the new one on its latents)",
		run:     runCkptDynamics,
	})
}

func runCkptDynamics(c *context) error {
	dim := c.Flags.Int("dim", 0, "token width (0: the checkpoint's)")
	layers := c.Flags.Int("layers", 0, "transformer blocks (0: the checkpoint's)")
	heads := c.Flags.Int("heads", 0, "attention heads; must divide --dim (0: the checkpoint's)")
	context := c.Flags.Int("context", 0, "latents of context, the runtime state (0: the checkpoint's)")
	seed := c.Flags.Uint64("seed", 1, "seed of the new dynamics' initial weights")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if *dim < 0 || *layers < 0 || *heads < 0 || *context < 0 {
		return usagef("ckpt dynamics: --dim, --layers, --heads and --context must not be negative")
	}
	return editCkptCopy(c, "ckpt dynamics", args, func(f *ckpt.File) (ckptEdit, error) {
		cfg, err := model.ResizeDynamics(cpu.New(), f, args[0], func(d *model.DynamicsConfig) {
			for _, set := range []struct{ to, from *int }{{&d.Dim, dim}, {&d.Layers, layers}, {&d.Heads, heads}, {&d.Context, context}} {
				if *set.from > 0 {
					*set.to = *set.from
				}
			}
		}, *seed)
		if err != nil {
			return ckptEdit{}, err
		}
		dyn := cfg.Dyn
		delete(f.Metadata, train.MetaDynSteps) // the steps were the old dynamics'
		return ckptEdit{map[string]any{"dynamics": dyn, "parameters": f.ParamCount()},
			fmt.Sprintf("an untrained dynamics of width %d, %d layers, %d heads, context %d; %d parameters in all",
				dyn.Dim, dyn.Layers, dyn.Heads, dyn.Context, f.ParamCount())}, nil
	})
}
