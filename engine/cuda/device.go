package cuda

import "unsafe"

// device is what the backend needs from a GPU: memory, copies and kernel
// launches by name. The real one wraps the CUDA driver (driver.go, build tag
// cuda); the emulator runs the same kernels on the CPU (emu.go).
type device interface {
	Name() string
	Alloc(bytes int) (uintptr, error)
	Free(p uintptr)
	Upload(dst uintptr, src unsafe.Pointer, bytes int) error
	Download(dst unsafe.Pointer, src uintptr, bytes int) error
	// Launch runs kernel on a grid of blocks of block threads (x only).
	// Arguments are 8-byte values: pointers, ints and float32 bits.
	Launch(kernel string, grid [3]int, block int, args []uint64) error
	// Blocks is the grid size for the kernels that loop over their work
	// with a grid stride: enough blocks to fill the device.
	Blocks() int
	// Parallelism is about how many blocks run at once: a product with
	// fewer output tiles than this is split further.
	Parallelism() int
	// Threads is the block size of the one-dimensional kernels (a multiple
	// of 32; the kernels read blockDim).
	Threads() int
	// Sync waits for the work issued so far and returns any error it met.
	Sync() error
}
