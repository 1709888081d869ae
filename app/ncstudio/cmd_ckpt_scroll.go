package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
)

func init() {
	register(&command{
		name:    "ckpt scroll",
		usage:   "IN|BUILTIN OUT [--shifts R,R...]",
		summary: "copy a model checkpoint with scroll inputs for its dynamics (zero-weighted: it predicts as before until trained)",
		run:     runCkptScroll,
	})
}

func runCkptScroll(c *context) error {
	list := c.Flags.String("shifts", "", "latent rows each scroll input moves the screen up, comma-separated (default for a terminal model: one, two and three text rows)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	f, err := openCkptCopy("ckpt scroll", args)
	if err != nil {
		return err
	}
	var shifts []int
	for _, field := range strings.FieldsFunc(*list, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			return usagef("ckpt scroll: --shifts %q is not a list of whole numbers", *list)
		}
		shifts = append(shifts, n)
	}
	if len(shifts) == 0 && f.Metadata[model.MetaFormat] == model.FormatName {
		cfg, err := model.UnmarshalConfig(f.Metadata[model.MetaConfig])
		if err != nil {
			return fmt.Errorf("ckpt scroll: %s: %v", args[0], err)
		}
		if cfg.Terminal == nil {
			return usagef("ckpt scroll: %s is not a terminal model; say how many latent rows each input moves (--shifts)", args[0])
		}
		// Scrolls of one to three text rows are 93% of those in the
		// typist's sessions (a command's output and the next prompt).
		row := cfg.Terminal.CellH / cfg.AE.Reduction()
		shifts = []int{row, 2 * row, 3 * row}
	}
	if err := model.AddScrollInput(f, args[0], shifts); err != nil {
		return fmt.Errorf("ckpt scroll: %v", err)
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "scroll_shifts": shifts}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: the dynamics also sees its newest latent moved up by %v latent rows (new weights 0)\n", args[1], shifts)
	})
}
