package ckpt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
)

// Encode writes f to w in safetensors layout. Tensors are laid out sorted by
// name, so equal files encode to equal bytes. f is checked before anything
// is written.
func Encode(w io.Writer, f *File) error {
	return encode("", w, f)
}

func encode(file string, w io.Writer, f *File) error {
	if err := f.check(file); err != nil {
		return err
	}
	order := make([]*Tensor, len(f.Tensors))
	for i := range f.Tensors {
		order[i] = &f.Tensors[i]
	}
	slices.SortFunc(order, func(a, b *Tensor) int { return compareStrings(a.Name, b.Name) })

	header := buildHeader(f.Metadata, order)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return failf(file, "write: %w", err)
	}
	if _, err := w.Write(header); err != nil {
		return failf(file, "write: %w", err)
	}
	buf := make([]byte, 0, 64<<10)
	for _, t := range order {
		for _, v := range t.Data {
			if len(buf)+4 > cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return failf(file, "write: %w", err)
				}
				buf = buf[:0]
			}
			buf = appendElem(buf, t.DType, v)
		}
	}
	if _, err := w.Write(buf); err != nil {
		return failf(file, "write: %w", err)
	}
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func appendElem(buf []byte, d DType, v float32) []byte {
	switch d {
	case F16:
		return binary.LittleEndian.AppendUint16(buf, Float32ToF16(v))
	case BF16:
		return binary.LittleEndian.AppendUint16(buf, Float32ToBF16(v))
	default:
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
}

// buildHeader writes the JSON by hand to fix the key order: metadata first
// (sorted keys), then the tensors in data order. It is padded with spaces so
// the data section starts 8-byte aligned, as the reference writer does.
func buildHeader(meta map[string]string, order []*Tensor) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		b.Write(jsonString(metadataKey))
		b.WriteString(":{")
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(jsonString(k))
			b.WriteByte(':')
			b.Write(jsonString(meta[k]))
		}
		b.WriteByte('}')
	}
	var off int64
	for i, t := range order {
		if i > 0 || len(meta) > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonString(t.Name))
		b.WriteString(`:{"dtype":`)
		b.Write(jsonString(string(t.DType)))
		b.WriteString(`,"shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		end := off + int64(len(t.Data))*int64(t.DType.Size())
		b.WriteString(`],"data_offsets":[`)
		b.WriteString(strconv.FormatInt(off, 10))
		b.WriteByte(',')
		b.WriteString(strconv.FormatInt(end, 10))
		b.WriteString("]}")
		off = end
	}
	b.WriteByte('}')
	for (8+b.Len())%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes()
}

func jsonString(s string) []byte {
	out, _ := json.Marshal(s) // cannot fail for a string
	return out
}

// Save writes f to path atomically: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory. Readers
// see either the old file or the complete new one, even after a crash.
func Save(path string, f *File) error {
	return save(path, f, nil)
}

// save is Save with a hook that can wrap the file's writer, so tests can
// make a write fail halfway.
func save(path string, f *File, wrap func(io.Writer) io.Writer) error {
	if err := f.check(path); err != nil {
		return err // nothing touched on disk yet
	}
	var encodeErr error
	err := atomicfile.Write(path, func(w io.Writer) error {
		if wrap != nil {
			w = wrap(w)
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		if encodeErr = encode(path, bw, f); encodeErr != nil {
			return encodeErr
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	})
	switch {
	case encodeErr != nil:
		return encodeErr // already names the file
	case err != nil:
		return failf(path, "%w", err)
	}
	return nil
}
