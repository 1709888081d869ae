package model

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// The noise a batch trains on depends on the seed alone: drawn by one
// goroutine or many, the values are the same, and they are standard normal
// with no chunk repeating another.
func TestNoiseIgnoresThreads(t *testing.T) {
	m := tinyModel(t)
	draw := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(7, 8))
		return slices.Clone(m.be.ToHost(m.noise("test", rng, 5, noiseChunk+1000)))
	}
	one, many := draw(1), draw(4)
	if !slices.Equal(one, many) {
		t.Fatal("noise differs between 1 and 4 goroutines")
	}
	var sum, sq float64
	for _, v := range one {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(one))
	mean, variance := sum/n, sq/n-(sum/n)*(sum/n)
	if math.Abs(mean) > 0.01 || math.Abs(variance-1) > 0.02 {
		t.Errorf("%d values: mean %.4f, variance %.4f; want 0 and 1", len(one), mean, variance)
	}
	if slices.Equal(one[:100], one[noiseChunk:noiseChunk+100]) {
		t.Error("two chunks drew the same values")
	}
}
