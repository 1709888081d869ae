package cpu

import (
	"runtime"
	"sync"
)

// minGrain is the least work (in elements touched) worth a goroutine.
const minGrain = 16 << 10

// workers is how many goroutines split a loop: one per usable core.
func workers() int { return runtime.GOMAXPROCS(0) }

// Threads is how many cores the backend uses (GOMAXPROCS).
func Threads() int { return workers() }

// parallelFor calls body on disjoint chunks [lo, hi) covering [0, n), in
// parallel when each chunk would have at least grain elements of work per
// index-unit cost. cost is the work per index (elements touched), used to avoid
// spawning goroutines for tiny loops.
func parallelFor(n, cost int, body func(lo, hi int)) {
	w := workers()
	if cost < 1 {
		cost = 1
	}
	if maxW := n * cost / minGrain; maxW < w {
		w = maxW
	}
	if w > n {
		w = n
	}
	if w <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}

// parallelReduce runs body on chunks like parallelFor, giving each chunk its
// own float64 accumulator of size m, and returns their sum. It lets loops
// that scatter into a small output (bias gradients, norms) run in parallel
// without races.
func parallelReduce(n, cost, m int, body func(lo, hi int, acc []float64)) []float64 {
	var mu sync.Mutex
	total := make([]float64, m)
	parallelFor(n, cost, func(lo, hi int) {
		acc := make([]float64, m)
		body(lo, hi, acc)
		mu.Lock()
		for i, v := range acc {
			total[i] += v
		}
		mu.Unlock()
	})
	return total
}
