// Package ckpt reads and writes model checkpoints in the safetensors format
// (https://github.com/huggingface/safetensors), so NC Studio can exchange
// weights with PyTorch and other tools.
//
// A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// describing every tensor (dtype, shape, byte range) plus an optional
// "__metadata__" string map, then the raw little-endian tensor bytes. This
// package supports the float dtypes F32, F16 and BF16 and always holds data
// as float32 in memory; the DType says how a tensor is stored on disk.
//
// Reading treats the file as untrusted: every size is checked against the
// file's real length before anything is allocated, and files the reference
// implementation would reject (gaps, overlaps, trailing bytes, ...) are
// rejected with an error naming the file and the problem.
package ckpt

import (
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
)

// DType is a safetensors element type name.
type DType string

const (
	F32  DType = "F32"  // IEEE binary32
	F16  DType = "F16"  // IEEE binary16
	BF16 DType = "BF16" // bfloat16: the top 16 bits of a binary32
)

// Size is the number of bytes one element takes on disk, or 0 for a dtype
// this package does not support.
func (d DType) Size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	}
	return 0
}

// Tensor is one named array. Data holds the elements in row-major order and
// has exactly as many values as the shape's product (1 for the scalar shape []).
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []float32
}

// Elements is the number of elements the shape describes.
func (t *Tensor) Elements() int {
	n, _ := elements(t.Shape)
	return n
}

// File is a whole checkpoint: free-form string metadata and the tensors.
type File struct {
	Metadata map[string]string
	Tensors  []Tensor
}

// Get returns the tensor with the given name.
func (f *File) Get(name string) (*Tensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// ParamCount is the total number of elements over all tensors.
func (f *File) ParamCount() int {
	n := 0
	for i := range f.Tensors {
		n += f.Tensors[i].Elements()
	}
	return n
}

// MaxHeaderSize is the largest JSON header accepted: 100 MB in decimal
// units (100,000,000 bytes), the same limit as the reference implementation.
const MaxHeaderSize = 100_000_000

const metadataKey = "__metadata__"

// elements multiplies out a shape, reporting false on a negative dimension
// or when the product does not fit in an int64.
func elements(shape []int) (int, bool) {
	if slices.ContainsFunc(shape, func(d int) bool { return d < 0 }) {
		return 0, false
	}
	if slices.Contains(shape, 0) {
		return 0, true // empty, however large the other dims
	}
	n := 1
	for _, d := range shape {
		if n > math.MaxInt/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// failf builds an error that names the file (when known) and the problem.
func failf(file, format string, a ...any) error {
	if file == "" {
		return fmt.Errorf("ckpt: "+format, a...)
	}
	return fmt.Errorf("ckpt: %s: "+format, append([]any{file}, a...)...)
}

// check reports the first reason f cannot be written as a safetensors file.
func (f *File) check(file string) error {
	for k, v := range f.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return failf(file, "metadata %q is not valid UTF-8", k)
		}
	}
	seen := make(map[string]bool, len(f.Tensors))
	var total int64
	for i := range f.Tensors {
		t := &f.Tensors[i]
		switch {
		case t.Name == metadataKey:
			return failf(file, "tensor name %q is reserved for metadata", t.Name)
		case !utf8.ValidString(t.Name):
			return failf(file, "tensor name %q is not valid UTF-8", t.Name)
		case seen[t.Name]:
			return failf(file, "duplicate tensor name %q", t.Name)
		case t.DType.Size() == 0:
			return failf(file, "tensor %q: unsupported dtype %q (want F32, F16 or BF16)", t.Name, t.DType)
		}
		seen[t.Name] = true
		n, ok := elements(t.Shape)
		if !ok {
			return failf(file, "tensor %q: invalid shape %v (negative or too large)", t.Name, t.Shape)
		}
		if len(t.Data) != n {
			return failf(file, "tensor %q: shape %v needs %d values, data has %d", t.Name, t.Shape, n, len(t.Data))
		}
		size := int64(n) * int64(t.DType.Size()) // n ≤ len(Data), cannot overflow
		if total > math.MaxInt64-size {
			return failf(file, "tensors too large to write")
		}
		total += size
	}
	return nil
}
