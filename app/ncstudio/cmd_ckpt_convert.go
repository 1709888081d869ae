package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ncstudio/ncstudio/engine/ckpt"
)

func init() {
	register(&command{
		name:    "ckpt convert",
		usage:   "IN OUT --dtype f32|f16|bf16",
		summary: "rewrite a checkpoint with another element type (f16 halves the file)",
		run:     runCkptConvert,
	})
}

func runCkptConvert(c *context) error {
	dtype := c.Flags.String("dtype", "f16", "element type to store: f32, f16 or bf16")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return usagef("ckpt convert: want IN and OUT, got %d arguments", len(args))
	}
	d := ckpt.DType(strings.ToUpper(*dtype))
	if d.Size() == 0 {
		return usagef("ckpt convert: --dtype %q is not f32, f16 or bf16", *dtype)
	}
	if _, err := os.Stat(args[1]); err == nil {
		return fmt.Errorf("ckpt convert: %s exists; not overwriting it", args[1])
	}
	f, err := ckpt.Load(args[0])
	if err != nil {
		return err
	}
	for i := range f.Tensors {
		f.Tensors[i].DType = d
	}
	if err := ckpt.Save(args[1], f); err != nil {
		return err
	}
	st, _ := os.Stat(args[1])
	return c.Emit(map[string]any{"in": args[0], "out": args[1], "dtype": d, "bytes": st.Size()}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: %d tensors as %s, %s\n", args[1], len(f.Tensors), d, traceBytes(st.Size()))
	})
}
