package cuda

import (
	"embed"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Sources are the kernels' CUDA C sources. Embedding them also makes Go
// rebuild the emulator (emu.cc includes them) whenever one changes.
//
//go:embed kernels/*.cu kernels/*.cuh kernels/*.h
var Sources embed.FS

// Options tune a backend.
type Options struct {
	// Precise runs matrix products as 3xTF32 (float32 accuracy at three
	// times the tensor-core work) instead of plain tf32.
	Precise bool
	// BF16 runs matrix products with bf16 inputs (twice tf32's tensor-core
	// rate; about three significant digits each). Precise wins over it.
	BF16 bool
	// BlockThreads is the block size of the one-dimensional and per-row
	// kernels, a multiple of 32 up to 1024; 0 takes the device's (256 on
	// a GPU, one warp in the emulator).
	BlockThreads int
}

// Backend implements tensor.Backend on a device. Ops are issued in order on
// the device's one stream; ToHost and the reductions that return a number
// wait for them. A Backend may be used from one goroutine at a time.
type Backend struct {
	dev  device
	opts Options

	mu    sync.Mutex // guards cache (buffers come back from finalizers)
	cache map[int][]uintptr

	partial uintptr // Blocks() float64 partial sums of the reductions
}

var _ tensor.Backend = (*Backend)(nil)

func newBackend(dev device, opts Options) *Backend {
	if t := opts.BlockThreads; t <= 0 || t > 1024 || t%32 != 0 {
		opts.BlockThreads = dev.Threads()
	}
	be := &Backend{dev: dev, opts: opts, cache: map[int][]uintptr{}}
	be.partial = be.alloc(8 * dev.Blocks())
	return be
}

// Name is "cuda" plus the device, e.g. "cuda (NVIDIA H100 80GB HBM3)".
func (be *Backend) Name() string { return "cuda (" + be.dev.Name() + ")" }

// Sync waits until the device has done all work issued so far (for timing)
// and reports an error that an earlier asynchronous launch met.
func (be *Backend) Sync() error { return be.dev.Sync() }

// buffer is device memory holding a tensor's elements. Memory goes back to
// the backend's cache on Free, or when the buffer is garbage collected.
type buffer struct {
	ptr uintptr
	n   int
	be  *Backend
}

func (b *buffer) Len() int { return b.n }

// bytes is the size of the allocation (a 0-element tensor still has one).
func (b *buffer) bytes() int { return 4 * max(b.n, 1) }

// sizeClass rounds a request up to a multiple of an eighth of the next power
// of two (four classes per doubling, at most 25% waste), so that freed
// buffers serve later requests of about the same size.
func sizeClass(bytes int) int {
	if bytes <= 256 {
		return 256
	}
	step := 1 << (bits.Len(uint(bytes-1)) - 3)
	return (bytes + step - 1) / step * step
}

// alloc returns device memory of at least bytes, from the cache when it can.
// When the device is full it empties the cache and tries once more.
func (be *Backend) alloc(bytes int) uintptr {
	size := sizeClass(bytes)
	be.mu.Lock()
	if free := be.cache[size]; len(free) > 0 {
		p := free[len(free)-1]
		be.cache[size] = free[:len(free)-1]
		be.mu.Unlock()
		return p
	}
	be.mu.Unlock()
	p, err := be.dev.Alloc(size)
	if err != nil {
		runtime.GC() // buffers only the finalizers know about come back
		be.trim()
		if p, err = be.dev.Alloc(size); err != nil {
			panic(fmt.Sprintf("cuda: %v", err))
		}
	}
	return p
}

// release puts memory of a size class back in the cache.
func (be *Backend) release(p uintptr, bytes int) {
	be.mu.Lock()
	size := sizeClass(bytes)
	be.cache[size] = append(be.cache[size], p)
	be.mu.Unlock()
}

// trim gives the cached memory back to the device.
func (be *Backend) trim() {
	be.mu.Lock()
	defer be.mu.Unlock()
	for size, ps := range be.cache {
		for _, p := range ps {
			be.dev.Free(p)
		}
		delete(be.cache, size)
	}
}

// empty allocates a tensor without initialising it.
func (be *Backend) empty(shape ...int) *tensor.Tensor {
	n := tensor.Shape(shape).Numel()
	b := &buffer{n: n, be: be}
	b.ptr = be.alloc(b.bytes())
	runtime.SetFinalizer(b, func(b *buffer) { b.be.release(b.ptr, b.bytes()) })
	return &tensor.Tensor{Shape: tensor.Shape(shape).Clone(), Buf: b}
}

func (be *Backend) Zeros(shape ...int) *tensor.Tensor {
	t := be.empty(shape...)
	be.Fill(t, 0)
	return t
}

func (be *Backend) FromHost(data []float32, shape ...int) *tensor.Tensor {
	if tensor.Shape(shape).Numel() != len(data) {
		panic(fmt.Sprintf("cuda: FromHost: %d elements do not fit shape %v", len(data), tensor.Shape(shape)))
	}
	t := be.empty(shape...)
	be.Upload(t, data)
	return t
}

func (be *Backend) Upload(dst *tensor.Tensor, data []float32) {
	if len(data) != dst.Numel() {
		panic(fmt.Sprintf("Upload: %d elements into %v", len(data), dst.Shape))
	}
	if len(data) > 0 {
		check(be.dev.Upload(be.ptr(dst), unsafe.Pointer(&data[0]), 4*len(data)))
	}
}

func (be *Backend) ToHost(t *tensor.Tensor) []float32 {
	out := make([]float32, t.Numel())
	if len(out) > 0 {
		check(be.dev.Download(unsafe.Pointer(&out[0]), be.ptr(t), 4*len(out)))
	}
	return out
}

// Free returns t's memory at once; t (and every view of it) must not be used again.
func (be *Backend) Free(t *tensor.Tensor) {
	b := be.buf(t)
	if b.ptr == 0 {
		return
	}
	runtime.SetFinalizer(b, nil)
	be.release(b.ptr, b.bytes())
	b.ptr = 0
}

// buf returns t's device buffer, checking that it belongs to this backend.
func (be *Backend) buf(t *tensor.Tensor) *buffer {
	b, ok := t.Buf.(*buffer)
	if !ok || b.be != be {
		panic(fmt.Sprintf("cuda: a %T tensor passed to %s", t.Buf, be.Name()))
	}
	return b
}

// ptr is t's device address; nil t gives 0 (the kernels' "absent").
func (be *Backend) ptr(t *tensor.Tensor) uintptr {
	if t == nil {
		return 0
	}
	b := be.buf(t)
	if b.ptr == 0 {
		panic("cuda: tensor used after Free")
	}
	return b.ptr
}

func check(err error) {
	if err != nil {
		panic(fmt.Sprintf("cuda: %v", err))
	}
}

// args converts kernel arguments to the 8-byte values cu passes.
func (be *Backend) args(values []any) []uint64 {
	out := make([]uint64, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case *tensor.Tensor:
			out[i] = uint64(be.ptr(v))
		case uintptr:
			out[i] = uint64(v)
		case int:
			if v != int(int32(v)) {
				panic(fmt.Sprintf("cuda: kernel argument %d = %d does not fit a C int", i, v))
			}
			out[i] = uint64(int64(v))
		case bool:
			if v {
				out[i] = 1
			}
		case float32:
			out[i] = uint64(math.Float32bits(v))
		default:
			panic(fmt.Sprintf("cuda: kernel argument %d has type %T", i, v))
		}
	}
	return out
}

