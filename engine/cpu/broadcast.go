package cpu

import "github.com/ncstudio/ncstudio/engine/tensor"

// walk calls inner for each maximal run of consecutive output elements in
// [lo, hi): output offset o, input offsets ia and ib, run length n and the
// inputs' strides along the run.
func walk(p tensor.Broadcast, lo, hi int, inner func(o, ia, ib, n, sa, sb int)) {
	nd := len(p.Dims)
	idx := make([]int, nd)
	rem := lo
	ia, ib := 0, 0
	for d := nd - 1; d >= 0; d-- {
		idx[d] = rem % p.Dims[d]
		rem /= p.Dims[d]
		ia += idx[d] * p.SA[d]
		ib += idx[d] * p.SB[d]
	}
	last := nd - 1
	for o := lo; o < hi; {
		n := min(p.Dims[last]-idx[last], hi-o)
		inner(o, ia, ib, n, p.SA[last], p.SB[last])
		o += n
		ia += n * p.SA[last]
		ib += n * p.SB[last]
		idx[last] += n
		// Carry into outer dimensions.
		for d := last; d > 0 && idx[d] == p.Dims[d]; d-- {
			ia -= idx[d] * p.SA[d]
			ib -= idx[d] * p.SB[d]
			idx[d] = 0
			idx[d-1]++
			ia += p.SA[d-1]
			ib += p.SB[d-1]
		}
	}
}
