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
	sa, sb, sc := stride(g.BatchA, g.RowsA*g.ColsA), stride(g.BatchB, g.RowsB*g.ColsB), stride(g.BatchC, g.M*g.N)
	pa, pb, pc := be.ptr(a), be.ptr(b), be.ptr(c)
	tiles := [2]int{(g.N + gemmTileN - 1) / gemmTileN, (g.M + gemmTileM - 1) / gemmTileM}
	launch := func(pa, pb, pc uintptr, items, sum int) {
		grid := [3]int{tiles[0], tiles[1], items}
		args := []any{pc, pa, pb, g.M, g.N, g.K, g.ColsA, g.ColsB, g.N, sa, sb, sc, transA, transB, alpha, beta, sum}
		if p == bf16 {
			be.launchGrid("gemm_bf16", grid, gemmThreads, args...)
		} else {
			be.launchGrid("gemm_tf32", grid, gemmThreads, append(args, p == precise)...)
		}
	}
	if g.BatchC == 1 && g.Batch > 1 {
		launch(pa, pb, pc, 1, g.Batch) // c receives the sum over the batch
		return
	}
	for z := 0; z < g.Batch; z += maxGridZ {
		n := min(maxGridZ, g.Batch-z)
		off := func(p uintptr, s int) uintptr { return p + uintptr(4*z*s) }
		launch(off(pa, sa), off(pb, sb), off(pc, sc), n, 0)
	}
}