// launch runs a one-dimensional kernel over n work items with a grid-stride
// loop: as many blocks as cover n, at most the device's Blocks().
func (be *Backend) launch(kernel string, n int, args ...any) {
	be.launchGrid(kernel, [3]int{be.blocks(n), 1, 1}, be.opts.BlockThreads, args...)
}

// launchRows runs a kernel that takes one block per row (or group).
func (be *Backend) launchRows(kernel string, rows int, args ...any) {
	be.launchGrid(kernel, [3]int{max(1, min(rows, 8*be.dev.Blocks())), 1, 1}, be.opts.BlockThreads, args...)
}

// blocks is the grid size for n work items of a grid-stride kernel.
func (be *Backend) blocks(n int) int {
	t := be.opts.BlockThreads
	return max(1, min((n+t-1)/t, be.dev.Blocks()))
}

func (be *Backend) launchGrid(kernel string, grid [3]int, block int, args ...any) {
	check(be.dev.Launch(kernel, grid, block, be.args(args)))
}

// reduce launches a kernel whose first argument receives one float64 per
// block and returns their sum.
func (be *Backend) reduce(kernel string, n int, args ...any) float64 {
	blocks := be.blocks(n)
	be.launchGrid(kernel, [3]int{blocks, 1, 1}, be.opts.BlockThreads, append([]any{be.partial}, args...)...)
	part := make([]float64, blocks)
	check(be.dev.Download(unsafe.Pointer(&part[0]), be.partial, 8*blocks))
	var s float64
	for _, v := range part {
		s += v
	}
	return s
}
