package backendtest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// relErr is max|got-want| / max|want|: the error relative to the scale of
// the reference, so that near-zero elements do not dominate.
func relErr(got, want []float32) float64 {
	rel, _ := RelErr(got, want)
	return rel
}

// RelErr is the largest absolute difference relative to the reference's
// largest element (the absolute difference itself when the reference is all
// zero), and the largest absolute difference.
func RelErr(got, want []float32) (rel, abs float64) {
	var den float64
	for i := range want {
		abs = math.Max(abs, math.Abs(float64(got[i])-float64(want[i])))
		den = math.Max(den, math.Abs(float64(want[i])))
	}
	if den == 0 {
		return abs, abs
	}
	return abs / den, abs
}

// naiveMatMul is c = alpha*op(a)@op(b) + beta*c for 2-D row-major slices in float64.
func naiveMatMul(c, a, b []float32, m, n, k int, ta, tb bool, alpha, beta float32) []float32 {
	out := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av, bv := a[i*k+p], b[p*n+j]
				if ta {
					av = a[p*m+i]
				}
				if tb {
					bv = b[j*k+p]
				}
				s += float64(av) * float64(bv)
			}
			out[i*n+j] = float32(float64(alpha)*s + float64(beta)*float64(c[i*n+j]))
		}
	}
	return out
}

// RunDirect checks, against float64 references, the ops that have no
// gradient to difference: products with alpha and beta, gradient
// accumulation, copies and BLAS-1, AdamW.
func RunDirect(t *testing.T, be tensor.Backend) {
	rng := rand.New(rand.NewPCG(11, 12))
	t.Run("matmul_alpha_beta_and_split", func(t *testing.T) {
		// Sizes large enough that a backend splits the product across workers,
		// tall (split by rows) and wide (split by columns), every transpose.
		for _, sz := range [][3]int{{150, 70, 90}, {40, 260, 80}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					a, b, c := normal(rng, m*k), normal(rng, k*n), normal(rng, m*n)
					sa, sb := []int{m, k}, []int{k, n}
					if ta {
						sa = []int{k, m}
					}
					if tb {
						sb = []int{n, k}
					}
					ct := be.FromHost(c, m, n)
					be.MatMul(ct, be.FromHost(a, sa...), be.FromHost(b, sb...), ta, tb, 0.5, 2)
					want := naiveMatMul(c, a, b, m, n, k, ta, tb, 0.5, 2)
					if e := relErr(be.ToHost(ct), want); e > 1e-5 {
						t.Errorf("MatMul %dx%dx%d ta=%v tb=%v: relative error %.3g", m, n, k, ta, tb, e)
					}
				}
			}
		}
	})
	t.Run("parameter_gradients_accumulate", func(t *testing.T) {
		x, w, b := be.FromHost(normal(rng, 40), 4, 10), be.FromHost(normal(rng, 10), 10), be.FromHost(normal(rng, 10), 10)
		mean, rstd, out := be.Zeros(4), be.Zeros(4), be.Zeros(4, 10)
		be.LayerNorm(out, mean, rstd, x, w, b, 1e-5)
		dy := be.FromHost(normal(rng, 40), 4, 10)
		dx, dw, db := be.Zeros(4, 10), be.Zeros(10), be.Zeros(10)
		be.LayerNormBackward(dx, dw, db, dy, x, mean, rstd, w)
		once := be.ToHost(dw)
		be.LayerNormBackward(dx, dw, db, dy, x, mean, rstd, w)
		twice := be.ToHost(dw)
		for i := range once {
			if math.Abs(float64(twice[i]-2*once[i])) > 1e-5*math.Abs(float64(once[i]))+1e-6 {
				t.Fatalf("dw[%d]: %v after two backward calls, want 2×%v", i, twice[i], once[i])
			}
		}
	})
	t.Run("memory_and_blas1", func(t *testing.T) {
		v := normal(rng, 100000)
		x := be.FromHost(v, 100, 1000)
		y := be.Zeros(100, 1000)
		be.Copy(y, x)
		be.Scale(y, 3)
		be.Axpy(y, -2, x) // y = 3x - 2x = x
		if e := relErr(be.ToHost(y), v); e > 1e-6 {
			t.Errorf("Copy/Scale/Axpy: relative error %.3g", e)
		}
		var ss float64
		for _, f := range v {
			ss += float64(f) * float64(f)
		}
		if got := be.SumSquares(x); math.Abs(got-ss) > 1e-9*ss {
			t.Errorf("SumSquares = %v, want %v", got, ss)
		}
		be.Fill(y, 1.5)
		for i, f := range be.ToHost(y) {
			if f != 1.5 {
				t.Fatalf("Fill: element %d is %v", i, f)
			}
		}
	})
	t.Run("adamw_matches_reference", func(t *testing.T) {
		checkAdamW(t, be, rng)
	})
}

// checkAdamW runs a few AdamW steps and compares with the update written out
// in float64 (PyTorch's formulation).
func checkAdamW(t *testing.T, be tensor.Backend, rng *rand.Rand) {
	const n = 50000
	p0 := normal(rng, n)
	p, m, v := be.FromHost(p0, n), be.Zeros(n), be.Zeros(n)
	ref := make([]float64, n)
	mr, vr := make([]float64, n), make([]float64, n)
	for i := range ref {
		ref[i] = float64(p0[i])
	}
	h := tensor.AdamWParams{LR: 1e-2, Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.1, GradScale: 0.5}
	for step := 1; step <= 5; step++ {
		g := normal(rng, n)
		h.Step = step
		be.AdamW(p, be.FromHost(g, n), m, v, h)
		b1, b2 := float64(h.Beta1), float64(h.Beta2)
		for i := range ref {
			gi := float64(g[i]) * float64(h.GradScale)
			mr[i] = b1*mr[i] + (1-b1)*gi
			vr[i] = b2*vr[i] + (1-b2)*gi*gi
			mhat := mr[i] / (1 - math.Pow(b1, float64(step)))
			vhat := vr[i] / (1 - math.Pow(b2, float64(step)))
			ref[i] = ref[i]*(1-float64(h.LR)*float64(h.WeightDecay)) - float64(h.LR)*mhat/(math.Sqrt(vhat)+float64(h.Eps))
		}
	}
	got := be.ToHost(p)
	want := make([]float32, n)
	for i, r := range ref {
		want[i] = float32(r)
	}
	if e := relErr(got, want); e > 1e-5 {
		t.Fatalf("AdamW after 5 steps: relative error %.3g against the float64 reference", e)
	}
}
