package ckpt

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// TensorInfo describes one tensor as the header lists it, without its data.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are the tensor's byte range, relative to the start of
	// the data section.
	Begin, End int64
}

// Elements is the number of elements the shape describes.
func (t *TensorInfo) Elements() int {
	n, _ := elements(t.Shape)
	return n
}

// Header is a checked safetensors header: everything but the tensor data.
type Header struct {
	Metadata map[string]string
	Tensors  []TensorInfo // in file order (by Begin, then name)
	// DataStart is the file offset of the data section (8 + header length).
	DataStart int64
	// Size is the total file size in bytes.
	Size int64
}

// ParamCount is the total number of elements over all tensors.
func (h *Header) ParamCount() int {
	n := 0
	for i := range h.Tensors {
		n += h.Tensors[i].Elements()
	}
	return n
}

// Load reads a whole checkpoint file.
func Load(path string) (*File, error) {
	f, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Decode(path, f, size)
}

// open opens path and returns its size.
func open(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, failf("", "%w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, failf("", "%w", err)
	}
	return f, st.Size(), nil
}

// ReadHeader reads and checks only the header of a checkpoint file, which is
// cheap even for a file of many gigabytes.
func ReadHeader(path string) (*Header, error) {
	f, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeHeader(path, f, size)
}

// Decode reads a checkpoint of size bytes from r. name is used in errors.
func Decode(name string, r io.ReaderAt, size int64) (*File, error) {
	h, err := DecodeHeader(name, r, size)
	if err != nil {
		return nil, err
	}
	f := &File{Metadata: h.Metadata, Tensors: make([]Tensor, len(h.Tensors))}
	buf := make([]byte, 64<<10) // a multiple of every element size
	for i, ti := range h.Tensors {
		t := Tensor{Name: ti.Name, DType: ti.DType, Shape: ti.Shape}
		// Safe to allocate: the header check tied this size to bytes
		// that really are in the file.
		t.Data = make([]float32, 0, ti.Elements())
		for off := ti.Begin; off < ti.End; {
			chunk := buf[:min(int64(len(buf)), ti.End-off)]
			if err := readFull(r, chunk, h.DataStart+off); err != nil {
				return nil, failf(name, "tensor %q: %v", ti.Name, err)
			}
			t.Data = appendValues(t.Data, ti.DType, chunk)
			off += int64(len(chunk))
		}
		f.Tensors[i] = t
	}
	return f, nil
}

