package main

import (
	"fmt"
	"io"
	"math"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt presses",
		usage:   "IN|BUILTIN OUT [--steps N]",
		summary: "copy a model checkpoint with a mouse-press history in its action input (zero-weighted: it predicts as before until trained), so it can tell a double click from two clicks",
		run:     runCkptPresses,
	})
}

func runCkptPresses(c *context) error {
	steps := c.Flags.Int("steps", 0, "how many steps back a press is remembered (default: half a second of frames, the usual double-click time)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	f, err := openCkptCopy("ckpt presses", args)
	if err != nil {
		return err
	}
	if *steps == 0 && f.Metadata[model.MetaFormat] == model.FormatName {
		cfg, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
		if err != nil {
			return fmt.Errorf("ckpt presses: %s: %v", args[0], err)
		}
		*steps = max(1, int(math.Round(cfg.FPS/2)))
	}
	if err := model.AddPressInput(f, args[0], *steps); err != nil {
		return fmt.Errorf("ckpt presses: %v", err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "press_history": *steps}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: the dynamics also sees which of the last %d steps each mouse button was pressed in (new weights 0)\n", args[1], *steps)
	})
}
