package cpu

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// embedDims checks shapes and ids, returning the vocabulary and row sizes.
func embedDims(op string, table, rows *tensor.Tensor, ids []int32) (v, d int) {
	if len(table.Shape) != 2 {
		panic(fmt.Sprintf("%s: table %v must be [V, D]", op, table.Shape))
	}
	v, d = table.Dim(0), table.Dim(1)
	mustShape(op, "rows", rows, len(ids), d)
	for i, id := range ids {
		if id < 0 || int(id) >= v {
			panic(fmt.Sprintf("%s: id %d at %d is outside the table of %d rows", op, id, i, v))
		}
	}
	return v, d
}

func (*Backend) Embedding(out, table *tensor.Tensor, ids []int32) {
	_, d := embedDims("Embedding", table, out, ids)
	td, od := table.Host(), out.Host()
	parallelFor(len(ids), 2*d, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(od[i*d:(i+1)*d], td[int(ids[i])*d:])
		}
	})
}

func (*Backend) EmbeddingBackward(dtable, dout *tensor.Tensor, ids []int32) {
	_, d := embedDims("EmbeddingBackward", dtable, dout, ids)
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
