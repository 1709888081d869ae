package main

import (
	"fmt"
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
	var shifts []int
	for _, field := range strings.FieldsFunc(*list, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			return usagef("ckpt scroll: --shifts %q is not a list of whole numbers", *list)
		}
		shifts = append(shifts, n)
	}
	return editCkptCopy(c, "ckpt scroll", args, func(f *ckpt.File) (ckptEdit, error) {
		if len(shifts) == 0 && f.Metadata[model.MetaFormat] == model.FormatName {
			cfg, err := ckptConfig(f, args[0])
			if err != nil {
				return ckptEdit{}, err
			}
			if cfg.Terminal == nil {
				return ckptEdit{}, usagef("%s is not a terminal model; say how many latent rows each input moves (--shifts)", args[0])
			}
			// Scrolls of one to three text rows are 93% of those in the
			// typist's sessions (a command's output and the next prompt).
			row := cfg.Terminal.CellH / cfg.AE.Reduction()
			shifts = []int{row, 2 * row, 3 * row}
		}
		return ckptEdit{map[string]any{"scroll_shifts": shifts},
			fmt.Sprintf("the dynamics also sees its newest latent moved up by %v latent rows (new weights 0)", shifts)}, model.AddScrollInput(f, args[0], shifts)
	})
}
