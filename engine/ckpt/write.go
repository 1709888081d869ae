package ckpt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
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
func save(path string, f *File, wrap func(io.Writer) io.Writer) (err error) {
	if err := f.check(path); err != nil {
		return err // nothing touched on disk yet
	}
	dir := filepath.Dir(path)
	// Keep an existing file's permissions; a new one gets 0644 less umask.
	perm, keep := os.FileMode(0o644), false
	if st, err := os.Stat(path); err == nil {
		perm, keep = st.Mode().Perm(), true
	}
	tmp, err := createTemp(dir, filepath.Base(path), perm)
	if err != nil {
		return failf(path, "%v", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if keep {
		if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
			return failf(path, "%v", err)
		}
	}

	var w io.Writer = tmp
	if wrap != nil {
		w = wrap(w)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := encode(path, bw, f); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return failf(path, "write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return failf(path, "sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return failf(path, "close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return failf(path, "%v", err)
	}
	// The rename is durable only once the directory entry is on disk.
	if err := syncDir(dir); err != nil {
		return failf(path, "sync directory: %v", err)
	}
	return nil
}

// createTemp is os.CreateTemp with a chosen mode (CreateTemp always uses
// 0600, which would make every saved checkpoint private).
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%08x", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, errors.New("cannot create a temporary file in " + dir)
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot sync a directory; nothing more can be done.
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
