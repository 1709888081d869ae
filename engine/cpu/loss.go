package cpu

import (
	"math"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (*Backend) MSELoss(grad, pred, target, weight *tensor.Tensor) float32 {
	return weightedLoss("MSELoss", grad, pred, target, weight, func(d float32) (float32, float32) {
		return d * d, 2 * d
	})
}

func (*Backend) L1Loss(grad, pred, target, weight *tensor.Tensor) float32 {
	return weightedLoss("L1Loss", grad, pred, target, weight, func(d float32) (float32, float32) {
		switch {
		case d > 0:
			return d, 1
		case d < 0:
			return -d, -1
		}
		return 0, 0 // PyTorch's subgradient of |d| at 0
	})
}

// weightedLoss returns mean(w * f(pred-target)) and writes grad = w*f'(d)/n.
// f returns the value and the derivative at d.
func weightedLoss(op string, grad, pred, target, weight *tensor.Tensor, f func(d float32) (float32, float32)) float32 {
	tensor.MustSameShape(op, grad, pred, target)
	gd, pd, td := grad.Host(), pred.Host(), target.Host()
	n := len(pd)
	if n == 0 {
		return 0
	}
	var ws tensor.Shape
	var wd []float32
	if weight != nil {
		ws, wd = weight.Shape, weight.Host()
	}
	p := tensor.NewBroadcast(op, pred.Shape, ws, nil)
	inv := 1 / float32(n)
	sum := parallelReduce(n, 4, 1, func(lo, hi int, acc []float64) {
		var s float64
		walk(p, lo, hi, func(o, iw, _, m, sw, _ int) {
			for i := o; i < o+m; i++ {
				v, dv := f(pd[i] - td[i])
				if wd != nil {
					w := wd[iw+(i-o)*sw]
					v, dv = v*w, dv*w
				}
				s += float64(v)
				gd[i] = dv * inv
			}
		})
		acc[0] = s
	})[0]
	return float32(sum / float64(n))
}

func (*Backend) AdamW(p, g, m, v *tensor.Tensor, h tensor.AdamWParams) {
	tensor.MustSameShape("AdamW", p, g, m, v)
	pd, gd, md, vd := p.Host(), g.Host(), m.Host(), v.Host()
	stepSize, invSqrtBc2, decay, gs := h.Coefficients()
	parallelFor(len(pd), 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := gd[i] * gs
			md[i] = h.Beta1*md[i] + (1-h.Beta1)*gi
			vd[i] = h.Beta2*vd[i] + (1-h.Beta2)*gi*gi
			denom := float32(math.Sqrt(float64(vd[i])))*invSqrtBc2 + h.Eps
			pd[i] = pd[i]*decay - stepSize*md[i]/denom
		}
	})
}
