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
		usage:   "IN|BUILTIN OUT [--layers N] [--seed S]",
		summary: "copy a model checkpoint with N more dynamics layers (adding zero: it predicts as before until trained, with more capacity to learn)",
		run:     runCkptGrow,
	})
}

func runCkptGrow(c *context) error {
	layers := c.Flags.Int("layers", 2, "transformer blocks to add after the dynamics' last one")
	seed := c.Flags.Uint64("seed", 1, "seed of the new blocks' initial weights (their outputs start at zero)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if *layers < 1 || *layers > 64 {
		return usagef("ckpt grow: --layers must lie in 1..64")
	}
	f, err := openCkptCopy("ckpt grow", args)
	if err != nil {
		return err
	}
	cfg, err := model.AddLayers(cpu.New(), f, args[0], *layers, *seed)
	if err != nil {
		return fmt.Errorf("ckpt grow: %v", err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "layers": cfg.Dyn.Layers, "added": *layers, "parameters": f.ParamCount()},
		func(w io.Writer) {
			fmt.Fprintf(w, "wrote %s: dynamics of %d layers (%d new, adding zero until trained), %d parameters\n", args[1], cfg.Dyn.Layers, *layers, f.ParamCount())
		})
}
