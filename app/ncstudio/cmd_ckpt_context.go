package main

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt context",
		usage:   "IN|BUILTIN OUT --frames K",
		summary: "copy a model checkpoint whose dynamics sees K latents of history (the older ones zero-weighted: it predicts as before until trained), so it can see what a slow pointer covered",
		run:     runCkptContext,
	})
}

func runCkptContext(c *context) error {
	frames := c.Flags.Int("frames", 0, "latents of history the dynamics sees, more than it sees now")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if *frames == 0 {
		return usagef("ckpt context: say how many latents of history (--frames K)")
	}
	return editCkptCopy(c, "ckpt context", args, func(f *ckpt.File) (ckptEdit, error) {
		return ckptEdit{map[string]any{"context": *frames},
			fmt.Sprintf("the dynamics sees the last %d latents (the new ones' weights 0)", *frames)}, model.AddContext(f, args[0], *frames)
	})
}
