package logo

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"
)

// TestIconPNGUpToDate checks that the repository's Icon.png (used by
// `fyne package`) is what Draw renders; regenerate with `go generate ./studio`.
func TestIconPNGUpToDate(t *testing.T) {
	data, err := os.ReadFile("../../../Icon.png")
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want, err := png.Decode(bytes.NewReader(PNG(512))) // same PNG round trip as the file
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != want.Bounds() {
		t.Fatalf("Icon.png is %v, want %v; run `go generate ./studio`", got.Bounds(), want.Bounds())
	}
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			r0, g0, b0, a0 := got.At(x, y).RGBA()
			r1, g1, b1, a1 := want.At(x, y).RGBA()
			if r0 != r1 || g0 != g1 || b0 != b1 || a0 != a1 {
				t.Fatalf("Icon.png differs from Draw(512) at (%d,%d); run `go generate ./studio`", x, y)
			}
		}
	}
}

func TestDrawSizes(t *testing.T) {
	for _, n := range []int{16, 64, 256} {
		img := Draw(n)
		if img.Bounds() != image.Rect(0, 0, n, n) {
			t.Fatalf("Draw(%d) bounds %v", n, img.Bounds())
		}
		// Corners are transparent (rounded tile), the centre is opaque.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("Draw(%d): corner alpha %d, want 0", n, a)
		}
		if _, _, _, a := img.At(n/2, n/2).RGBA(); a != 0xffff {
			t.Errorf("Draw(%d): centre alpha %d, want opaque", n, a)
		}
	}
	if _, err := png.Decode(bytes.NewReader(PNG(32))); err != nil {
		t.Fatal(err)
	}
}
