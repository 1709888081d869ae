//go:build cuda

package cuda

import (
	_ "embed"
	"fmt"
	"regexp"
	"runtime"
	"unsafe"

	"gorgonia.org/cu"
)

// ptx is the kernels compiled by `make ptx`; the driver JIT-compiles it for
// the GPU at hand when the module loads.
//
//go:embed kernels/ncstudio.ptx
var ptx string

// gpu is a device on the CUDA driver API. Every call makes the context
// current on the calling OS thread first, so the backend may move between
// goroutines; work goes to the legacy default stream, in order.
type gpu struct {
	ctx  cu.CUContext
	name string
	sms  int
	fns  map[string]cu.Function
}

// DeviceInfo describes an opened GPU.
type DeviceInfo struct {
	Name              string
	ComputeCapability string
	Multiprocessors   int
	MemoryBytes       int64
	FreeMemoryBytes   int64
	DriverVersion     int
}

// Open creates a context on GPU ordinal, loads the kernels and returns the
// backend with a description of the device.
func Open(ordinal int, opts Options) (*Backend, DeviceInfo, error) {
	var info DeviceInfo
	n, err := cu.NumDevices()
	if err != nil {
		return nil, info, fmt.Errorf("cuda: counting devices: %v", err)
	}
	if ordinal < 0 || ordinal >= n {
		return nil, info, fmt.Errorf("cuda: no GPU %d (%d found)", ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, info, fmt.Errorf("cuda: device %d: %v", ordinal, err)
	}
	g := &gpu{fns: map[string]cu.Function{}}
	if g.name, err = dev.Name(); err != nil {
		return nil, info, fmt.Errorf("cuda: device %d name: %v", ordinal, err)
	}
	major, minor, err := dev.ComputeCapability()
	if err != nil {
		return nil, info, fmt.Errorf("cuda: %s: compute capability: %v", g.name, err)
	}
	if major < 8 {
		return nil, info, fmt.Errorf("cuda: %s has compute capability %d.%d; the kernels need 8.0 (Ampere) or later for tf32 tensor cores", g.name, major, minor)
	}
	if g.sms, err = dev.Attribute(cu.MultiprocessorCount); err != nil {
		return nil, info, fmt.Errorf("cuda: %s: %v", g.name, err)
	}
	if g.ctx, err = dev.MakeContext(cu.SchedAuto); err != nil {
		return nil, info, fmt.Errorf("cuda: %s: creating a context: %v", g.name, err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cu.SetCurrentContext(g.ctx); err != nil {
		return nil, info, fmt.Errorf("cuda: %s: %v", g.name, err)
	}
	mod, err := cu.LoadData(ptx)
	if err != nil {
		return nil, info, fmt.Errorf("cuda: %s: loading the kernels' PTX: %v", g.name, err)
	}
	for _, name := range kernelNames() {
		fn, err := mod.Function(name)
		if err != nil {
			return nil, info, fmt.Errorf("cuda: kernel %s: %v", name, err)
		}
		g.fns[name] = fn
	}
	free, total, err := cu.MemInfo()
	if err != nil {
		return nil, info, fmt.Errorf("cuda: %s: memory: %v", g.name, err)
	}
	info = DeviceInfo{Name: g.name, ComputeCapability: fmt.Sprintf("%d.%d", major, minor), Multiprocessors: g.sms,
		MemoryBytes: total, FreeMemoryBytes: free, DriverVersion: cu.Version()}
	return newBackend(g, opts), info, nil
}

// current locks the calling goroutine to its thread and makes the context
// current there; the caller runs the returned function when done.
func (g *gpu) current() func() {
	runtime.LockOSThread()
	if err := cu.SetCurrentContext(g.ctx); err != nil {
		runtime.UnlockOSThread()
		panic(fmt.Sprintf("cuda: %s: making the context current: %v", g.name, err))
	}
	return runtime.UnlockOSThread
}

func (g *gpu) Name() string { return g.name }

func (g *gpu) Alloc(bytes int) (uintptr, error) {
	defer g.current()()
	p, err := cu.MemAlloc(int64(bytes))
	if err != nil {
		return 0, fmt.Errorf("%s: allocating %d MiB: %v", g.name, bytes>>20, err)
	}
	return uintptr(p), nil
}

func (g *gpu) Free(p uintptr) {
	defer g.current()()
	_ = cu.MemFree(cu.DevicePtr(p))
}

func (g *gpu) Upload(dst uintptr, src unsafe.Pointer, bytes int) error {
	defer g.current()()
	return cu.MemcpyHtoD(cu.DevicePtr(dst), src, int64(bytes))
}

func (g *gpu) Download(dst unsafe.Pointer, src uintptr, bytes int) error {
	defer g.current()()
	return cu.MemcpyDtoH(dst, cu.DevicePtr(src), int64(bytes))
}

func (g *gpu) Launch(kernel string, grid [3]int, block int, args []uint64) error {
	fn, ok := g.fns[kernel]
	if !ok {
		return fmt.Errorf("no kernel named %s", kernel)
	}
	params := make([]unsafe.Pointer, len(args))
	for i := range args {
		params[i] = unsafe.Pointer(&args[i])
	}
	defer g.current()()
	if err := fn.Launch(grid[0], grid[1], grid[2], block, 1, 1, 0, cu.Stream{}, params); err != nil {
		return fmt.Errorf("%s: launching %s: %v", g.name, kernel, err)
	}
	return nil
}

// Blocks fills every multiprocessor several times over.
func (g *gpu) Blocks() int { return 8 * g.sms }

func (g *gpu) Threads() int { return 256 }

// Parallelism: two GEMM blocks per multiprocessor.
func (g *gpu) Parallelism() int { return 2 * g.sms }

// Sync waits for the work issued so far and reports an asynchronous error.
func (g *gpu) Sync() error {
	defer g.current()()
	return cu.Synchronize()
}

// kernelNames lists the kernels the PTX defines.
func kernelNames() []string {
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\.visible \.entry (\w+)\(`).FindAllStringSubmatch(ptx, -1) {
		names = append(names, m[1])
	}
	return names
}
