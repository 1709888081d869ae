package ckpt

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// craft builds a file from a header string and a data section, unpadded.
func craft(header string, data []byte) []byte {
	return append(withLen(uint64(len(header)), []byte(header)), data...)
}

func withLen(n uint64, rest []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, n)
	return append(b, rest...)
}

func zeros(n int) []byte { return make([]byte, n) }

// one is a well-formed single-tensor header around the given entry.
func one(entry string) string { return `{"w":` + entry + `}` }

// badFiles are crafted invalid files and a fragment each error must contain.
// They also seed FuzzDecode.
var badFiles = []struct {
	name string
	data []byte
	want string
}{
	{"empty file", nil, "file is 0 bytes, too short"},
	{"truncated length", []byte{8, 0, 0}, "too short for the 8-byte header length"},
	{"header over limit", withLen(200_000_000, []byte("{}")), "header length 200000000 exceeds the 100 MB limit"},
	{"header length huge", withLen(math.MaxUint64, nil), "exceeds the 100 MB limit"},
	{"header past end", withLen(100, []byte(`{"a":1}`)), "header length 100 runs past the end of the file"},
	{"empty header", withLen(0, nil), "header: not valid JSON"},
	{"invalid json", craft(`{"w":`, nil), "header: not valid JSON"},
	{"json garbage", craft(`{"w" 1}`, nil), "header: not valid JSON"},
	{"trailing json", craft(`{} {}`, nil), "unexpected data after the object"},
	{"not an object", craft(`[1,2]`, nil), "header: not a JSON object"},
	{"string header", craft(`"x"`, nil), "header: not a JSON object"},
	{"invalid utf8", craft("{\"\xff\":1}", nil), "header is not valid UTF-8"},
	{"entry not object", craft(`{"w":[1]}`, nil), `tensor "w": not a JSON object`},
	{"entry null", craft(`{"w":null}`, nil), `tensor "w": not a JSON object`},
	{"metadata not object", craft(`{"__metadata__":["a"]}`, nil), "__metadata__: not a JSON object"},
	{"metadata number", craft(`{"__metadata__":{"k":1}}`, nil), `__metadata__ value for "k" is not a string`},
	{"metadata null value", craft(`{"__metadata__":{"k":null}}`, nil), `__metadata__ value for "k" is not a string`},
	{"metadata nested", craft(`{"__metadata__":{"k":{"a":"b"}}}`, nil), `__metadata__ value for "k" is not a string`},
	{"metadata duplicate", craft(`{"__metadata__":{"k":"a","k":"b"}}`, nil), `__metadata__: duplicate key "k"`},
	{"dtype F64", craft(one(`{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`), zeros(8)), `tensor "w": unsupported dtype "F64"`},
	{"dtype I64", craft(one(`{"dtype":"I64","shape":[1],"data_offsets":[0,8]}`), zeros(8)), `tensor "w": unsupported dtype "I64"`},
	{"dtype U8", craft(one(`{"dtype":"U8","shape":[1],"data_offsets":[0,1]}`), zeros(1)), `tensor "w": unsupported dtype "U8"`},
	{"dtype lowercase", craft(one(`{"dtype":"f32","shape":[1],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": unsupported dtype "f32"`},
	{"dtype number", craft(one(`{"dtype":4,"shape":[1],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": dtype is not a string`},
	{"dtype missing", craft(one(`{"shape":[1],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": dtype is missing`},
	{"shape missing", craft(one(`{"dtype":"F32","data_offsets":[0,4]}`), zeros(4)), `tensor "w": shape is missing`},
	{"offsets missing", craft(one(`{"dtype":"F32","shape":[1]}`), zeros(4)), `tensor "w": data_offsets is missing`},
	{"negative dim", craft(one(`{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": shape: [0] = -1 is negative`},
	{"fractional dim", craft(one(`{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": shape: [0] = 1.5 is not an integer`},
	{"exponent dim", craft(one(`{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}`), zeros(4)), `shape: [0] = 1e0 is not an integer`},
	{"quoted dim", craft(one(`{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}`), zeros(4)), `shape: [0] = "1" is not an integer`},
	{"shape not array", craft(one(`{"dtype":"F32","shape":4,"data_offsets":[0,4]}`), zeros(4)), `tensor "w": shape: not an array`},
	{"huge dim", craft(one(`{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}`), zeros(4)), `shape: [0] = 99999999999999999999 is too large`},
	{"shape overflow", craft(one(`{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}`), zeros(4)), `tensor "w": shape [4294967296 4294967296 4294967296] has too many elements`},
	{"shape overflow by dtype", craft(one(`{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}`), zeros(4)), `has too many elements`},
	{"offsets one value", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[4]}`), zeros(4)), `tensor "w": data_offsets has 1 values, want two`},
	{"offsets three values", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}`), zeros(8)), `data_offsets has 3 values, want two`},
	{"offsets strings", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}`), zeros(4)), `tensor "w": data_offsets: [0] = "0" is not an integer`},
	{"offsets negative", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}`), zeros(4)), `data_offsets: [0] = -4 is negative`},
	{"offsets reversed", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[4,0]}`), zeros(4)), `tensor "w": data_offsets [4, 0] end before they begin`},
	{"offsets out of bounds", craft(one(`{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`), zeros(4)), `tensor "w": data_offsets [0, 8] out of bounds: the data section has 4 bytes`},
	{"offsets far out of bounds", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}`), zeros(4)), `out of bounds`},
	{"size mismatch", craft(one(`{"dtype":"F32","shape":[3],"data_offsets":[0,8]}`), zeros(8)), `tensor "w": shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8`},
	{"size mismatch f16", craft(one(`{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}`), zeros(16)), `shape [2 2] of F16 needs 8 bytes`},
	{"duplicate names", craft(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, zeros(8)), `header: duplicate key "w"`},
	{"overlap", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, zeros(12)), `tensors "a" and "b" overlap`},
	{"same range", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}`, zeros(4)), `tensors "a" and "b" overlap`},
	{"empty inside", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}`, zeros(8)), `tensors "a" and "e" overlap`},
	{"gap", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, zeros(12)), `gap in the data section: bytes [4, 8) belong to no tensor`},
	{"leading gap", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), zeros(8)), `bytes [0, 4) belong to no tensor`},
	{"trailing bytes", craft(one(`{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), zeros(6)), `2 trailing bytes after the last tensor's data`},
	{"data but no tensors", craft(`{}`, zeros(3)), `3 trailing bytes`},
}

func TestDecodeRejects(t *testing.T) {
	const file = "bad.safetensors"
	for _, tt := range badFiles {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode(file, bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil {
				t.Fatalf("decoded %+v, want an error mentioning %q", f, tt.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "ckpt: "+file+": ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q\n    does not mention %q", msg, tt.want)
			}
		})
	}
}

// Load on a real file reports the path it was given.
func TestLoadRejectsNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	os.WriteFile(path, withLen(200_000_000, nil), 0o644)
	_, err := Load(path)
	want := "ckpt: " + path + ": header length 200000000 exceeds the 100 MB limit"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if _, err := ReadHeader(path); err == nil || err.Error() != want {
		t.Errorf("ReadHeader err = %v, want %s", err, want)
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		params int
	}{
		{"no tensors", craft(`{}`, nil), 0},
		{"padded", craft(`{}      `, nil), 0},
		{"leading whitespace", craft(" \n{}", nil), 0},
		{"null metadata", craft(`{"__metadata__":null}`, nil), 0},
		{"empty metadata", craft(`{"__metadata__":{}}`, nil), 0},
		{"scalar", craft(one(`{"dtype":"F32","shape":[],"data_offsets":[0,4]}`), zeros(4)), 1},
		{"zero elements", craft(one(`{"dtype":"BF16","shape":[3,0],"data_offsets":[0,0]}`), nil), 0},
		{"zero with huge dims", craft(one(`{"dtype":"F32","shape":[0,4294967296,4294967296,4294967296],"data_offsets":[0,0]}`), nil), 0},
		{"unknown field ignored", craft(one(`{"dtype":"F16","shape":[2],"data_offsets":[0,4],"extra":true}`), zeros(4)), 2},
		{"key order free", craft(one(`{"data_offsets":[0,2],"shape":[1],"dtype":"F16"}`), zeros(2)), 1},
		{"entries out of order", craft(`{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, zeros(8)), 2},
		{"empties at the end", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F16","shape":[0],"data_offsets":[4,4]},"f":{"dtype":"F16","shape":[0],"data_offsets":[4,4]}}`, zeros(4)), 1},
	}
	for _, tt := range tests {
		f, err := Decode("ok.safetensors", bytes.NewReader(tt.data), int64(len(tt.data)))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if f.ParamCount() != tt.params {
			t.Errorf("%s: %d params, want %d", tt.name, f.ParamCount(), tt.params)
		}
	}
}

// A reader that is shorter than the size it was declared with must give an
// error, not a panic or garbage.
func TestDecodeShortReader(t *testing.T) {
	b := encodeBytes(t, sampleFile())
	_, err := Decode("short", bytes.NewReader(b[:len(b)-3]), int64(len(b)))
	if err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("err = %v", err)
	}
}
