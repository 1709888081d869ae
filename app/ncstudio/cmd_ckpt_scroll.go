package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt scroll",
		usage:   "IN|BUILTIN OUT [--rows R]",
		summary: "copy a model checkpoint with a scroll input for its dynamics (zero-weighted: it predicts as before until trained)",
		run:     runCkptScroll,
	})
}

func runCkptScroll(c *context) error {
	rows := c.Flags.Int("rows", 0, "latent rows a scroll moves (0: one text row of a terminal model)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return usagef("ckpt scroll: want IN and OUT, got %d arguments", len(args))
	}
	if _, err := os.Stat(args[1]); err == nil {
		return fmt.Errorf("ckpt scroll: %s exists; not overwriting it", args[1])
	}
	f, err := loadCkptFile(args[0])
	if err != nil {
		return err
	}
	if *rows == 0 && f.Metadata[model.MetaFormat] == model.FormatName {
		cfg, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
		if err != nil {
			return fmt.Errorf("ckpt scroll: %s: %v", args[0], err)
		}
		if cfg.Terminal == nil {
			return usagef("ckpt scroll: %s is not a terminal model; say how many latent rows a scroll moves (--rows)", args[0])
		}
		*rows = cfg.Terminal.CellH / cfg.AE.Reduction()
	}
	if err := model.AddScrollInput(f, args[0], *rows); err != nil {
		return fmt.Errorf("ckpt scroll: %v", err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "scroll_rows": *rows}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: the dynamics also sees its newest latent moved up %d latent rows (new weights 0)\n", args[1], *rows)
	})
}
