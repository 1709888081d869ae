package cpu

/*
#cgo CFLAGS: -O3
#cgo LDFLAGS: -lm
#include "kernels.h"
*/
import "C"

import "unsafe"

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
