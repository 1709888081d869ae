package ckpt

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode. It must never panic, hang or
// allocate beyond the input's size, and whatever decodes must survive
// encode → decode unchanged.
func FuzzDecode(f *testing.F) {
	f.Add(encodeBytes(f, sampleFile()))
	f.Add(encodeBytes(f, &File{}))
	f.Add(encodeBytes(f, &File{Metadata: map[string]string{"k": "v"}, Tensors: []Tensor{
		{Name: "h", DType: F16, Shape: []int{2}, Data: []float32{1, float32(math.NaN())}},
		{Name: "b", DType: BF16, Shape: []int{}, Data: []float32{-3}},
	}}))
	for _, bad := range badFiles {
		f.Add(bad.data)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		// Data is float32 in memory; F16/BF16 tensors take at most 2 bytes
		// per element on disk, so memory is bounded by 2× the input.
		if n := got.ParamCount(); n > len(data) {
			t.Fatalf("%d elements from %d bytes", n, len(data))
		}
		var buf bytes.Buffer
		if err := Encode(&buf, got); err != nil {
			t.Fatalf("re-encoding a decoded file: %v", err)
		}
		again, err := Decode("fuzz-again", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("decoding a re-encoded file: %v", err)
		}
		if !equalMaps(got.Metadata, again.Metadata) {
			t.Fatalf("metadata %v became %v", got.Metadata, again.Metadata)
		}
		if len(got.Tensors) != len(again.Tensors) {
			t.Fatalf("%d tensors became %d", len(got.Tensors), len(again.Tensors))
		}
		for _, a := range got.Tensors {
			b, ok := again.Get(a.Name)
			if !ok {
				t.Fatalf("tensor %q lost", a.Name)
			}
			if a.DType != b.DType || !slices.Equal(a.Shape, b.Shape) || len(a.Data) != len(b.Data) {
				t.Fatalf("tensor %q: %s%v became %s%v", a.Name, a.DType, a.Shape, b.DType, b.Shape)
			}
			for i := range a.Data {
				x, y := a.Data[i], b.Data[i]
				// NaN payloads may gain a quiet bit; anything else is bit-exact.
				if math.Float32bits(x) != math.Float32bits(y) && !(x != x && y != y) {
					t.Fatalf("tensor %q[%d]: %#08x became %#08x", a.Name, i, math.Float32bits(x), math.Float32bits(y))
				}
			}
		}
	})
}
