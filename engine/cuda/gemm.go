package cuda

import "github.com/ncstudio/ncstudio/engine/tensor"

// Tile sizes of gemm_tf32 (GEMM_BM, GEMM_BN, GEMM_THREADS in kernels/gemm.cu).
const (
	gemmTileM   = 64
	gemmTileN   = 64
	gemmThreads = 128
	// maxGridZ is CUDA's limit on gridDim.z; longer batches go in chunks.
	maxGridZ = 65535
)

// precision is how a product rounds its inputs for the tensor cores.
type precision int

const (
	tf32    precision = iota
	precise           // 3xTF32
	bf16
)

func (be *Backend) MatMul(c, a, b *tensor.Tensor, transA, transB bool, alpha, beta float32) {
	p := tf32
	switch {
	case be.opts.Precise:
		p = precise
	case be.opts.BF16:
		p = bf16
	}
	be.matmul(c, a, b, transA, transB, alpha, beta, p)
}

// matmul is MatMul with the precision chosen by the caller: attention's
// score products are always precise, because the softmax turns their
// rounding into relative errors of the probabilities.
func (be *Backend) matmul(c, a, b *tensor.Tensor, transA, transB bool, alpha, beta float32, p precision) {
	g := tensor.MatMulShapes(c, a, b, transA, transB)
	if g.M == 0 || g.N == 0 || g.Batch == 0 {
		return
	}
	stride := func(batch, size int) int {
		if batch == 1 {
			return 0 // shared by every item
		}
		return size
	}
	k := gemmCall{be: be, g: g, p: p, transA: transA, transB: transB,
		sa: stride(g.BatchA, g.RowsA*g.ColsA), sb: stride(g.BatchB, g.RowsB*g.ColsB),
		tiles: [2]int{(g.N + gemmTileN - 1) / gemmTileN, (g.M + gemmTileM - 1) / gemmTileM}}
	pa, pb, pc := be.ptr(a), be.ptr(b), be.ptr(c)
	switch {
	case g.BatchC > 1 || g.Batch == 1:
		k.items(pa, pb, pc, stride(g.BatchC, g.M*g.N), alpha, beta)
	case k.tiles[0]*k.tiles[1] >= be.dev.Parallelism():
		// c is the sum over the batch; enough tiles: each loops over the items.
		k.launch(pa, pb, pc, 1, 0, alpha, beta, g.Batch)
	default:
		// The sum over the batch into few tiles (a weight gradient): a block
		// per tile and item into a temporary, then one reduction, rather
		// than a few blocks looping over every item.
		part := be.empty(g.Batch, g.M, g.N)
		defer be.Free(part)
		k.items(pa, pb, be.ptr(part), g.M*g.N, alpha, 0)
		be.SumTo(c.Reshape(g.M, g.N), part, beta)
	}
}

// gemmCall is one MatMul's launches.
type gemmCall struct {
	be             *Backend
	g              tensor.GEMM
	p              precision
	transA, transB bool
	sa, sb         int // item strides of a and b (0: shared)
	tiles          [2]int
}

// items computes every item z into c + z·sc, in chunks of the grid's
// z limit.
func (k gemmCall) items(pa, pb, pc uintptr, sc int, alpha, beta float32) {
	for z := 0; z < k.g.Batch; z += maxGridZ {
		off := func(p uintptr, s int) uintptr { return p + uintptr(4*z*s) }
		k.launch(off(pa, k.sa), off(pb, k.sb), off(pc, sc), min(maxGridZ, k.g.Batch-z), sc, alpha, beta, 0)
	}
}

// launch runs the kernel on items grid layers (sum > 0: one layer summing
// that many items).
func (k gemmCall) launch(pa, pb, pc uintptr, items, sc int, alpha, beta float32, sum int) {
	g := k.g
	grid := [3]int{k.tiles[0], k.tiles[1], items}
	args := []any{pc, pa, pb, g.M, g.N, g.K, g.ColsA, g.ColsB, g.N, k.sa, k.sb, sc, k.transA, k.transB, alpha, beta, sum}
	if k.p == bf16 {
		k.be.launchGrid("gemm_bf16", grid, gemmThreads, args...)
	} else {
		k.be.launchGrid("gemm_tf32", grid, gemmThreads, append(args, k.p == precise)...)
	}
}
