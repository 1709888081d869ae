// Package cpu is the reference compute backend: float32 tensors in host
// memory, GEMM through OpenBLAS (cgo), every other loop in Go, split over the
// available cores. It implements tensor.Backend and is what the CUDA backend
// is checked against.
package cpu

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Backend is the CPU implementation of tensor.Backend. The zero value is ready.
type Backend struct{}

// New returns the CPU backend.
func New() *Backend { return &Backend{} }

var _ tensor.Backend = (*Backend)(nil)

func (*Backend) Name() string { return "cpu" }

func (*Backend) Zeros(shape ...int) *tensor.Tensor {
	return tensor.FromSlice(make([]float32, tensor.Shape(shape).Numel()), shape...)
}

func (*Backend) FromHost(data []float32, shape ...int) *tensor.Tensor {
	return tensor.FromSlice(append([]float32(nil), data...), shape...)
}

func (*Backend) ToHost(t *tensor.Tensor) []float32 { return append([]float32(nil), t.Host()...) }

func (*Backend) Upload(dst *tensor.Tensor, data []float32) {
	if len(data) != dst.Numel() {
		panic(fmt.Sprintf("Upload: %d elements into %v", len(data), dst.Shape))
	}
	copy(dst.Host(), data)
}

func (*Backend) Free(*tensor.Tensor) {}

func (*Backend) Fill(t *tensor.Tensor, v float32) {
	d := t.Host()
	parallelFor(len(d), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d[i] = v
		}
	})
}

func (*Backend) Copy(dst, src *tensor.Tensor) {
	if dst.Numel() != src.Numel() {
		panic(fmt.Sprintf("Copy: %v into %v", src.Shape, dst.Shape))
	}
	d, s := dst.Host(), src.Host()
	parallelFor(len(d), 1, func(lo, hi int) { copy(d[lo:hi], s[lo:hi]) })
}
