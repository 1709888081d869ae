package cpu

import (
	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (*Backend) Embedding(out, table *tensor.Tensor, ids []int32) {
	_, d := tensor.EmbeddingDims("Embedding", table, out, ids)
	td, od := table.Host(), out.Host()
	parallelFor(len(ids), 2*d, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(od[i*d:(i+1)*d], td[int(ids[i])*d:])
		}
	})
}

func (*Backend) EmbeddingBackward(dtable, dout *tensor.Tensor, ids []int32) {
	_, d := tensor.EmbeddingDims("EmbeddingBackward", dtable, dout, ids)
	tg, dg := dtable.Host(), dout.Host()
	// Repeated ids add into the same row, so split the columns, not the ids.
	parallelFor(d, 2*len(ids), func(lo, hi int) {
		for i, id := range ids {
			dst, src := tg[int(id)*d:], dg[i*d:]
			for j := lo; j < hi; j++ {
				dst[j] += src[j]
			}
		}
	})
}
