package ckpt

import "math"

// The conversions below are written out by hand so the package needs nothing
// beyond the standard library. Both narrow with round-to-nearest-even, the
// rounding IEEE 754 and PyTorch/numpy use, so files match what they write.

// Float32ToF16 converts f to IEEE 754 binary16 bits. Values too large become
// ±Inf, values too small for a subnormal become ±0, NaN stays NaN.
func Float32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	man := b & 0x7fffff

	if exp == 0xff {
		if man == 0 {
			return sign | 0x7c00 // ±Inf
		}
		// NaN: keep the top payload bits and set the quiet bit, so a
		// payload that lives only in the dropped low bits is still a NaN.
		return sign | 0x7c00 | 0x0200 | uint16(man>>13)
	}

	e := exp - 127 + 15 // exponent rebiased for binary16
	switch {
	case e >= 0x1f:
		return sign | 0x7c00 // overflow
	case e <= 0:
		// Subnormal result: value = m × 2^-24. Below half the smallest
		// subnormal everything rounds to zero.
		if e < -10 {
			return sign
		}
		m := man | 0x800000 // restore the implicit leading 1
		// A carry out of the top lands in the exponent field, which is
		// exactly the smallest normal number.
		return sign | uint16(shiftRoundEven(m, uint(14-e)))
	default:
		// Normal: drop 13 mantissa bits. A carry out of the mantissa bumps
		// the exponent, and from the largest exponent it yields Inf.
		return sign | uint16(uint32(e)<<10+shiftRoundEven(man, 13))
	}
}

// shiftRoundEven returns m >> s rounded to nearest, ties to even (0 < s < 32).
func shiftRoundEven(m uint32, s uint) uint32 {
	q := m >> s
	rem := m & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return q
}

// F16ToFloat32 converts IEEE 754 binary16 bits to float32, exactly.
func F16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f && man == 0:
		return math.Float32frombits(sign | 0x7f800000)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7fc00000 | man<<13)
	case exp == 0 && man == 0:
		return math.Float32frombits(sign)
	case exp == 0:
		// Subnormal half: normalize, since every one is a normal float32.
		e := uint32(127 - 14)
		for man&0x400 == 0 {
			man <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
	}
}

// Float32ToBF16 converts f to bfloat16 bits (the top half of a float32),
// rounding to nearest even. NaN stays NaN.
func Float32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		// Truncate and set the quiet bit: rounding could turn a NaN
		// whose payload is all in the low half into Inf.
		return uint16(b>>16) | 0x0040
	}
	// Adding 0x7fff plus the lowest kept bit rounds ties to even; a carry
	// into the exponent is correct, including overflow to Inf.
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// BF16ToFloat32 converts bfloat16 bits to float32, exactly.
func BF16ToFloat32(h uint16) float32 {
	return math.Float32frombits(uint32(h) << 16)
}
