package main

import (
	"fmt"
	"io"

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
	f, err := openCkptCopy("ckpt context", args)
	if err != nil {
		return err
	}
	if err := model.AddContext(f, args[0], *frames); err != nil {
		return fmt.Errorf("ckpt context: %v", err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "context": *frames}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: the dynamics sees the last %d latents (the new ones' weights 0)\n", args[1], *frames)
	})
}
