package optim

import (
	"math"
	"testing"
)

func TestScheduleShape(t *testing.T) {
	s := Schedule{Peak: 1e-3, Min: 1e-5, Warmup: 10, Total: 110}
	cases := []struct {
		step int
		want float64
	}{
		{1, 1e-4}, {5, 5e-4}, {10, 1e-3}, {60, 1e-5 + 0.5*(1e-3-1e-5)}, {110, 1e-5}, {500, 1e-5},
	}
	for _, c := range cases {
		if got := s.At(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("At(%d) = %g, want %g", c.step, got, c.want)
		}
	}
	prev := s.At(10)
	for step := 11; step <= 110; step++ {
		lr := s.At(step)
		if lr > prev {
			t.Fatalf("learning rate rises after warm-up: step %d %g > %g", step, lr, prev)
		}
		prev = lr
	}
}
