package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/ncstudio/ncstudio/engine/ckpt"
)

func init() {
	register(&command{
		name:    "ckpt info",
		usage:   "FILE [--json]",
		summary: "show a safetensors checkpoint's metadata, tensors and parameter count",
		run:     runCkptInfo,
	})
}

// ckptInfo is the --json form of `ckpt info`.
type ckptInfo struct {
	File       string            `json:"file"`
	Bytes      int64             `json:"bytes"`
	Metadata   map[string]string `json:"metadata"`
	Tensors    []ckptTensorInfo  `json:"tensors"`
	ParamCount int               `json:"param_count"`
}

type ckptTensorInfo struct {
	Name   string `json:"name"`
	DType  string `json:"dtype"`
	Shape  []int  `json:"shape"`
	Params int    `json:"params"`
}

func runCkptInfo(c *context) error {
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("ckpt info: want one FILE, got %d arguments", len(args))
	}
	// Only the header is read, so this is instant even for huge files.
	h, err := ckpt.ReadHeader(args[0])
	if err != nil {
		return err
	}
	info := ckptInfo{
		File:       args[0],
		Bytes:      h.Size,
		Metadata:   h.Metadata,
		Tensors:    []ckptTensorInfo{},
		ParamCount: h.ParamCount(),
	}
	for _, t := range h.Tensors {
		info.Tensors = append(info.Tensors, ckptTensorInfo{
			Name: t.Name, DType: string(t.DType), Shape: t.Shape, Params: t.Elements(),
		})
	}
	return c.Emit(info, func(w io.Writer) { printCkptInfo(w, &info) })
}

func printCkptInfo(w io.Writer, info *ckptInfo) {
	fmt.Fprintf(w, "file:     %s\n", info.File)
	fmt.Fprintf(w, "size:     %s bytes\n", ckptThousands(info.Bytes))
	if len(info.Metadata) > 0 {
		fmt.Fprintln(w, "metadata:")
		keys := make([]string, 0, len(info.Metadata))
		for k := range info.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s: %s\n", ckptPrintable(k), ckptPrintable(info.Metadata[k]))
		}
	}
	fmt.Fprintf(w, "tensors:  %d\n", len(info.Tensors))
	if len(info.Tensors) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  NAME\tDTYPE\tSHAPE\tPARAMS")
		for _, t := range info.Tensors {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ckptPrintable(t.Name), t.DType, ckptShape(t.Shape), ckptThousands(int64(t.Params)))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "params:   %s\n", ckptThousands(int64(info.ParamCount)))
}

// ckptPrintable quotes strings from the file that hold control characters,
// so a crafted checkpoint cannot send escape sequences to the terminal.
func ckptPrintable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// ckptShape formats a shape as [2, 3]; a scalar is [].
func ckptShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// ckptThousands formats n with comma separators: 1234567 -> 1,234,567.
func ckptThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
