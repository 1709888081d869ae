package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// directConv64 is the 3×3, stride-1, padding-1 convolution and its
// gradients in float64, straight from the definition: the reference the
// Winograd path is checked against.
func directConv64(x, w, dy []float32, n, c, o, h, wd int) (y, dx, dw []float64) {
	y, dx, dw = make([]float64, n*o*h*wd), make([]float64, n*c*h*wd), make([]float64, o*c*9)
	for img := range n {
		for oc := range o {
			for ch := range c {
				for oy := range h {
					for ox := range wd {
						yi := ((img*o+oc)*h+oy)*wd + ox
						for ky := range 3 {
							for kx := range 3 {
								iy, ix := oy+ky-1, ox+kx-1
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xi := ((img*c+ch)*h+iy)*wd + ix
								wi := (oc*c+ch)*9 + ky*3 + kx
								y[yi] += float64(x[xi]) * float64(w[wi])
								dx[xi] += float64(dy[yi]) * float64(w[wi])
								dw[wi] += float64(dy[yi]) * float64(x[xi])
							}
						}
					}
				}
			}
		}
	}
	return y, dx, dw
}

// maxRelErr is the largest |got - want| over the largest |want|.
func maxRelErr(got []float32, want []float64) float64 {
	var worst, scale float64
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i])-want[i]))
		scale = max(scale, math.Abs(want[i]))
	}
	return worst / scale
}

// TestWinogradAgainstDirect runs the backend's convolution on shapes that
// take the Winograd path (odd and even sizes, planes of one row or column,
// bands that split an image) and checks output, input gradient and weight
// gradient against the float64 definition.
func TestWinogradAgainstDirect(t *testing.T) {
	be := New()
	rng := rand.New(rand.NewPCG(4, 2))
	randn := func(k int) []float32 {
		v := make([]float32, k)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, s := range []struct{ n, c, o, h, w int }{
		{2, 16, 16, 8, 8}, {1, 17, 20, 7, 9}, {3, 16, 24, 1, 5}, {1, 16, 16, 6, 1}, {2, 24, 16, 40, 33}, {1, 32, 48, 3, 600},
	} {
		t.Run(fmt.Sprintf("%dx%dx%dx%d-%d", s.n, s.c, s.h, s.w, s.o), func(t *testing.T) {
			g, _, _, _ := tensor.ConvShapes("test", be.Zeros(s.n, s.o, s.h, s.w), be.Zeros(s.n, s.c, s.h, s.w), be.Zeros(s.o, s.c, 3, 3), 1, 1)
			if !useWinograd(g, s.c, s.o) {
				t.Fatal("the shape does not take the Winograd path")
			}
			x, w, dy := randn(s.n*s.c*s.h*s.w), randn(s.o*s.c*9), randn(s.n*s.o*s.h*s.w)
			y, dx, dw := be.Zeros(s.n, s.o, s.h, s.w), be.Zeros(s.n, s.c, s.h, s.w), be.Zeros(s.o, s.c, 3, 3)
			xt, wt, dyt := be.FromHost(x, s.n, s.c, s.h, s.w), be.FromHost(w, s.o, s.c, 3, 3), be.FromHost(dy, s.n, s.o, s.h, s.w)
			be.Conv2D(y, xt, wt, nil, 1, 1)
			be.Conv2DBackward(dx, dw, nil, dyt, xt, wt, 1, 1)
			wy, wdx, wdw := directConv64(x, w, dy, s.n, s.c, s.o, s.h, s.w)
			for _, r := range []struct {
				name string
				got  []float32
				want []float64
			}{{"output", y.Host(), wy}, {"input gradient", dx.Host(), wdx}, {"weight gradient", dw.Host(), wdw}} {
				if e := maxRelErr(r.got, r.want); e > 2e-6 {
					t.Errorf("%s: relative error %.2g", r.name, e)
				}
			}
		})
	}
}

// BenchmarkConvLayers times the default autoencoder's 3×3 stride-1 layers
// (batch 8, forward and backward) on the Winograd path and reports its
// speed-up over the unfolded GEMM, timed in the same run.
func BenchmarkConvLayers(b *testing.B) {
	be := New()
	for _, l := range []struct {
		name       string
		c, o, h, w int
	}{{"48x48@64x48", 48, 48, 48, 64}, {"64x64@32x24", 64, 64, 24, 32}, {"64x48@64x48", 64, 48, 48, 64}, {"48x24@128x96", 48, 24, 96, 128}, {"24x48@128x96", 24, 48, 96, 128}} {
		b.Run(l.name, func(b *testing.B) {
			const n = 8
			rng := rand.New(rand.NewPCG(1, 1))
			randn := func(s ...int) *tensor.Tensor {
				v := make([]float32, tensor.Shape(s).Numel())
				for i := range v {
					v[i] = float32(rng.NormFloat64())
				}
				return be.FromHost(v, s...)
			}
			x, w, dy := randn(n, l.c, l.h, l.w), randn(l.o, l.c, 3, 3), randn(n, l.o, l.h, l.w)
			y, dx, dw := be.Zeros(n, l.o, l.h, l.w), be.Zeros(n, l.c, l.h, l.w), be.Zeros(l.o, l.c, 3, 3)
			step := func() {
				be.Conv2D(y, x, w, nil, 1, 1)
				be.Conv2DBackward(dx, dw, nil, dy, x, w, 1, 1)
			}
			timeIt := func(on bool, reps int) time.Duration {
				winogradOn = on
				defer func() { winogradOn = true }()
				step()
				t0 := time.Now()
				for range reps {
					step()
				}
				return time.Since(t0) / time.Duration(reps)
			}
			unfolded := timeIt(false, 5)
			for b.Loop() {
				step()
			}
			wino := timeIt(true, 5)
			b.ReportMetric(float64(unfolded)/float64(wino), "x_unfolded")
			b.ReportMetric(3*2*float64(n*l.o*l.c*9*l.h*l.w)/wino.Seconds()/1e9, "GFLOP/s_equiv")
		})
	}
}
