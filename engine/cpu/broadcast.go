package cpu

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// bcast walks a broadcast: the elements of an output shape together with the
// matching element offsets of up to two inputs whose shapes broadcast to it.
// Dimensions that need no separate index are merged so that the inner loop
// runs as long as possible.
type bcast struct {
	dims   []int
	sa, sb []int // element strides of each input per output dimension (0 = broadcast)
}

func newBcast(op string, out, a, b tensor.Shape) bcast {
	n := len(out)
	sa, sb := inputStrides(op, out, a), inputStrides(op, out, b)
	var p bcast
	for i := 0; i < n; i++ {
		if out[i] == 1 {
			continue
		}
		last := len(p.dims) - 1
		// Merge with the previous dimension when both inputs step contiguously across the seam.
		if last >= 0 && p.sa[last] == sa[i]*out[i] && p.sb[last] == sb[i]*out[i] {
			p.dims[last] *= out[i]
			p.sa[last], p.sb[last] = sa[i], sb[i]
			continue
		}
		p.dims = append(p.dims, out[i])
		p.sa = append(p.sa, sa[i])
		p.sb = append(p.sb, sb[i])
	}
	if len(p.dims) == 0 {
		p.dims, p.sa, p.sb = []int{1}, []int{0}, []int{0}
	}
	return p
}

// inputStrides gives in's element strides over out's dimensions, 0 where in
// is broadcast; nil in (an absent input) gives all zeros.
func inputStrides(op string, out, in tensor.Shape) []int {
	s := make([]int, len(out))
	if in == nil {
		return s
	}
	if len(in) > len(out) {
		panic(fmt.Sprintf("%s: shape %v does not broadcast to %v", op, in, out))
	}
	stride := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - (len(out) - len(in))
		if j < 0 {
			break
		}
		switch in[j] {
		case out[i]:
			s[i] = stride
		case 1:
			s[i] = 0
		default:
			panic(fmt.Sprintf("%s: shape %v does not broadcast to %v", op, in, out))
		}
		stride *= in[j]
	}
	return s
}

// run calls inner for each maximal run of consecutive output elements in
// [lo, hi): output offset o, input offsets ia and ib, run length n and the
// inputs' strides along the run.
func (p bcast) run(lo, hi int, inner func(o, ia, ib, n, sa, sb int)) {
	nd := len(p.dims)
	idx := make([]int, nd)
	rem := lo
	ia, ib := 0, 0
	for d := nd - 1; d >= 0; d-- {
		idx[d] = rem % p.dims[d]
		rem /= p.dims[d]
		ia += idx[d] * p.sa[d]
		ib += idx[d] * p.sb[d]
	}
	last := nd - 1
	for o := lo; o < hi; {
		n := min(p.dims[last]-idx[last], hi-o)
		inner(o, ia, ib, n, p.sa[last], p.sb[last])
		o += n
		ia += n * p.sa[last]
		ib += n * p.sb[last]
		idx[last] += n
		// Carry into outer dimensions.
		for d := last; d > 0 && idx[d] == p.dims[d]; d-- {
			ia -= idx[d] * p.sa[d]
			ib -= idx[d] * p.sb[d]
			idx[d] = 0
			idx[d-1]++
			ia += p.sa[d-1]
			ib += p.sb[d-1]
		}
	}
}

// broadcastOut checks that out has the broadcast shape of a and b.
func broadcastOut(op string, out, a, b *tensor.Tensor) {
	want, err := tensor.BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", op, err))
	}
	if !want.Equal(out.Shape) {
		panic(fmt.Sprintf("%s: out has shape %v, want %v", op, out.Shape, want))
	}
}
