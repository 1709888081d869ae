package cpu

import (
	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (*Backend) Upsample2x(out, x *tensor.Tensor) {
	nc, h, w := tensor.Planes2x("Upsample2x", x, out)
	spreadBlocks(out.Host(), x.Host(), nc, h, w, 1)
}

func (*Backend) Upsample2xBackward(dx, dy *tensor.Tensor) {
	nc, h, w := tensor.Planes2x("Upsample2xBackward", dx, dy)
	sumBlocks(dx.Host(), dy.Host(), nc, h, w, 1)
}

func (*Backend) AvgPool2x(out, x *tensor.Tensor) {
	nc, h, w := tensor.Planes2x("AvgPool2x", out, x)
	sumBlocks(out.Host(), x.Host(), nc, h, w, 0.25)
}

// sumBlocks writes small[p,y,x] = scale * (sum of the 2×2 block of big at
// (2y, 2x)): average pooling, and the backward of nearest upsampling.
func sumBlocks(small, big []float32, nc, h, w int, scale float32) {
	parallelFor(nc, 5*h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			s, b := small[p*h*w:], big[p*4*h*w:]
			for y := 0; y < h; y++ {
				r0, r1 := b[2*y*2*w:], b[(2*y+1)*2*w:]
				for x := 0; x < w; x++ {
					s[y*w+x] = scale * (r0[2*x] + r0[2*x+1] + r1[2*x] + r1[2*x+1])
				}
			}
		}
	})
}

func (*Backend) AvgPool2xBackward(dx, dy *tensor.Tensor) {
	nc, h, w := tensor.Planes2x("AvgPool2xBackward", dy, dx)
	spreadBlocks(dx.Host(), dy.Host(), nc, h, w, 0.25)
}

// spreadBlocks fills each 2×2 block of big at (2y, 2x) with scale *
// small[p,y,x]: nearest upsampling, and the backward of average pooling.
func spreadBlocks(big, small []float32, nc, h, w int, scale float32) {
	parallelFor(nc, 5*h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			s, b := small[p*h*w:], big[p*4*h*w:]
			for y := 0; y < h; y++ {
				r0, r1 := b[2*y*2*w:(2*y+1)*2*w], b[(2*y+1)*2*w:(2*y+2)*2*w]
				for x, v := range s[y*w : (y+1)*w] {
					v *= scale
					r0[2*x], r0[2*x+1] = v, v
				}
				copy(r1, r0)
			}
		}
	})
}
