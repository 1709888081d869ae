package cpu

/*
#cgo CFLAGS: -O3
#include "winograd.h"
*/
import "C"

import (
	"sync"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// 3×3 convolutions with stride 1 and padding 1 between layers of many
// channels (most of an autoencoder's work) use Winograd's minimal filtering
// F(2×2, 3×3): each 2×2 block of outputs comes from a 4×4 block of input
// through 16 elementwise products in a transformed space instead of 36
// multiply-adds, so the GEMMs do 2.25 times less work. With the transforms
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// summed over input channels, the products of all tiles at one of the 16
// positions form one GEMM: [out channels × in channels] · [in channels ×
// tiles]. The input gradient is the same convolution of the output gradient
// with the kernels turned 180° and transposed; the weight gradient is
// Gᵀ [ Σ (A dY Aᵀ) ⊙ (Bᵀ d B) ] G, 16 more GEMMs. The transforms' matrices
// hold only 0, ±1 and ±½, so the results differ from direct convolution by
// rounding alone (checked against the unfolded GEMM in winograd_test.go).

// winoMinChannels is the least number of input and output channels for
// which the 16 small GEMMs beat one unfolded GEMM (timed in
// BenchmarkConvLayers).
const winoMinChannels = 16

// winoTileTarget is about how many tiles one band holds: the transformed
// input and products of a band stay in the core's cache between the
// transforms and the GEMMs.
const winoTileTarget = 128

// winogradOn can turn the Winograd path off (benchmarks compare the two).
var winogradOn = true

// useWinograd reports whether a convolution runs as Winograd F(2×2, 3×3).
func useWinograd(g tensor.ConvGeom, c, o int) bool {
	return winogradOn && g.K == 3 && g.Stride == 1 && g.Pad == 1 && c >= winoMinChannels && o >= winoMinChannels
}

// winoGrid is the tiling of an h×w plane: tiles per row, tile rows, and
// tile rows per band.
type winoGrid struct{ tx, ty, band, bands int }

func newWinoGrid(h, w int) winoGrid {
	g := winoGrid{tx: (w + 1) / 2, ty: (h + 1) / 2}
	g.band = max(1, min(g.ty, winoTileTarget/g.tx))
	g.bands = (g.ty + g.band - 1) / g.band
	return g
}

// rows returns the tile rows of band b.
func (g winoGrid) rows(b int) (ty0, ty1 int) {
	ty0 = b * g.band
	return ty0, min(ty0+g.band, g.ty)
}

// winoWeights transforms kernels w [o][c][3][3] into G g Gᵀ laid out
// [16][o][c]; with flip, the kernels turned 180° into [16][c][o] (the input
// gradient's convolution).
func winoWeights(w []float32, o, c int, flip bool) []float32 {
	u := make([]float32, 16*o*c)
	rows, cols := o, c
	if flip {
		rows, cols = c, o
	}
	var k [3][3]float32
	var t [4][3]float32
	for oc := range o {
		for ch := range c {
			g := w[(oc*c+ch)*9:]
			for i := range 3 {
				for j := range 3 {
					if flip {
						k[i][j] = g[(2-i)*3+2-j]
					} else {
						k[i][j] = g[i*3+j]
					}
				}
			}
			for j := range 3 { // G k
				t[0][j], t[3][j] = k[0][j], k[2][j]
				t[1][j] = (k[0][j] + k[1][j] + k[2][j]) / 2
				t[2][j] = (k[0][j] - k[1][j] + k[2][j]) / 2
			}
			row, col := oc, ch
			if flip {
				row, col = ch, oc
			}
			at := func(i, j int) *float32 { return &u[((4*i+j)*rows+row)*cols+col] }
			for i := range 4 { // (G k) Gᵀ
				*at(i, 0), *at(i, 3) = t[i][0], t[i][2]
				*at(i, 1) = (t[i][0] + t[i][1] + t[i][2]) / 2
				*at(i, 2) = (t[i][0] - t[i][1] + t[i][2]) / 2
			}
		}
	}
	return u
}

// winoWeightGrad adds Gᵀ du G, du laid out [16][o][c], to dw [o][c][3][3].
func winoWeightGrad(dw, du []float32, o, c int) {
	var d [4][4]float32
	var t [3][4]float32
	for oc := range o {
		for ch := range c {
			for xi := range 16 {
				d[xi/4][xi%4] = du[(xi*o+oc)*c+ch]
			}
			for j := range 4 { // Gᵀ d
				t[0][j] = d[0][j] + (d[1][j]+d[2][j])/2
				t[1][j] = (d[1][j] - d[2][j]) / 2
				t[2][j] = (d[1][j]+d[2][j])/2 + d[3][j]
			}
			g := dw[(oc*c+ch)*9:]
			for i := range 3 { // (Gᵀ d) G
				g[i*3] += t[i][0] + (t[i][1]+t[i][2])/2
				g[i*3+1] += (t[i][1] - t[i][2]) / 2
				g[i*3+2] += (t[i][1]+t[i][2])/2 + t[i][3]
			}
		}
	}
}

// winoConv is the stride-1, padding-1 3×3 convolution of n images in
// [n][cin][h][w] into out [n][cout][h][w], with kernels transformed by
// winoWeights into u [16][cout][cin]. No bias.
func winoConv(out, in []float32, n, cin, cout, h, w int, u []float32) {
	g := newWinoGrid(h, w)
	parallelFor(n*g.bands, 1<<30, func(lo, hi int) {
		v, m := scratch(16*cin*g.band*g.tx), scratch(16*cout*g.band*g.tx)
		defer release(v)
		defer release(m)
		for unit := lo; unit < hi; unit++ {
			img := unit / g.bands
			ty0, ty1 := g.rows(unit % g.bands)
			tiles := (ty1 - ty0) * g.tx
			winoInputK(v, in[img*cin*h*w:], cin, h, w, ty0, ty1, g.tx)
			for xi := range 16 {
				sgemm(false, false, cout, tiles, cin, 1, u[xi*cout*cin:], cin, v[xi*cin*tiles:], tiles, 0, m[xi*cout*tiles:], tiles)
			}
			winoOutputK(out[img*cout*h*w:], m, cout, h, w, ty0, ty1, g.tx)
		}
	})
}

// winoConvWeightGrad adds the weight gradient of the stride-1, padding-1
// 3×3 convolution of x [n][c][h][w] given the output gradient dy
// [n][o][h][w] to dw [o][c][3][3].
func winoConvWeightGrad(dw, x, dy []float32, n, c, o, h, w int) {
	g := newWinoGrid(h, w)
	du := make([]float32, 16*o*c)
	var mu sync.Mutex
	parallelFor(n*g.bands, 1<<30, func(lo, hi int) {
		v, dm := scratch(16*c*g.band*g.tx), scratch(16*o*g.band*g.tx)
		defer release(v)
		defer release(dm)
		part := make([]float32, 16*o*c)
		for unit := lo; unit < hi; unit++ {
			img := unit / g.bands
			ty0, ty1 := g.rows(unit % g.bands)
			tiles := (ty1 - ty0) * g.tx
			winoInputK(v, x[img*c*h*w:], c, h, w, ty0, ty1, g.tx)
			winoOutputGradK(dm, dy[img*o*h*w:], o, h, w, ty0, ty1, g.tx)
			for xi := range 16 {
				sgemm(false, true, o, c, tiles, 1, dm[xi*o*tiles:], tiles, v[xi*c*tiles:], tiles, 1, part[xi*o*c:], c)
			}
		}
		mu.Lock()
		for i, p := range part {
			du[i] += p
		}
		mu.Unlock()
	})
	winoWeightGrad(dw, du, o, c)
}

func winoInputK(v, x []float32, c, h, w, ty0, ty1, tx int) {
	C.ncs_wino_input(ptr(v), ptr(x), C.int(c), C.int(h), C.int(w), C.int(ty0), C.int(ty1), C.int(tx))
}

func winoOutputK(y, m []float32, o, h, w, ty0, ty1, tx int) {
	C.ncs_wino_output(ptr(y), ptr(m), C.int(o), C.int(h), C.int(w), C.int(ty0), C.int(ty1), C.int(tx))
}

func winoOutputGradK(dm, dy []float32, o, h, w, ty0, ty1, tx int) {
	C.ncs_wino_output_grad(ptr(dm), ptr(dy), C.int(o), C.int(h), C.int(w), C.int(ty0), C.int(ty1), C.int(tx))
}
