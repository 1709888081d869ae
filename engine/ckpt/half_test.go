package ckpt

import (
	"math"
	"testing"
)

func TestFloat32ToF16(t *testing.T) {
	inf := float32(math.Inf(1))
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},
		{1.0 / 3, 0x3555},
		{65504, 0x7bff},                    // largest finite half
		{65519, 0x7bff},                    // just below the halfway point to 65536
		{65520, 0x7c00},                    // halfway: ties to even, which is Inf
		{1e6, 0x7c00},                      // overflow
		{-1e6, 0xfc00},                     // negative overflow
		{inf, 0x7c00},                      // +Inf
		{-inf, 0xfc00},                     // -Inf
		{0x1p-14, 0x0400},                  // smallest normal
		{0x1p-24, 0x0001},                  // smallest subnormal
		{0x3ffp-24, 0x03ff},                // largest subnormal
		{0x1p-25, 0x0000},                  // half the smallest subnormal: tie to even (0)
		{0x1.000002p-25, 0x0001},           // just above that rounds up
		{0x3p-25, 0x0002},                  // 1.5 × smallest: tie to even (2)
		{0x5p-25, 0x0002},                  // 2.5 × smallest: tie to even (2)
		{0x1p-26, 0x0000},                  // underflow
		{0x1.ffcp-15, 0x0400},              // halfway from the largest subnormal to the smallest normal: even
		{1 + 0x1p-11, 0x3c00},              // tie between 1 and next: even (1)
		{1 + 0x3p-11, 0x3c02},              // tie between 0x3c01 and 0x3c02: even
		{1 + 0x1p-11 + 0x1p-20, 0x3c01},    // just above a tie rounds up
		{2047.5, 0x6800},                   // tie between 2047 and 2048: even (2048)
		{4095, 0x6c00},                     // 4095 ties between 4094 and 4096: even (4096)
		{math.Float32frombits(1), 0x0000},  // float32 subnormal
		{-math.Float32frombits(1), 0x8000}, // keeps the sign
	}
	for _, tt := range tests {
		if got := Float32ToF16(tt.in); got != tt.want {
			t.Errorf("Float32ToF16(%g) = %#04x, want %#04x", tt.in, got, tt.want)
		}
	}
	for _, bits := range []uint32{0x7fc00000, 0x7f800001, 0xffc00000, 0x7f802000} {
		h := Float32ToF16(math.Float32frombits(bits))
		if h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
			t.Errorf("Float32ToF16(NaN %#08x) = %#04x, not a NaN", bits, h)
		}
		if h&0x8000 != uint16(bits>>16)&0x8000 {
			t.Errorf("Float32ToF16(NaN %#08x) = %#04x lost the sign", bits, h)
		}
	}
}

func TestF16ToFloat32(t *testing.T) {
	tests := []struct {
		in   uint16
		want float32
	}{
		{0x0000, 0},
		{0x3c00, 1},
		{0xc000, -2},
		{0x3555, 0.333251953125},
		{0x2e66, 0.0999755859375},
		{0x7bff, 65504},
		{0x0400, 0x1p-14},
		{0x0001, 0x1p-24},
		{0x0003, 0x3p-24},
		{0x03ff, 0x3ffp-24},
		{0x7c00, float32(math.Inf(1))},
		{0xfc00, float32(math.Inf(-1))},
	}
	for _, tt := range tests {
		if got := F16ToFloat32(tt.in); got != tt.want {
			t.Errorf("F16ToFloat32(%#04x) = %g, want %g", tt.in, got, tt.want)
		}
	}
	if got := F16ToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("F16ToFloat32(0x8000) = %g, want -0", got)
	}
	for _, h := range []uint16{0x7e00, 0x7c01, 0xfe00} {
		if got := F16ToFloat32(h); got == got {
			t.Errorf("F16ToFloat32(%#04x) = %g, want NaN", h, got)
		}
	}
}

// Every half value must survive float32 and back unchanged (NaNs stay NaN).
func TestF16Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		f := F16ToFloat32(h)
		back := Float32ToF16(f)
		if isNaN16(h) {
			if !isNaN16(back) || f == f {
				t.Fatalf("NaN %#04x -> %g -> %#04x", h, f, back)
			}
			continue
		}
		if back != h {
			t.Fatalf("%#04x -> %g -> %#04x", h, f, back)
		}
	}
}

// Each float32 midway between two adjacent halves must round to the even one.
func TestF16TiesToEven(t *testing.T) {
	for i := range 0x7bff { // every finite positive half but the largest
		lo, hi := uint16(i), uint16(i+1)
		mid := (float64(F16ToFloat32(lo)) + float64(F16ToFloat32(hi))) / 2
		want := lo
		if lo&1 == 1 {
			want = hi
		}
		if got := Float32ToF16(float32(mid)); got != want {
			t.Fatalf("midpoint %g of %#04x and %#04x -> %#04x, want %#04x", mid, lo, hi, got, want)
		}
	}
}

func isNaN16(h uint16) bool { return h&0x7c00 == 0x7c00 && h&0x3ff != 0 }

func TestBF16(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{1, 0x3f80},
		{-2, 0xc000},
		{3.14159265, 0x4049},
		{1 + 0x1p-8, 0x3f80},           // tie: even (1)
		{1 + 0x3p-8, 0x3f82},           // tie: even
		{1 + 0x1p-8 + 0x1p-20, 0x3f81}, // above a tie rounds up
		{math.MaxFloat32, 0x7f80},      // rounds up into Inf
		{float32(math.Inf(-1)), 0xff80},
		{1e-40, 0x0001}, // float32 subnormal stays subnormal
	}
	for _, tt := range tests {
		if got := Float32ToBF16(tt.in); got != tt.want {
			t.Errorf("Float32ToBF16(%g) = %#04x, want %#04x", tt.in, got, tt.want)
		}
	}
	if got := Float32ToBF16(float32(math.NaN())); got&0x7f80 != 0x7f80 || got&0x7f == 0 {
		t.Errorf("Float32ToBF16(NaN) = %#04x, not a NaN", got)
	}
	// A NaN whose payload is only in the low half must not become Inf.
	if got := Float32ToBF16(math.Float32frombits(0x7f800001)); got != 0x7fc0 {
		t.Errorf("Float32ToBF16(NaN 0x7f800001) = %#04x, want 0x7fc0", got)
	}
	if got := BF16ToFloat32(0x4049); got != 3.140625 {
		t.Errorf("BF16ToFloat32(0x4049) = %g, want 3.140625", got)
	}
	for i := range 1 << 16 {
		h := uint16(i)
		f := BF16ToFloat32(h)
		if f != f {
			continue
		}
		if back := Float32ToBF16(f); back != h {
			t.Fatalf("%#04x -> %g -> %#04x", h, f, back)
		}
	}
}
