package ckpt

import (
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// The fixture shared with testdata/safetensors_ref.py (TENSORS and
// EXPECTED there): what is stored, and what it reads back as.
var (
	nan = float32(math.NaN())
	inf = float32(math.Inf(1))

	interopMeta = map[string]string{"format": "pt", "note": "héllo ☃"}

	interopTensors = []Tensor{
		{Name: "layer.weight", DType: F32, Shape: []int{2, 3}, Data: []float32{0, -1.5, 3.25, 1e-8, -1e30, 123456.789}},
		{Name: "layer.bias", DType: F16, Shape: []int{4}, Data: []float32{1, -2.5, 65504, 0x1p-24}},
		{Name: "half.special", DType: F16, Shape: []int{2, 3}, Data: []float32{inf, -inf, 0.1, 1 + 0x1p-11, 0x3p-25, nan}},
		{Name: "emb", DType: BF16, Shape: []int{2, 3}, Data: []float32{1, 1 + 0x1p-8, 1 + 0x3p-8, -3.140625, nan, 1e-40}},
		{Name: "scalar", DType: F32, Shape: []int{}, Data: []float32{42}},
		{Name: "empty", DType: F16, Shape: []int{0, 4}, Data: []float32{}},
	}

	interopExpected = map[string][]float32{
		"layer.weight": {0, -1.5, 3.25, 1e-8, -1e30, 123456.789},
		"layer.bias":   {1, -2.5, 65504, 0x1p-24},
		"half.special": {inf, -inf, 0.0999755859375, 1, 0x2p-24, nan},
		"emb":          {1, 1, 1.015625, -3.140625, nan, 0x1p-133},
		"scalar":       {42},
		"empty":        {},
	}
)

const python = "/usr/bin/python3"

func needPython(t *testing.T) {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("python3 with numpy not found: %s: %v %s", python, err, out)
	}
}

func runRef(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "safetensors_ref.py")}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("safetensors_ref.py %v: %v\n%s", args, err, out)
	}
	t.Logf("safetensors_ref.py %v: %s", args, out)
}

func TestPythonInterop(t *testing.T) {
	needPython(t)
	dir := t.TempDir()

	t.Run("python writes, Go reads", func(t *testing.T) {
		path := filepath.Join(dir, "from_python.safetensors")
		runRef(t, "write", path)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !equalMaps(f.Metadata, interopMeta) {
			t.Errorf("metadata = %q, want %q", f.Metadata, interopMeta)
		}
		if len(f.Tensors) != len(interopTensors) {
			t.Errorf("%d tensors, want %d", len(f.Tensors), len(interopTensors))
		}
		for _, want := range interopTensors {
			got, ok := f.Get(want.Name)
			if !ok {
				t.Errorf("tensor %q missing", want.Name)
				continue
			}
			if got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) {
				t.Errorf("%s: %s%v, want %s%v", want.Name, got.DType, got.Shape, want.DType, want.Shape)
			}
			if exp := interopExpected[want.Name]; !sameValues(got.Data, exp) {
				t.Errorf("%s: %v, want %v", want.Name, got.Data, exp)
			}
		}
	})

	t.Run("Go writes, python reads", func(t *testing.T) {
		path := filepath.Join(dir, "from_go.safetensors")
		if err := Save(path, &File{Metadata: interopMeta, Tensors: interopTensors}); err != nil {
			t.Fatal(err)
		}
		runRef(t, "check", path)
	})
}

// sameValues compares bit for bit, except that any NaN matches any NaN.
func sameValues(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool {
		return math.Float32bits(x) == math.Float32bits(y) || (x != x && y != y)
	})
}
