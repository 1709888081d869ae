package cpu

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (*Backend) Add(out, a, b *tensor.Tensor) { binary("Add", out, a, b, false) }

func (*Backend) Mul(out, a, b *tensor.Tensor) { binary("Mul", out, a, b, true) }

// binary computes out = a+b, or a*b when mul is set, with broadcasting. The
// loops are spelled out per case: a function value per element would cost
// more than the arithmetic.
func binary(op string, out, a, b *tensor.Tensor, mul bool) {
	tensor.MustBroadcastOut(op, out, a, b)
	od, ad, bd := out.Host(), a.Host(), b.Host()
	p := tensor.NewBroadcast(op, out.Shape, a.Shape, b.Shape)
	parallelFor(len(od), 3, func(lo, hi int) {
		walk(p, lo, hi, func(o, ia, ib, n, sa, sb int) {
			dst := od[o : o+n]
			switch {
			case sa == 1 && sb == 1:
				x, y := ad[ia:ia+n], bd[ib:ib+n]
				if mul {
					for i := range dst {
						dst[i] = x[i] * y[i]
					}
				} else {
					for i := range dst {
						dst[i] = x[i] + y[i]
					}
				}
			case sa == 1 && sb == 0:
				x, y := ad[ia:ia+n], bd[ib]
				if mul {
					for i := range dst {
						dst[i] = x[i] * y
					}
				} else {
					for i := range dst {
						dst[i] = x[i] + y
					}
				}
			default:
				for i := range dst {
					x, y := ad[ia+i*sa], bd[ib+i*sb]
					if mul {
						dst[i] = x * y
					} else {
						dst[i] = x + y
					}
				}
			}
		})
	})
}

func (*Backend) SumTo(dst, src *tensor.Tensor, beta float32) {
	const op = "SumTo"
	dd, sd := dst.Host(), src.Host()
	if dst.Shape.Equal(src.Shape) {
		parallelFor(len(dd), 2, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dd[i] = beta*dd[i] + sd[i]
			}
		})
		return
	}
	p := tensor.NewBroadcast(op, src.Shape, dst.Shape, nil)
	sums := parallelReduce(len(sd), 1, len(dd), func(lo, hi int, acc []float64) {
		walk(p, lo, hi, func(o, id, _, n, sdst, _ int) {
			if sdst == 0 {
				acc[id] += sumK(sd[o : o+n])
				return
			}
			if sdst == 1 {
				accumulateK(acc[id:id+n], sd[o:o+n])
				return
			}
			for i, v := range sd[o : o+n] {
				acc[id+i*sdst] += float64(v)
			}
		})
	})
	for i := range dd {
		dd[i] = beta*dd[i] + float32(sums[i])
	}
}

func (*Backend) Scale(t *tensor.Tensor, s float32) {
	d := t.Host()
	parallelFor(len(d), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d[i] *= s
		}
	})
}

func (*Backend) Axpy(dst *tensor.Tensor, alpha float32, src *tensor.Tensor) {
	if dst.Numel() != src.Numel() {
		panic(fmt.Sprintf("Axpy: %v into %v", src.Shape, dst.Shape))
	}
	d, s := dst.Host(), src.Host()
	parallelFor(len(d), 2, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d[i] += alpha * s[i]
		}
	})
}

func (*Backend) SumSquares(t *tensor.Tensor) float64 {
	d := t.Host()
	return parallelReduce(len(d), 1, 1, func(lo, hi int, acc []float64) {
		var s float64
		for _, v := range d[lo:hi] {
			s += float64(v) * float64(v)
		}
		acc[0] = s
	})[0]
}

// elementwise runs a kernel over [0, n) in chunks split across the workers.
func elementwise(n int, kernel func(lo, hi int)) { parallelFor(n, 16, kernel) }

func (*Backend) SiLU(out, x *tensor.Tensor) {
	tensor.MustSameShape("SiLU", out, x)
	od, xd := out.Host(), x.Host()
	elementwise(len(od), func(lo, hi int) { siluK(od[lo:hi], xd[lo:hi]) })
}

func (*Backend) SiLUBackward(dx, dy, x *tensor.Tensor) {
	tensor.MustSameShape("SiLUBackward", dx, dy, x)
	dxd, dyd, xd := dx.Host(), dy.Host(), x.Host()
	elementwise(len(dxd), func(lo, hi int) { siluBackwardK(dxd[lo:hi], dyd[lo:hi], xd[lo:hi]) })
}

// GELU is the exact form x·Φ(x), as PyTorch's default.
func (*Backend) GELU(out, x *tensor.Tensor) {
	tensor.MustSameShape("GELU", out, x)
	od, xd := out.Host(), x.Host()
	elementwise(len(od), func(lo, hi int) { geluK(od[lo:hi], xd[lo:hi]) })
}

func (*Backend) GELUBackward(dx, dy, x *tensor.Tensor) {
	tensor.MustSameShape("GELUBackward", dx, dy, x)
	dxd, dyd, xd := dx.Host(), dy.Host(), x.Host()
	elementwise(len(dxd), func(lo, hi int) { geluBackwardK(dxd[lo:hi], dyd[lo:hi], xd[lo:hi]) })
}
