package cpu

import (
	"math"
	"testing"
)

func TestExpKernelAccuracy(t *testing.T) {
	var xs []float32
	for x := float32(-87); x < 88; x += 0.001 {
		xs = append(xs, x)
	}
	ys := append([]float32(nil), xs...)
	expK(ys)
	worst := 0.0
	for i, x := range xs {
		want := math.Exp(float64(x))
		worst = max(worst, math.Abs(float64(ys[i])-want)/want)
	}
	if worst > 3e-7 {
		t.Fatalf("exp kernel: worst relative error %.3g, want < 3e-7", worst)
	}
	edge := []float32{-100, 100, 0, float32(math.NaN()), float32(math.Inf(-1))}
	expK(edge)
	if edge[0] != 0 || edge[1] < 1e38 || edge[2] != 1 || edge[3] == edge[3] || edge[4] != 0 {
		t.Fatalf("exp kernel edge cases: %v", edge)
	}
}

func TestNormalCDFAccuracy(t *testing.T) {
	var xs []float32
	for x := float32(-10); x < 10; x += 0.001 {
		xs = append(xs, x)
	}
	cdf, pdf := make([]float32, len(xs)), make([]float32, len(xs))
	normalCDFK(cdf, pdf, xs)
	worstCDF, worstPDF := 0.0, 0.0
	for i, x := range xs {
		want := 0.5 * math.Erfc(-float64(x)/math.Sqrt2)
		worstCDF = max(worstCDF, math.Abs(float64(cdf[i])-want))
		wantPDF := math.Exp(-0.5*float64(x)*float64(x)) / math.Sqrt(2*math.Pi)
		worstPDF = max(worstPDF, math.Abs(float64(pdf[i])-wantPDF))
	}
	if worstCDF > 3e-7 || worstPDF > 1e-7 {
		t.Fatalf("normal CDF kernel: worst absolute errors Φ %.3g, φ %.3g", worstCDF, worstPDF)
	}
}
