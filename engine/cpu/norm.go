package cpu

import (
	"fmt"
	"math"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// optional returns t's elements, or nil for a nil tensor.
func optional(t *tensor.Tensor) []float32 {
	if t == nil {
		return nil
	}
	return t.Host()
}

func (*Backend) LayerNorm(out, mean, rstd, x, w, b *tensor.Tensor, eps float32) {
	const op = "LayerNorm"
	tensor.MustSameShape(op, out, x)
	rows, c := tensor.RowsCols(x)
	tensor.MustShape(op, "mean", mean, rows)
	tensor.MustShape(op, "rstd", rstd, rows)
	xd, od, md, rd, wd, bd := x.Host(), out.Host(), mean.Host(), rstd.Host(), optional(w), optional(b)
	parallelFor(rows, 4*c, func(lo, hi int) {
		layerNormRowsK(od[lo*c:hi*c], md[lo:hi], rd[lo:hi], xd[lo*c:hi*c], wd, bd, c, eps)
	})
}

// affine writes out = (x-mean)*rstd*w + b, with w and b optional and indexed
// like x.
func affine(out, x []float32, mean, rstd float32, w, b []float32) {
	for i, v := range x {
		y := (v - mean) * rstd
		if w != nil {
			y *= w[i]
		}
		if b != nil {
			y += b[i]
		}
		out[i] = y
	}
}

func (*Backend) LayerNormBackward(dx, dw, db, dy, x, mean, rstd, w *tensor.Tensor) {
	const op = "LayerNormBackward"
	tensor.MustSameShape(op, dx, dy, x)
	rows, c := tensor.RowsCols(x)
	xd, dyd, dxd, md, rd, wd := x.Host(), dy.Host(), dx.Host(), mean.Host(), rstd.Host(), optional(w)
	// Accumulators: dw in [0,c), db in [c,2c).
	sums := parallelReduce(rows, 6*c, 2*c, func(lo, hi int, acc []float64) {
		part := make([]float32, 2*c)
		layerNormBackwardRowsK(dxd[lo*c:hi*c], part[:c], part[c:], dyd[lo*c:hi*c], xd[lo*c:hi*c], md[lo:hi], rd[lo:hi], wd, c)
		for i, v := range part {
			acc[i] = float64(v)
		}
	})
	accumulate(dw, sums[:c])
	accumulate(db, sums[c:])
}

// accumulate adds sums into a parameter gradient; a nil gradient is skipped.
func accumulate(grad *tensor.Tensor, sums []float64) {
	if grad == nil {
		return
	}
	g := grad.Host()
	if len(g) != len(sums) {
		panic(fmt.Sprintf("gradient has %d elements, want %d", len(g), len(sums)))
	}
	for i, s := range sums {
		g[i] += float32(s)
	}
}

func (*Backend) RMSNorm(out, rstd, x, w *tensor.Tensor, eps float32) {
	const op = "RMSNorm"
	tensor.MustSameShape(op, out, x)
	rows, c := tensor.RowsCols(x)
	tensor.MustShape(op, "rstd", rstd, rows)
	xd, od, rd, wd := x.Host(), out.Host(), rstd.Host(), optional(w)
	parallelFor(rows, 3*c, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := xd[r*c : (r+1)*c]
			var ss float64
			for _, v := range row {
				ss += float64(v) * float64(v)
			}
			rs := float32(1 / math.Sqrt(ss/float64(c)+float64(eps)))
			rd[r] = rs
			affine(od[r*c:(r+1)*c], row, 0, rs, wd, nil)
		}
	})
}

func (*Backend) RMSNormBackward(dx, dw, dy, x, rstd, w *tensor.Tensor) {
	const op = "RMSNormBackward"
	tensor.MustSameShape(op, dx, dy, x)
	rows, c := tensor.RowsCols(x)
	xd, dyd, dxd, rd, wd := x.Host(), dy.Host(), dx.Host(), rstd.Host(), optional(w)
	sums := parallelReduce(rows, 5*c, c, func(lo, hi int, acc []float64) {
		for r := lo; r < hi; r++ {
			o := r * c
			xs, dys, dxs, rs := xd[o:o+c], dyd[o:o+c], dxd[o:o+c], rd[r]
			// dx = rstd*(g - xhat*mean(g*xhat)), g = dy*w, xhat = x*rstd.
			var sgx float64
			for i, v := range xs {
				xhat := v * rs
				g := dys[i]
				if wd != nil {
					g *= wd[i]
				}
				sgx += float64(g * xhat)
				acc[i] += float64(dys[i] * xhat)
			}
			mgx := float32(sgx / float64(c))
			for i, v := range xs {
				g := dys[i]
				if wd != nil {
					g *= wd[i]
				}
				dxs[i] = rs * (g - v*rs*mgx)
			}
		}
	})
	accumulate(dw, sums)
}

