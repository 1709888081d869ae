package dataset

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
)

// Array files WriteArrays writes into its directory.
const (
	FramesArray = "frames.npy" // uint8 [N, H, W, 3], RGB
	CursorArray = "cursor.npy" // uint8 [N, H, W], 1 where the cursor is drawn
	ArraysIndex = "traces.json"
)

// ArrayTrace is one trace's place in the arrays (traces.json).
type ArrayTrace struct {
	Path   string `json:"path"`
	First  int    `json:"first"` // index of its first frame
	Frames int    `json:"frames"`
}

// WriteArrays writes every frame of d and its cursor mask (as Trace.Mask
// gives it, the cursor supervision's pixels) as NumPy arrays into dir, so
// that training outside the engine (engine/pyref/train_ae.py) sees exactly
// the frames and weights ours does. Each file is written atomically;
// progress, if set, is called with the frames written so far. It returns
// where each trace's frames are (also written to traces.json).
func (d *Dataset) WriteArrays(dir string, progress func(done int)) ([]ArrayTrace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w, h := d.Width, d.Height
	index := make([]ArrayTrace, 0, len(d.Traces))
	n := 0
	for _, t := range d.Traces {
		index = append(index, ArrayTrace{Path: t.Path, First: n, Frames: t.R.Len()})
		n += t.R.Len()
	}
	done := 0
	err := atomicfile.Write(filepath.Join(dir, FramesArray), func(out io.Writer) error {
		bw := bufio.NewWriterSize(out, 1<<20)
		if err := writeNPYHeader(bw, n, h, w, 3); err != nil {
			return err
		}
		row := make([]byte, w*h*3)
		for _, t := range d.Traces {
			for i := range t.R.Len() {
				img, err := t.R.Frame(i)
				if err != nil {
					return fmt.Errorf("%s: frame %d: %w", t.Path, i, err)
				}
				for y := range h {
					src := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
					for x := range w {
						copy(row[(y*w+x)*3:(y*w+x)*3+3], src[4*x:4*x+3])
					}
				}
				if _, err := bw.Write(row); err != nil {
					return err
				}
				if done++; progress != nil && done%256 == 0 {
					progress(done)
				}
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return nil, err
	}
	err = atomicfile.Write(filepath.Join(dir, CursorArray), func(out io.Writer) error {
		bw := bufio.NewWriterSize(out, 1<<20)
		if err := writeNPYHeader(bw, n, h, w); err != nil {
			return err
		}
		mask := make([]float32, w*h)
		row := make([]byte, w*h)
		for _, t := range d.Traces {
			for i := range t.R.Len() {
				t.Mask(mask, i, w, h)
				for k, v := range mask {
					row[k] = byte(min(v, 1))
				}
				if _, err := bw.Write(row); err != nil {
					return err
				}
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(done)
	}
	return index, atomicfile.Write(filepath.Join(dir, ArraysIndex), func(out io.Writer) error {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(index)
	})
}

// writeNPYHeader writes the header of a C-ordered uint8 array of the given
// shape in NumPy's .npy format, version 1.0: magic, version, the header's
// length, and a Python dict literal padded so the data starts at a
// multiple of 64 bytes.
func writeNPYHeader(w io.Writer, shape ...int) error {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = fmt.Sprint(s)
	}
	dict := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': (%s), }", strings.Join(dims, ", "))
	const prefix = 10 // magic (6), version (2), header length (2)
	pad := 64 - (prefix+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	header := dict + strings.Repeat(" ", pad) + "\n"
	if len(header) > 0xffff {
		return fmt.Errorf("npy header of %d bytes", len(header))
	}
	var pre [prefix]byte
	copy(pre[:], "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(header)))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	_, err := io.WriteString(w, header)
	return err
}