func appendValues(dst []float32, d DType, b []byte) []float32 {
	switch d {
	case F16:
		for i := 0; i+2 <= len(b); i += 2 {
			dst = append(dst, F16ToFloat32(binary.LittleEndian.Uint16(b[i:])))
		}
	case BF16:
		for i := 0; i+2 <= len(b); i += 2 {
			dst = append(dst, BF16ToFloat32(binary.LittleEndian.Uint16(b[i:])))
		}
	default:
		for i := 0; i+4 <= len(b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
	}
	return dst
}

// readFull reads exactly len(b) bytes at off; a short read means the file
// changed size under us or size was wrong.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// DecodeHeader reads and checks the header of a checkpoint of size bytes.
// It enforces everything Decode does, so a nil error means the data section
// is well formed too.
func DecodeHeader(name string, r io.ReaderAt, size int64) (*Header, error) {
	if size < 8 {
		return nil, failf(name, "file is %d bytes, too short for the 8-byte header length (truncated?)", max(size, 0))
	}
	var nb [8]byte
	if err := readFull(r, nb[:], 0); err != nil {
		return nil, failf(name, "reading header length: %v", err)
	}
	n := binary.LittleEndian.Uint64(nb[:])
	if n > MaxHeaderSize {
		return nil, failf(name, "header length %d exceeds the 100 MB limit", n)
	}
	if n > uint64(size-8) {
		return nil, failf(name, "header length %d runs past the end of the file (%d bytes; truncated?)", n, size)
	}
	raw := make([]byte, n) // bounded by both the limit and the file size
	if err := readFull(r, raw, 8); err != nil {
		return nil, failf(name, "reading header: %v", err)
	}
	h := &Header{DataStart: 8 + int64(n), Size: size}
	if err := h.parse(raw); err != nil {
		return nil, failf(name, "%v", err)
	}
	return h, nil
}

func (h *Header) parse(raw []byte) error {
	if !utf8.Valid(raw) {
		return fmt.Errorf("header is not valid UTF-8")
	}
	entries, err := objectEntries(raw)
	if err != nil {
		return fmt.Errorf("header: %v", err)
	}
	h.Metadata = map[string]string{}
	for _, e := range entries {
		if e.key == metadataKey {
			if err := h.parseMetadata(e.value); err != nil {
				return err
			}
			continue
		}
		t, err := parseTensor(e.key, e.value)
		if err != nil {
			return err
		}
		h.Tensors = append(h.Tensors, t)
	}
	return h.checkLayout()
}

func (h *Header) parseMetadata(raw json.RawMessage) error {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil // the reference accepts a null __metadata__ as absent
	}
	entries, err := objectEntries(raw)
	if err != nil {
		return fmt.Errorf("%s: %v", metadataKey, err)
	}
	for _, e := range entries {
		s, ok := jsonStringValue(e.value)
		if !ok {
			return fmt.Errorf("%s value for %q is not a string: %s", metadataKey, e.key, abbrev(e.value))
		}
		h.Metadata[e.key] = s
	}
	return nil
}

func parseTensor(name string, raw json.RawMessage) (TensorInfo, error) {
	t := TensorInfo{Name: name}
	entries, err := objectEntries(raw)
	if err != nil {
		return t, fmt.Errorf("tensor %q: %v", name, err)
	}
	var haveDType, haveShape, haveOffsets bool
	for _, e := range entries {
		switch e.key {
		case "dtype":
			s, ok := jsonStringValue(e.value)
			if !ok {
				return t, fmt.Errorf("tensor %q: dtype is not a string: %s", name, abbrev(e.value))
			}
			t.DType, haveDType = DType(s), true
		case "shape":
			dims, err := intArray(e.value)
			if err != nil {
				return t, fmt.Errorf("tensor %q: shape: %v", name, err)
			}
			t.Shape, haveShape = make([]int, len(dims)), true
			for i, d := range dims {
				if d > math.MaxInt {
					return t, fmt.Errorf("tensor %q: shape[%d] = %d is too large", name, i, d)
				}
				t.Shape[i] = int(d)
			}
		case "data_offsets":
			offs, err := intArray(e.value)
			if err != nil {
				return t, fmt.Errorf("tensor %q: data_offsets: %v", name, err)
			}
			if len(offs) != 2 {
				return t, fmt.Errorf("tensor %q: data_offsets has %d values, want two [begin, end]", name, len(offs))
			}
			t.Begin, t.End, haveOffsets = offs[0], offs[1], true
		default:
			// Unknown keys are ignored, as the reference implementation does.
		}
	}
	switch {
	case !haveDType:
		return t, fmt.Errorf("tensor %q: dtype is missing", name)
	case !haveShape:
		return t, fmt.Errorf("tensor %q: shape is missing", name)
	case !haveOffsets:
		return t, fmt.Errorf("tensor %q: data_offsets is missing", name)
	case t.DType.Size() == 0:
		return t, fmt.Errorf("tensor %q: unsupported dtype %q (this reader handles F32, F16 and BF16)", name, t.DType)
	case t.Begin > t.End:
		return t, fmt.Errorf("tensor %q: data_offsets [%d, %d] end before they begin", name, t.Begin, t.End)
	}
	return t, nil
}

