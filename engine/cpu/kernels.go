package cpu

/*
#cgo CFLAGS: -O3
#cgo LDFLAGS: -lm
#include "kernels.h"
*/
import "C"

import (
	"unsafe"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// The C kernels of kernels.c: GCC vectorises them, which Go cannot. Each
// wrapper hands over one chunk; callers split work with parallelFor so that
// a cgo call (tens of ns) is amortised over thousands of elements.

func ptr(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

func siluK(out, x []float32) { C.ncs_silu(ptr(out), ptr(x), C.size_t(len(out))) }
func siluBackwardK(dx, dy, x []float32) {
	C.ncs_silu_backward(ptr(dx), ptr(dy), ptr(x), C.size_t(len(dx)))
}
func geluK(out, x []float32) { C.ncs_gelu(ptr(out), ptr(x), C.size_t(len(out))) }
func geluBackwardK(dx, dy, x []float32) {
	C.ncs_gelu_backward(ptr(dx), ptr(dy), ptr(x), C.size_t(len(dx)))
}
func expK(v []float32) { C.ncs_exp(ptr(v), C.size_t(len(v))) }
func normalCDFK(cdf, pdf, x []float32) {
	C.ncs_normal_cdf(ptr(cdf), ptr(pdf), ptr(x), C.size_t(len(x)))
}

func softmaxRowsK(out, x []float32, cols int) {
	C.ncs_softmax_rows(ptr(out), ptr(x), C.size_t(len(out)/cols), C.size_t(cols))
}

func softmaxBackwardRowsK(dx, dy, y []float32, cols int, scale float32) {
	C.ncs_softmax_backward_rows(ptr(dx), ptr(dy), ptr(y), C.size_t(len(dx)/cols), C.size_t(cols), C.float(scale))
}

// im2colRowsK unfolds output rows [oy0, oy1) of plane into rows.
func im2colRowsK(rows, plane []float32, g tensor.ConvGeom, oy0, oy1 int) {
	C.ncs_im2col_rows(ptr(rows), ptr(plane), C.int(g.H), C.int(g.W), C.int(g.K), C.int(g.Stride), C.int(g.Pad), C.int(oy0), C.int(oy1), C.int(g.Wo))
}

// col2imRowsK adds unfolded output rows [oy0, oy1) back into plane.
func col2imRowsK(plane, rows []float32, g tensor.ConvGeom, oy0, oy1 int) {
	C.ncs_col2im_rows(ptr(plane), ptr(rows), C.int(g.H), C.int(g.W), C.int(g.K), C.int(g.Stride), C.int(g.Pad), C.int(oy0), C.int(oy1), C.int(g.Wo))
}

// momentsK returns the mean and biased variance of x.
func momentsK(x []float32) (mean, variance float64) {
	var m, v C.double
	C.ncs_moments(ptr(x), C.size_t(len(x)), &m, &v)
	return float64(m), float64(v)
}

// sumsK returns Σdy and Σdy·(x-mu).
func sumsK(dy, x []float32, mu float32) (sumDy, sumDyXc float64) {
	var a, b C.double
	C.ncs_sums(ptr(dy), ptr(x), C.size_t(len(x)), C.float(mu), &a, &b)
	return float64(a), float64(b)
}

// affine3K writes out = ca·a + cb·b + c0 (b may be nil when cb is 0).
func affine3K(out, a, b []float32, ca, cb, c0 float32) {
	C.ncs_affine3(ptr(out), ptr(a), ptr(b), C.size_t(len(out)), C.float(ca), C.float(cb), C.float(c0))
}

func sumK(x []float32) float64 { return float64(C.ncs_sum(ptr(x), C.size_t(len(x)))) }

func layerNormRowsK(out, mean, rstd, x, w, b []float32, cols int, eps float32) {
	C.ncs_layernorm_rows(ptr(out), ptr(mean), ptr(rstd), ptr(x), ptr(w), ptr(b), C.size_t(len(mean)), C.size_t(cols), C.float(eps))
}

// layerNormBackwardRowsK writes dx for rows of x and adds to dwAcc, dbAcc
// (nil to skip).
func layerNormBackwardRowsK(dx, dwAcc, dbAcc, dy, x, mean, rstd, w []float32, cols int) {
	C.ncs_layernorm_backward_rows(ptr(dx), ptr(dwAcc), ptr(dbAcc), ptr(dy), ptr(x), ptr(mean), ptr(rstd), ptr(w), C.size_t(len(mean)), C.size_t(cols))
}

// accumulateK adds x into acc elementwise.
func accumulateK(acc []float64, x []float32) {
	if len(x) > 0 {
		C.ncs_accumulate((*C.double)(unsafe.Pointer(&acc[0])), ptr(x), C.size_t(len(x)))
	}
}
