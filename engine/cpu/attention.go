package cpu

import "github.com/ncstudio/ncstudio/engine/tensor"

func (*Backend) Softmax(out, x *tensor.Tensor) {
	tensor.MustSameShape("Softmax", out, x)
	rows, c := tensor.RowsCols(x)
	xd, od := x.Host(), out.Host()
	parallelFor(rows, 8*c, func(lo, hi int) { softmaxRowsK(od[lo*c:hi*c], xd[lo*c:hi*c], c) })
}

func (*Backend) SoftmaxBackward(dx, dy, y *tensor.Tensor) {
	tensor.MustSameShape("SoftmaxBackward", dx, dy, y)
	rows, c := tensor.RowsCols(y)
	dxd, dyd, yd := dx.Host(), dy.Host(), y.Host()
	parallelFor(rows, 4*c, func(lo, hi int) {
		softmaxBackwardRowsK(dxd[lo*c:hi*c], dyd[lo*c:hi*c], yd[lo*c:hi*c], c, 1)
	})
}

func (*Backend) Attention(out, probs, q, k, v, mask *tensor.Tensor, scale float32) {
	const op = "Attention"
	heads, tq, tk, d := tensor.AttentionDims(op, q, k, v, probs, mask)
	tensor.MustSameShape(op, out, q)
	qd, kd, vd, od, pd, md := q.Host(), k.Host(), v.Host(), out.Host(), probs.Host(), optional(mask)
	parallelFor(heads, 1<<20, func(lo, hi int) {
		for h := lo; h < hi; h++ {
			qh, kh, vh := qd[h*tq*d:], kd[h*tk*d:], vd[h*tk*d:]
			ph, oh := pd[h*tq*tk:(h+1)*tq*tk], od[h*tq*d:]
			sgemm(false, true, tq, tk, d, scale, qh, d, kh, d, 0, ph, tk)
			if md != nil {
				for i, m := range md {
					ph[i] += m
				}
			}
			softmaxRowsK(ph, ph, tk)
			sgemm(false, false, tq, d, tk, 1, ph, tk, vh, d, 0, oh, d)
		}
	})
}

func (*Backend) AttentionBackward(dq, dk, dv, dout, q, k, v, probs *tensor.Tensor, scale float32) {
	const op = "AttentionBackward"
	heads, tq, tk, d := tensor.AttentionDims(op, q, k, v, probs, nil)
	tensor.MustSameShape(op, dq, dout, q)
	tensor.MustSameShape(op, dk, dv, k)
	qd, kd, vd, pd := q.Host(), k.Host(), v.Host(), probs.Host()
	dqd, dkd, dvd, dod := dq.Host(), dk.Host(), dv.Host(), dout.Host()
	parallelFor(heads, 1<<20, func(lo, hi int) {
		ds := make([]float32, tq*tk) // dScores of one head
		for h := lo; h < hi; h++ {
			qo, ko := h*tq*d, h*tk*d
			ph := pd[h*tq*tk : (h+1)*tq*tk]
			// dV = Pᵀ dO; dP = dO Vᵀ; dS = scale * P∘(dP - rowsum(dP∘P)); dQ = dS K; dK = dSᵀ Q.
			sgemm(true, false, tk, d, tq, 1, ph, tk, dod[qo:], d, 0, dvd[ko:], d)
			sgemm(false, true, tq, tk, d, 1, dod[qo:], d, vd[ko:], d, 0, ds, tk)
			softmaxBackwardRowsK(ds, ds, ph, tk, scale)
			sgemm(false, false, tq, d, tk, 1, ds, tk, kd[ko:], d, 0, dqd[qo:], d)
			sgemm(true, false, tk, d, tq, 1, ds, tk, qd[qo:], d, 0, dkd[ko:], d)
		}
	})
}

func (*Backend) Permute0213(out, x *tensor.Tensor) {
	a, b, c, d := tensor.Permute0213Dims("Permute0213", out, x)
	xd, od := x.Host(), out.Host()
	parallelFor(a*b, 2*c*d, func(lo, hi int) {
		for ab := lo; ab < hi; ab++ {
			i, j := ab/b, ab%b
			for k := 0; k < c; k++ {
				src := xd[((i*b+j)*c+k)*d:][:d]
				copy(od[((i*c+k)*b+j)*d:][:d], src)
			}
		}
	})
}
