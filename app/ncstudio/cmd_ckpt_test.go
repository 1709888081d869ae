package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/ckpt"
)

func writeTestCkpt(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.safetensors")
	f := &ckpt.File{
		Metadata: map[string]string{"format": "pt", "step": "7"},
		Tensors: []ckpt.Tensor{
			{Name: "blocks.0.attn.w", DType: ckpt.BF16, Shape: []int{1000, 1234}, Data: make([]float32, 1000*1234)},
			{Name: "bias", DType: ckpt.F32, Shape: []int{3}, Data: []float32{1, 2, 3}},
			{Name: "scale", DType: ckpt.F16, Shape: []int{}, Data: []float32{0.5}},
		},
	}
	if err := ckpt.Save(path, f); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCkptInfoJSON(t *testing.T) {
	path := writeTestCkpt(t)
	var out, errb bytes.Buffer
	if err := dispatch([]string{"ckpt", "info", path, "--json"}, &out, &errb); err != nil {
		t.Fatalf("ckpt info: %v\n%s", err, errb.String())
	}
	var got ckptInfo
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("bad JSON %q: %v", out.String(), err)
	}
	st, _ := os.Stat(path)
	if got.File != path || got.Bytes != st.Size() {
		t.Errorf("file %q bytes %d, want %q %d", got.File, got.Bytes, path, st.Size())
	}
	if got.Metadata["format"] != "pt" || got.Metadata["step"] != "7" || len(got.Metadata) != 2 {
		t.Errorf("metadata = %v", got.Metadata)
	}
	want := []ckptTensorInfo{
		{Name: "bias", DType: "F32", Shape: []int{3}, Params: 3},
		{Name: "blocks.0.attn.w", DType: "BF16", Shape: []int{1000, 1234}, Params: 1234000},
		{Name: "scale", DType: "F16", Shape: []int{}, Params: 1},
	}
	if !slices.EqualFunc(got.Tensors, want, func(a, b ckptTensorInfo) bool {
		return a.Name == b.Name && a.DType == b.DType && slices.Equal(a.Shape, b.Shape) && a.Params == b.Params
	}) {
		t.Errorf("tensors = %+v\nwant %+v", got.Tensors, want)
	}
	if got.ParamCount != 1234004 {
		t.Errorf("param_count = %d, want 1234004", got.ParamCount)
	}
	// Scalars must be [] in JSON, not null.
	if !strings.Contains(out.String(), `"shape": []`) {
		t.Errorf("scalar shape not written as []:\n%s", out.String())
	}
}

func TestCkptInfoHuman(t *testing.T) {
	path := writeTestCkpt(t)
	var out, errb bytes.Buffer
	if err := dispatch([]string{"ckpt", "info", path}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"file:     " + path, "format: pt", "blocks.0.attn.w", "BF16", "[1000, 1234]", "1,234,000", "params:   1,234,004"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCkptInfoErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.safetensors")
	corrupt := filepath.Join(dir, "corrupt.safetensors")
	os.WriteFile(corrupt, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'}, 0o644)

	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "info", missing}, "missing.safetensors: no such file", 1},
		{[]string{"ckpt", "info", corrupt, "--json"}, "corrupt.safetensors: header length 9223372036854775807 exceeds the 100 MB limit", 1},
		{[]string{"ckpt", "info"}, "want one FILE", 2},
		{[]string{"ckpt", "info", "a", "b"}, "want one FILE", 2},
	})
}

// commandError is a command line that must fail with an error that
// mentions want, and exit with code.
type commandError struct {
	args []string
	want string
	code int
}

func checkCommandErrors(t *testing.T, tests []commandError) {
	t.Helper()
	for _, tt := range tests {
		var out, errb bytes.Buffer
		err := dispatch(tt.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want it to mention %q", tt.args, err, tt.want)
			continue
		}
		if code := exitCode(err); code != tt.code {
			t.Errorf("%v: exit code %d, want %d", tt.args, code, tt.code)
		}
	}
}

func TestCkptThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := ckptThousands(n); got != want {
			t.Errorf("ckptThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCkptConvert(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	f := &ckpt.File{Metadata: map[string]string{"k": "v"}, Tensors: []ckpt.Tensor{{Name: "w", DType: ckpt.F32, Shape: []int{3}, Data: []float32{1, 0.1, -2.5}}}}
	if err := ckpt.Save(in, f); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "convert", in, out, "--dtype", "f16"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	g, err := ckpt.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Tensors[0].DType != ckpt.F16 || g.Metadata["k"] != "v" || g.Tensors[0].Data[2] != -2.5 || math.Abs(float64(g.Tensors[0].Data[1])-0.1) > 1e-4 {
		t.Errorf("converted %+v", g)
	}
	if err := dispatch([]string{"ckpt", "convert", in, out}, &stdout, &stderr); err == nil {
		t.Error("overwrote an existing file")
	}
	if err := dispatch([]string{"ckpt", "convert", in, out + "2", "--dtype", "f8"}, &stdout, &stderr); exitCode(err) != 2 {
		t.Errorf("bad dtype: %v", err)
	}
}
