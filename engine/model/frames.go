package model

import (
	"image"
	"math"
)

// FrameToTensor writes an RGB frame into dst ([3, H, W] planes, values
// scaled from 0..255 to -1..1).
func FrameToTensor(dst []float32, img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	plane := w * h
	for y := range h {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
		for x := range w {
			i := y*w + x
			dst[i] = float32(row[4*x])/127.5 - 1
			dst[plane+i] = float32(row[4*x+1])/127.5 - 1
			dst[2*plane+i] = float32(row[4*x+2])/127.5 - 1
		}
	}
}

// TensorToFrame writes [3, H, W] planes in -1..1 into img, rounding and
// clamping to 0..255.
func TensorToFrame(img *image.RGBA, src []float32) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	plane := w * h
	conv := func(v float32) uint8 {
		return uint8(math.Round(float64(min(max((v+1)*127.5, 0), 255))))
	}
	for y := range h {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
		for x := range w {
			i := y*w + x
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = conv(src[i]), conv(src[plane+i]), conv(src[2*plane+i]), 255
		}
	}
}
