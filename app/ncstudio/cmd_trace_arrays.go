package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func init() {
	register(&command{
		name:    "trace arrays",
		usage:   "--data DIR... --out DIR [--press-history N]",
		summary: "write traces' frames, cursor masks, actions and events as NumPy arrays, for training with PyTorch (engine/pyref/train_*.py)",
		run:     runTraceArrays,
	})
}

// traceArrays is the --json form of `trace arrays`.
type traceArrays struct {
	Dir    string               `json:"dir"`
	Frames int                  `json:"frames"`
	Width  int                  `json:"width"`
	Height int                  `json:"height"`
	Traces []dataset.ArrayTrace `json:"traces"`
}

func runTraceArrays(c *context) error {
	var data listFlag
	c.Flags.Var(&data, "data", "traces or directories of traces (repeatable)")
	out := c.Flags.String("out", "", "directory to write the arrays (frames.npy, cursor.npy, actions.npy, pointer.npy, events.npy) and traces.json into")
	pressHistory := c.Flags.Int("press-history", 0, "steps of mouse-button press history in the action features, as the model's dynamics.press_history (ncstudio ckpt info)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	switch {
	case len(args) > 0:
		return usagef("trace arrays: unexpected argument %q", args[0])
	case len(data) == 0 || *out == "":
		return usagef("trace arrays: --data DIR and --out DIR are required")
	}
	// The first trace sets the kind and size; dataset.Open holds the rest to them.
	dirs, err := dataset.FindTraces(data)
	if err != nil {
		return err
	}
	first, err := trace.Open(dirs[0])
	if err != nil {
		return err
	}
	m := first.Meta()
	first.Close()
	d, err := dataset.Open(dirs, m.Kind, m.Width, m.Height)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := model.Config{Width: m.Width, Height: m.Height, Dyn: model.DynamicsConfig{PressHistory: *pressHistory}}
	if *pressHistory < 0 || *pressHistory > action.PressMemory {
		return usagef("trace arrays: --press-history %d must lie in 0..%d", *pressHistory, action.PressMemory)
	}
	bar := newProgress(c.Stderr, "arrays", "frames", d.Frames())
	feat := dataset.Featurizer{Features: cfg.ActionInputs(), Featurize: cfg.Featurize}
	index, err := d.WriteArrays(*out, feat, bar.set)
	if err != nil {
		return fmt.Errorf("trace arrays: %s: %w", *out, err)
	}
	bar.finish()
	res := traceArrays{Dir: *out, Frames: d.Frames(), Width: m.Width, Height: m.Height, Traces: index}
	return c.Emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %d frames (%dx%d) of %d trace(s) to %s (%s)\n", res.Frames, m.Width, m.Height, len(res.Traces), *out,
			strings.Join([]string{dataset.FramesArray, dataset.CursorArray, dataset.ActionsArray, dataset.PointerArray, dataset.EventsArray, dataset.ArraysIndex}, ", "))
	})
}
