package cuda

/*
#cgo CXXFLAGS: -std=c++20 -O2
#cgo LDFLAGS: -lstdc++ -lpthread
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
int ncs_emu_launch(const char* name, int gx, int gy, int gz, int bx, int by, int bz, const uint64_t* args, int nargs,
                   char* err, int errlen);
void ncs_emu_reverse(int on);

// Emulated device memory is host memory; addresses travel as integers.
static uintptr_t ncs_emu_alloc(size_t n) { return (uintptr_t)aligned_alloc(256, (n + 255) / 256 * 256); }
static void ncs_emu_free(uintptr_t p) { free((void*)p); }
static void ncs_emu_upload(uintptr_t dst, const void* src, size_t n) { memcpy((void*)dst, src, n); }
static void ncs_emu_download(void* dst, uintptr_t src, size_t n) { memcpy(dst, (const void*)src, n); }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// emulator is a device whose memory is host memory and whose kernels run on
// the CPU (emu.cc).
type emulator struct{}

// NewEmulated returns the backend on the CPU emulator of the CUDA kernels.
// It is slow (every GPU thread is a fiber on one core); it exists to test the
// kernels and the launch code where there is no GPU.
func NewEmulated(opts Options) *Backend { return newBackend(emulator{}, opts) }

func (emulator) Name() string { return "cuda-emulator" }

func (emulator) Alloc(bytes int) (uintptr, error) {
	p := C.ncs_emu_alloc(C.size_t(bytes))
	if p == 0 {
		return 0, fmt.Errorf("emulator: out of memory allocating %d bytes", bytes)
	}
	return uintptr(p), nil
}

func (emulator) Free(p uintptr) { C.ncs_emu_free(C.uintptr_t(p)) }

func (emulator) Upload(dst uintptr, src unsafe.Pointer, bytes int) error {
	C.ncs_emu_upload(C.uintptr_t(dst), src, C.size_t(bytes))
	return nil
}

func (emulator) Download(dst unsafe.Pointer, src uintptr, bytes int) error {
	C.ncs_emu_download(dst, C.uintptr_t(src), C.size_t(bytes))
	return nil
}

func (emulator) Launch(kernel string, grid [3]int, block int, args []uint64) error {
	name := C.CString(kernel)
	defer C.free(unsafe.Pointer(name))
	var argp *C.uint64_t
	if len(args) > 0 {
		cargs := (*[1 << 20]C.uint64_t)(C.malloc(C.size_t(8 * len(args))))[:len(args):len(args)]
		defer C.free(unsafe.Pointer(&cargs[0]))
		for i, a := range args {
			cargs[i] = C.uint64_t(a)
		}
		argp = &cargs[0]
	}
	var msg [256]C.char
	if C.ncs_emu_launch(name, C.int(grid[0]), C.int(grid[1]), C.int(grid[2]), C.int(block), 1, 1, argp, C.int(len(args)), &msg[0], C.int(len(msg))) != 0 {
		return errors.New("emulator: " + C.GoString(&msg[0]))
	}
	return nil
}

// Blocks is small: each block costs the emulator a round of barriers, and
// more than one still exercises the kernels' grid-stride loops.
func (emulator) Blocks() int { return 3 }

// Threads is one warp: the emulator's cost grows with the threads per block.
func (emulator) Threads() int { return 32 }

// Sync has nothing to wait for: emulated launches return when done.
func (emulator) Sync() error { return nil }

// ReverseEmulatedThreads makes the emulator run each block's threads in the
// opposite order between barriers (for every emulated backend): a missing
// __syncthreads, which one fixed order can hide, then changes results.
func ReverseEmulatedThreads(on bool) {
	v := 0
	if on {
		v = 1
	}
	C.ncs_emu_reverse(C.int(v))
}

// Parallelism is small, so that the tests take the GEMM's split paths.
func (emulator) Parallelism() int { return 4 }
