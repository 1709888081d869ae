package cpu

import (
	"math"
	"testing"
)

func TestExpfAccuracy(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x < 88; x += 0.001 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 3e-7 {
		t.Fatalf("expf: worst relative error %.3g, want < 3e-7", worst)
	}
	if expf(-100) != 0 || !math.IsInf(float64(expf(100)), 1) || expf(0) != 1 {
		t.Fatalf("expf edge cases: %v %v %v", expf(-100), expf(100), expf(0))
	}
}

func TestNormalCDFAccuracy(t *testing.T) {
	worst := 0.0
	for x := float32(-10); x < 10; x += 0.001 {
		want := 0.5 * math.Erfc(-float64(x)/math.Sqrt2)
		worst = max(worst, math.Abs(float64(normalCDF(x))-want))
	}
	if worst > 3e-7 {
		t.Fatalf("normalCDF: worst absolute error %.3g, want < 3e-7", worst)
	}
}