func (*Backend) GroupNorm(out, mean, rstd, x, w, b *tensor.Tensor, groups int, eps float32) {
	const op = "GroupNorm"
	tensor.MustSameShape(op, out, x)
	n, _, hw, cpg := tensor.GroupDims(op, x, groups)
	tensor.MustShape(op, "mean", mean, n, groups)
	tensor.MustShape(op, "rstd", rstd, n, groups)
	xd, od, md, rd, wd, bd := x.Host(), out.Host(), mean.Host(), rstd.Host(), optional(w), optional(b)
	size := cpg * hw
	parallelFor(n*groups, 4*size, func(lo, hi int) {
		for ng := lo; ng < hi; ng++ {
			o := ng * size
			mu, variance := momentsK(xd[o : o+size])
			rs := 1 / math.Sqrt(variance+float64(eps))
			md[ng], rd[ng] = float32(mu), float32(rs)
			c0 := (ng % groups) * cpg
			for ch := 0; ch < cpg; ch++ {
				// y = x*scale + shift with scale = rstd*w, shift = b - mean*scale.
				scale := float32(rs)
				if wd != nil {
					scale *= wd[c0+ch]
				}
				shift := -float32(mu) * scale
				if bd != nil {
					shift += bd[c0+ch]
				}
				p := o + ch*hw
				affine3K(od[p:p+hw], xd[p:p+hw], nil, scale, 0, shift)
			}
		}
	})
}

func (*Backend) GroupNormBackward(dx, dw, db, dy, x, mean, rstd, w *tensor.Tensor, groups int) {
	const op = "GroupNormBackward"
	tensor.MustSameShape(op, dx, dy, x)
	n, c, hw, cpg := tensor.GroupDims(op, x, groups)
	xd, dyd, dxd, md, rd, wd := x.Host(), dy.Host(), dx.Host(), mean.Host(), rstd.Host(), optional(w)
	size := cpg * hw
	// Accumulators: dw in [0,c), db in [c,2c).
	sums := parallelReduce(n*groups, 6*size, 2*c, func(lo, hi int, acc []float64) {
		for ng := lo; ng < hi; ng++ {
			o := ng * size
			c0 := (ng % groups) * cpg
			mu, rs := md[ng], rd[ng]
			// Per channel: Σdy and Σdy·xhat give db and dw, and, scaled by
			// w, the group means in dx = rstd*(w·dy - mean(w·dy) - xhat*mean(w·dy·xhat)).
			var sg, sgx float64
			for ch := 0; ch < cpg; ch++ {
				p := o + ch*hw
				sdy, sdyx := sumsK(dyd[p:p+hw], xd[p:p+hw], mu)
				sdyx *= float64(rs)
				acc[c0+ch] += sdyx
				acc[c+c0+ch] += sdy
				wc := 1.0
				if wd != nil {
					wc = float64(wd[c0+ch])
				}
				sg += wc * sdy
				sgx += wc * sdyx
			}
			mg, mgx := float32(sg/float64(size)), float32(sgx/float64(size))
			for ch := 0; ch < cpg; ch++ {
				wc := float32(1)
				if wd != nil {
					wc = wd[c0+ch]
				}
				// dx = rstd*(w·dy - mg - (x-mean)*rstd*mgx), as a·dy + b·x + c.
				p := o + ch*hw
				b := -rs * rs * mgx
				affine3K(dxd[p:p+hw], dyd[p:p+hw], xd[p:p+hw], rs*wc, b, -rs*mg-b*mu)
			}
		}
	})
	accumulate(dw, sums[:c])
	accumulate(db, sums[c:])
}
