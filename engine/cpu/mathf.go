package cpu

import "math"

// Float32 versions of exp and erf for the elementwise loops. The float64
// functions of package math dominated activation and softmax time; these
// are accurate to a few float32 ulps (expf) and 1.5e-7 absolute (erf), far
// inside the 1e-4 the backend promises.

const (
	log2e = 1.44269504088896341
	ln2Hi = 0.693359375 // ln 2 split so that n*ln2Hi is exact
	ln2Lo = -2.12194440e-4
)

// expf returns e^x, 0 below -87.3 (no subnormals) and +Inf above 88.7.
func expf(x float32) float32 {
	switch {
	case x > 88.72:
		return float32(math.Inf(1))
	case x < -87.33:
		return 0
	case x != x:
		return x
	}
	t := x * log2e
	var n int32
	if t < 0 {
		n = int32(t - 0.5)
	} else {
		n = int32(t + 0.5)
	}
	fn := float32(n)
	r := x - fn*ln2Hi - fn*ln2Lo // |r| <= ln2/2
	// Taylor series of e^r to degree 6: truncation error < 1.2e-7 relative.
	p := 1 + r*(1+r*(0.5+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// normalCDF returns Φ(x) = (1+erf(x/√2))/2, the factor of exact GELU,
// using Abramowitz & Stegun 7.1.26 for erfc on |x|/√2. Computing the tail
// directly keeps Φ accurate for negative x, where 1+erf would cancel.
func normalCDF(x float32) float32 {
	z := x * invSqrt2
	if z < 0 {
		z = -z
	}
	t := 1 / (1 + 0.3275911*z)
	tail := 0.5 * t * (0.254829592 + t*(-0.284496736+t*(1.421413741+t*(-1.453152027+t*1.061405429)))) * expf(-z*z)
	if x < 0 {
		return tail
	}
	return 1 - tail
}
