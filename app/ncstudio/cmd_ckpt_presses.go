package main

import (
	"fmt"
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
	return editCkptCopy(c, "ckpt presses", args, func(f *ckpt.File) (ckptEdit, error) {
		if *steps == 0 && f.Metadata[model.MetaFormat] == model.FormatName {
			cfg, err := ckptConfig(f, args[0])
			if err != nil {
				return ckptEdit{}, err
			}
			*steps = max(1, int(math.Round(cfg.FPS/2)))
		}
		return ckptEdit{map[string]any{"press_history": *steps},
			fmt.Sprintf("the dynamics also sees which of the last %d steps each mouse button was pressed in (new weights 0)", *steps)}, model.AddPressInput(f, args[0], *steps)
	})
}
