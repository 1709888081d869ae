package ckpt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func sampleFile() *File {
	inf := float32(math.Inf(1))
	return &File{
		Metadata: map[string]string{"format": "pt", "step": "1200", "note": "héllo <&>"},
		Tensors: []Tensor{
			{Name: "w.f32", DType: F32, Shape: []int{2, 3}, Data: []float32{0, -1.5, 3.25, 1e-30, float32(math.MaxFloat32), -inf}},
			{Name: "b.f16", DType: F16, Shape: []int{5}, Data: []float32{1, 0.1, 65520, 0x1p-25, 0x3p-25}},
			{Name: "a.bf16", DType: BF16, Shape: []int{1, 4}, Data: []float32{1, 1 + 0x1p-8, 1 + 0x3p-8, 3.14159265}},
			{Name: "scalar", DType: F32, Shape: []int{}, Data: []float32{42}},
			{Name: "empty", DType: F16, Shape: []int{0, 7}, Data: []float32{}},
		},
	}
}

func encodeBytes(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	in := sampleFile()
	if err := Save(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !equalMaps(out.Metadata, in.Metadata) {
		t.Errorf("metadata = %v, want %v", out.Metadata, in.Metadata)
	}
	// Expected values after storage: F32 exact, F16/BF16 rounded to even.
	inf := float32(math.Inf(1))
	want := map[string][]float32{
		"w.f32":  {0, -1.5, 3.25, 1e-30, float32(math.MaxFloat32), -inf},
		"b.f16":  {1, 0.0999755859375, inf, 0, 0x2p-24},
		"a.bf16": {1, 1, 1.015625, 3.140625},
		"scalar": {42},
		"empty":  {},
	}
	if len(out.Tensors) != len(want) {
		t.Fatalf("got %d tensors, want %d", len(out.Tensors), len(want))
	}
	for name, data := range want {
		got, ok := out.Get(name)
		if !ok {
			t.Fatalf("tensor %q missing", name)
		}
		orig, _ := in.Get(name)
		if got.DType != orig.DType || !slices.Equal(got.Shape, orig.Shape) {
			t.Errorf("%s: %s%v, want %s%v", name, got.DType, got.Shape, orig.DType, orig.Shape)
		}
		if !slices.Equal(got.Data, data) {
			t.Errorf("%s: data %v, want %v", name, got.Data, data)
		}
	}
	if n := out.ParamCount(); n != 6+5+4+1 {
		t.Errorf("ParamCount = %d, want 16", n)
	}
	// Tensors come back in file order, which Save makes name order.
	var names []string
	for _, tt := range out.Tensors {
		names = append(names, tt.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("tensor order %v, want sorted by name", names)
	}
	// Encoding is deterministic and Save writes exactly Encode's bytes.
	disk, _ := os.ReadFile(path)
	if !bytes.Equal(disk, encodeBytes(t, in)) {
		t.Error("Save and Encode produced different bytes")
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// The layout must be what the reference writer produces: aligned data
// section, contiguous offsets in name order, metadata only when present.
func TestLayout(t *testing.T) {
	b := encodeBytes(t, sampleFile())
	n := binary.LittleEndian.Uint64(b)
	if (8+n)%8 != 0 {
		t.Errorf("data section starts at %d, not 8-byte aligned", 8+n)
	}
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &hdr); err != nil {
		t.Fatal(err)
	}
	var e struct {
		DType   string  `json:"dtype"`
		Shape   []int   `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	json.Unmarshal(hdr["a.bf16"], &e)
	if e.DType != "BF16" || !slices.Equal(e.Shape, []int{1, 4}) || !slices.Equal(e.Offsets, []int64{0, 8}) {
		t.Errorf("a.bf16 entry = %+v", e)
	}
	json.Unmarshal(hdr["w.f32"], &e)
	if total := int64(len(b)) - 8 - int64(n); e.Offsets[1] != total {
		t.Errorf("last tensor ends at %d, data section is %d bytes", e.Offsets[1], total)
	}
	if _, ok := hdr["__metadata__"]; !ok {
		t.Error("metadata missing from header")
	}

	b = encodeBytes(t, &File{Tensors: []Tensor{{Name: "x", DType: F32, Shape: []int{1}, Data: []float32{1}}}})
	if bytes.Contains(b, []byte("__metadata__")) {
		t.Error("empty metadata should be omitted")
	}
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name string
		t    Tensor
		want string
	}{
		{"dtype", Tensor{Name: "x", DType: "F64", Shape: []int{1}, Data: []float32{1}}, `unsupported dtype "F64"`},
		{"short data", Tensor{Name: "x", DType: F32, Shape: []int{2, 3}, Data: []float32{1}}, "needs 6 values, data has 1"},
		{"negative dim", Tensor{Name: "x", DType: F32, Shape: []int{-1}}, "invalid shape"},
		{"overflow", Tensor{Name: "x", DType: F32, Shape: []int{1 << 32, 1 << 32}}, "invalid shape"},
		{"reserved", Tensor{Name: "__metadata__", DType: F32, Shape: []int{}, Data: []float32{1}}, "reserved"},
		{"utf8", Tensor{Name: "\xff", DType: F32, Shape: []int{}, Data: []float32{1}}, "UTF-8"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Encode(&buf, &File{Tensors: []Tensor{tt.t}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", tt.name, buf.Len())
		}
	}
	dup := &File{Tensors: []Tensor{
		{Name: "x", DType: F32, Shape: []int{}, Data: []float32{1}},
		{Name: "x", DType: F16, Shape: []int{}, Data: []float32{1}},
	}}
	if err := Encode(io.Discard, dup); err == nil || !strings.Contains(err.Error(), `duplicate tensor name "x"`) {
		t.Errorf("duplicate names: err = %v", err)
	}
}

// failAfter lets n bytes through, then fails: a full disk halfway through.
type failAfter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n, _ := f.w.Write(p[:f.n])
		f.n = 0
		return n, errDiskFull
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := Save(path, sampleFile()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)

	big := &File{Tensors: []Tensor{{Name: "big", DType: F32, Shape: []int{1 << 18}, Data: make([]float32, 1<<18)}}}
	wrap := func(w io.Writer) io.Writer { return &failAfter{w: w, n: 1000} }
	err := save(path, big, wrap)
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("save with failing writer: err = %v", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	assertFile(t, path, old)
	assertNoTemp(t, dir)

	// Invalid data fails before anything is written.
	bad := &File{Tensors: []Tensor{{Name: "x", DType: F32, Shape: []int{3}, Data: []float32{1}}}}
	if err := Save(path, bad); err == nil {
		t.Fatal("Save of an invalid file succeeded")
	}
	assertFile(t, path, old)
	assertNoTemp(t, dir)

	// A successful save replaces the file and keeps its permissions.
	if err := Save(path, big); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode after replace = %v, want 0640", st.Mode().Perm())
	}
	if got, err := Load(path); err != nil || len(got.Tensors) != 1 || got.Tensors[0].Name != "big" {
		t.Errorf("after replace: %v, %v", got, err)
	}
	assertNoTemp(t, dir)

	// A new file gets the usual 0644 (less the umask).
	fresh := filepath.Join(dir, "fresh.safetensors")
	if err := Save(fresh, big); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm()&0o600 != 0o600 || st.Mode().Perm()&^0o644 != 0 {
		t.Errorf("new file mode = %v", st.Mode().Perm())
	}

	// Saving into a missing directory fails cleanly.
	if err := Save(filepath.Join(dir, "nope", "x.safetensors"), big); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed after a failed save", path)
	}
	if _, err := Load(path); err != nil {
		t.Errorf("old file no longer loads: %v", err)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestReadHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	in := sampleFile()
	if err := Save(path, in); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if h.Size != st.Size() || h.DataStart%8 != 0 || h.ParamCount() != in.ParamCount() {
		t.Errorf("header size %d start %d params %d", h.Size, h.DataStart, h.ParamCount())
	}
	if len(h.Tensors) != 5 || h.Tensors[0].Name != "a.bf16" || h.Tensors[0].Begin != 0 || h.Tensors[0].End != 8 {
		t.Errorf("tensors = %+v", h.Tensors)
	}
	if h.Metadata["step"] != "1200" {
		t.Errorf("metadata = %v", h.Metadata)
	}
	_, err = ReadHeader(filepath.Join(t.TempDir(), "missing.safetensors"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.safetensors") {
		t.Errorf("missing file: err = %v", err)
	}
}