// checkLayout checks that every tensor's byte range matches its shape and
// that the ranges tile the data section exactly: no overlaps, no gaps, no
// trailing bytes (the reference implementation's rule).
func (h *Header) checkLayout() error {
	dataLen := h.Size - h.DataStart
	for i := range h.Tensors {
		t := &h.Tensors[i]
		if t.End > dataLen {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] out of bounds: the data section has %d bytes", t.Name, t.Begin, t.End, dataLen)
		}
		n, ok := elements(t.Shape)
		if !ok || int64(n) > math.MaxInt64/int64(t.DType.Size()) {
			return fmt.Errorf("tensor %q: shape %v has too many elements", t.Name, t.Shape)
		}
		if want := int64(n) * int64(t.DType.Size()); t.End-t.Begin != want {
			return fmt.Errorf("tensor %q: shape %v of %s needs %d bytes but data_offsets [%d, %d] span %d",
				t.Name, t.Shape, t.DType, want, t.Begin, t.End, t.End-t.Begin)
		}
	}
	slices.SortFunc(h.Tensors, func(a, b TensorInfo) int {
		return cmp.Or(cmp.Compare(a.Begin, b.Begin), cmp.Compare(a.End, b.End), cmp.Compare(a.Name, b.Name))
	})
	var pos int64
	for i := range h.Tensors {
		t := &h.Tensors[i]
		switch {
		case t.Begin < pos:
			return fmt.Errorf("tensors %q and %q overlap: %q starts at byte %d, before %q ends at %d",
				h.Tensors[i-1].Name, t.Name, t.Name, t.Begin, h.Tensors[i-1].Name, pos)
		case t.Begin > pos:
			return fmt.Errorf("gap in the data section: bytes [%d, %d) belong to no tensor", pos, t.Begin)
		}
		pos = t.End
	}
	if pos != dataLen {
		return fmt.Errorf("%d trailing bytes after the last tensor's data (data section is %d bytes, tensors cover %d)", dataLen-pos, dataLen, pos)
	}
	return nil
}

type entry struct {
	key   string
	value json.RawMessage
}

// objectEntries splits a JSON object into its members in order. Unlike
// json.Unmarshal into a map it rejects duplicate keys instead of silently
// keeping the last one.
func objectEntries(raw []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []entry
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		key := tok.(string) // the decoder only yields string keys here
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, jsonErr(err)
		}
		if seen[key] {
			return nil, errors.New("duplicate key " + strconv.Quote(key))
		}
		seen[key] = true
		out = append(out, entry{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, jsonErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not valid JSON: unexpected data after the object")
	}
	return out, nil
}

func jsonErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return errors.New("not valid JSON: " + err.Error())
}

// jsonStringValue decodes raw if it is a JSON string (and not, say, null,
// which json.Unmarshal would quietly accept).
func jsonStringValue(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// intArray decodes a JSON array of non-negative integers written as plain
// digits (no fractions, exponents or quotes).
func intArray(raw json.RawMessage) ([]int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, errors.New("not an array: " + abbrev(raw))
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, err
	}
	out := make([]int64, len(elems))
	for i, e := range elems {
		s := string(bytes.TrimSpace(e))
		v, err := strconv.ParseInt(s, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) && s[0] == '-':
			return nil, fmt.Errorf("[%d] = %s is negative", i, s)
		case errors.Is(err, strconv.ErrRange):
			return nil, fmt.Errorf("[%d] = %s is too large", i, s)
		case err != nil:
			return nil, fmt.Errorf("[%d] = %s is not an integer", i, abbrev(e))
		case v < 0:
			return nil, fmt.Errorf("[%d] = %d is negative", i, v)
		}
		out[i] = v
	}
	return out, nil
}

// abbrev shortens a JSON value for an error message.
func abbrev(raw []byte) string {
	n := 40
	if len(raw) <= n {
		return string(raw)
	}
	for n > 0 && !utf8.RuneStart(raw[n]) {
		n-- // do not split a character
	}
	return string(raw[:n]) + "..."
}
