// Package metrics scores generated frames against true ones: PSNR over the
// whole frame and over the pixels that changed, SSIM (as scikit-image
// computes it by default), and cursor detection by sprite matching.
package metrics

import (
	"image"
	"math"
)

// MaxPSNR caps PSNR for identical images, so that means stay finite.
const MaxPSNR = 99

// psnr turns a mean squared error (in 0..255 units) into decibels.
func psnr(mse float64) float64 {
	if mse <= 0 {
		return MaxPSNR
	}
	return min(MaxPSNR, 10*math.Log10(255*255/mse))
}

// PSNR is the peak signal-to-noise ratio of a against b over the RGB
// channels, in dB. The images must have the same size.
func PSNR(a, b *image.RGBA) float64 {
	var sum float64
	n := 0
	forPixels(a, b, func(pa, pb []uint8) {
		for c := range 3 {
			d := float64(pa[c]) - float64(pb[c])
			sum += d * d
		}
		n += 3
	})
	return psnr(sum / float64(n))
}

// ChangedPSNR is the PSNR of pred against truth over the pixels where truth
// differs from prev (the previous true frame): what the model had to
// change. ok is false when no pixel changed.
func ChangedPSNR(pred, truth, prev *image.RGBA) (db float64, ok bool) {
	var sum float64
	n := 0
	w, h := truth.Rect.Dx(), truth.Rect.Dy()
	for y := range h {
		po := pred.Pix[pred.PixOffset(pred.Rect.Min.X, pred.Rect.Min.Y+y):]
		to := truth.Pix[truth.PixOffset(truth.Rect.Min.X, truth.Rect.Min.Y+y):]
		qo := prev.Pix[prev.PixOffset(prev.Rect.Min.X, prev.Rect.Min.Y+y):]
		for x := range w {
			i := 4 * x
			if to[i] == qo[i] && to[i+1] == qo[i+1] && to[i+2] == qo[i+2] {
				continue
			}
			for c := range 3 {
				d := float64(po[i+c]) - float64(to[i+c])
				sum += d * d
			}
			n += 3
		}
	}
	if n == 0 {
		return 0, false
	}
	return psnr(sum / float64(n)), true
}

// forPixels calls f with the RGBA bytes of each pixel pair.
func forPixels(a, b *image.RGBA, f func(pa, pb []uint8)) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	for y := range h {
		ra := a.Pix[a.PixOffset(a.Rect.Min.X, a.Rect.Min.Y+y):]
		rb := b.Pix[b.PixOffset(b.Rect.Min.X, b.Rect.Min.Y+y):]
		for x := range w {
			f(ra[4*x:4*x+4], rb[4*x:4*x+4])
		}
	}
}

// SSIM is the mean structural similarity of a and b, computed as
// scikit-image's structural_similarity does by default for RGB images
// (channel_axis=-1, data_range=255): per channel, 7x7 uniform windows with
// sample (co)variances, K1 = 0.01, K2 = 0.03, the map averaged over the
// positions whose window lies inside the image; then the mean over channels.
func SSIM(a, b *image.RGBA) float64 {
	const win = 7
	const k1, k2, L = 0.01, 0.03, 255.0
	c1, c2 := (k1*L)*(k1*L), (k2*L)*(k2*L)
	w, h := a.Rect.Dx(), a.Rect.Dy()
	if w < win || h < win {
		return math.NaN()
	}
	np := float64(win * win)
	cov := np / (np - 1)
	total := 0.0
	for c := range 3 {
		x, y := plane(a, c), plane(b, c)
		// Integral images of x, y, x², y², xy make each window O(1).
		ix, iy, ixx, iyy, ixy := integral(w, h, x, y)
		sum := 0.0
		n := 0
		for r := 0; r+win <= h; r++ {
			for q := 0; q+win <= w; q++ {
				box := func(t []float64) float64 {
					return t[(r+win)*(w+1)+q+win] - t[r*(w+1)+q+win] - t[(r+win)*(w+1)+q] + t[r*(w+1)+q]
				}
				mx, my := box(ix)/np, box(iy)/np
				vx := cov * (box(ixx)/np - mx*mx)
				vy := cov * (box(iyy)/np - my*my)
				vxy := cov * (box(ixy)/np - mx*my)
				sum += ((2*mx*my + c1) * (2*vxy + c2)) / ((mx*mx + my*my + c1) * (vx + vy + c2))
				n++
			}
		}
		total += sum / float64(n)
	}
	return total / 3
}

func plane(img *image.RGBA, c int) []float64 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := make([]float64, w*h)
	for y := range h {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
		for x := range w {
			out[y*w+x] = float64(row[4*x+c])
		}
	}
	return out
}

// integral returns summed-area tables ((w+1) x (h+1)) of x, y, x², y², xy.
func integral(w, h int, x, y []float64) (ix, iy, ixx, iyy, ixy []float64) {
	n := (w + 1) * (h + 1)
	ix, iy, ixx, iyy, ixy = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for r := 1; r <= h; r++ {
		for q := 1; q <= w; q++ {
			vx, vy := x[(r-1)*w+q-1], y[(r-1)*w+q-1]
			i, up, left, diag := r*(w+1)+q, (r-1)*(w+1)+q, r*(w+1)+q-1, (r-1)*(w+1)+q-1
			ix[i] = vx + ix[up] + ix[left] - ix[diag]
			iy[i] = vy + iy[up] + iy[left] - iy[diag]
			ixx[i] = vx*vx + ixx[up] + ixx[left] - ixx[diag]
			iyy[i] = vy*vy + iyy[up] + iyy[left] - iyy[diag]
			ixy[i] = vx*vy + ixy[up] + ixy[left] - ixy[diag]
		}
	}
	return
}
