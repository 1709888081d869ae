package cpu

/*
#cgo pkg-config: openblas
#include <cblas.h>
*/
import "C"

import (
	"unsafe"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

func init() {
	selectBLASCore()
	// OpenBLAS's own threads spin after each call and would compete with this
	// package's goroutines for the same cores, so BLAS runs single-threaded and
	// the backend splits GEMMs across workers itself (see matmul.go).
	C.openblas_set_num_threads(1)
}

// SetBLASThreads sets OpenBLAS's internal thread count. The backend expects 1;
// benchmarks raise it only to measure OpenBLAS's multi-threaded sgemm peak.
func SetBLASThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

// sgemm is row-major C = alpha*op(A)@op(B) + beta*C on raw slices whose first
// element is the top-left of each (sub)matrix.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans), C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans)
	if transA {
		ta = C.CblasTrans
	}
	if transB {
		tb = C.CblasTrans
	}
	var pa, pb *C.float
	if k > 0 {
		pa = (*C.float)(unsafe.Pointer(&a[0]))
		pb = (*C.float)(unsafe.Pointer(&b[0]))
	}
	C.cblas_sgemm(C.CblasRowMajor, ta, tb, C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), pa, C.blasint(lda), pb, C.blasint(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(ldc))
}

// RawSgemm is c = a@b straight through OpenBLAS for 2-D tensors, with no
// splitting: benchmarks use it to measure OpenBLAS itself.
func RawSgemm(c, a, b *tensor.Tensor) {
	m, k, n := a.Dim(0), a.Dim(1), b.Dim(1)
	sgemm(false, false, m, n, k, 1, a.Host(), k, b.Host(), n, 0, c.Host(), n)
}
