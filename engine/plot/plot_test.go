package plot

import (
	"image"
	"testing"
)

// TestLegendKeepsClearOfTitle: a legend that fits beside the title stays on
// the title's row; one that would overlap it moves to a row of its own,
// and the chart still draws.
func TestLegendKeepsClearOfTitle(t *testing.T) {
	area := image.Rect(64, 28, 704, 320)
	short := Chart{Title: "loss", Series: []Series{{Name: "train"}}}
	if short.legendBelowTitle(area) {
		t.Error("a short legend was moved below a short title")
	}
	long := Chart{Title: "rollout PSNR (dB) by step, true actions", Series: []Series{{Name: "default-f16.safetensors"}, {Name: "hold last frame (baseline)"}}}
	if !long.legendBelowTitle(area) {
		t.Error("a legend that overlaps the title stayed on its row")
	}
	long.Series[0].X, long.Series[0].Y = []float64{1, 2}, []float64{3, 4}
	if img := long.Draw(720, 360); img.Bounds().Dx() != 720 {
		t.Errorf("drew %v", img.Bounds())
	}
}
