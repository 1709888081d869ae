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

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/atomicfile"
)

// Array files WriteArrays writes into its directory. Row i of actions,
// pointer and events is step i, which leads from frame i to frame i+1 (the
// last frame of a trace has an action too, which no frame follows).
const (
	FramesArray  = "frames.npy"  // uint8 [N, H, W, 3], RGB
	CursorArray  = "cursor.npy"  // uint8 [N, H, W], 1 where the cursor is drawn
	ActionsArray = "actions.npy" // float32 [N, F], the action's features as the model sees them
	PointerArray = "pointer.npy" // int32 [N, 2], the action's pointer x, y (for the cursor map)
	EventsArray  = "events.npy"  // uint8 [N], 1 where the next frame changes EventMinChange of the pixels
	ArraysIndex  = "traces.json"
)

// ArrayTrace is one trace's place in the arrays (traces.json).
type ArrayTrace struct {
	Path   string `json:"path"`
	First  int    `json:"first"` // index of its first frame
	Frames int    `json:"frames"`
}

// Featurizer writes the features of action a, which followed prev with
// presses the press clock before it (Features floats), into dst: the
// model's own (model.Config.Featurize).
type Featurizer struct {
	Features  int
	Featurize func(dst []float32, prev, a action.Action, presses action.PressClock)
}

// WriteArrays writes every frame of d, its cursor mask (as Trace.Mask gives
// it, the cursor supervision's pixels), every step's action features and
// pointer, and which steps are events, as NumPy arrays into dir, so that
// training outside the engine (engine/pyref/train_*.py) sees
// exactly the frames, inputs and weights ours does. Each file is written
// atomically; progress, if set, is called with the frames written so far.
// It returns where each trace's frames are (also written to traces.json).
func (d *Dataset) WriteArrays(dir string, f Featurizer, progress func(done int)) ([]ArrayTrace, error) {
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
	events := make([]byte, n)
	done := 0
	err := writeArray(dir, FramesArray, "|u1", []int{n, h, w, 3}, func(bw io.Writer) error {
		row, prev := make([]byte, w*h*3), make([]byte, w*h*3)
		return d.eachStep(func(t *Trace, i int) error {
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
			// Events are found here, in the one pass that decodes the frames.
			if i > 0 && changedShare(prev, row) >= EventMinChange {
				events[done-1] = 1
			}
			if _, err := bw.Write(row); err != nil {
				return err
			}
			row, prev = prev, row
			if done++; progress != nil && done%256 == 0 {
				progress(done)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeArray(dir, CursorArray, "|u1", []int{n, h, w}, func(bw io.Writer) error {
		mask := make([]float32, w*h)
		row := make([]byte, w*h)
		return d.eachStep(func(t *Trace, i int) error {
			t.Mask(mask, i, w, h)
			for k, v := range mask {
				row[k] = byte(min(v, 1))
			}
			_, err := bw.Write(row)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeArray(dir, ActionsArray, "<f4", []int{n, f.Features}, func(bw io.Writer) error {
		feats := make([]float32, f.Features)
		return d.eachStep(func(t *Trace, i int) error {
			prev, a := t.StepActions(i)
			f.Featurize(feats, prev, a, t.Presses(i))
			return binary.Write(bw, binary.LittleEndian, feats)
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeArray(dir, PointerArray, "<i4", []int{n, 2}, func(bw io.Writer) error {
		return d.eachStep(func(t *Trace, i int) error {
			a := t.R.Action(i)
			return binary.Write(bw, binary.LittleEndian, [2]int32{int32(a.X), int32(a.Y)})
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeArray(dir, EventsArray, "|u1", []int{n}, func(bw io.Writer) error {
		_, err := bw.Write(events)
		return err
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

// eachStep calls fn for every step of every trace, in order, until an error.
func (d *Dataset) eachStep(fn func(t *Trace, i int) error) error {
	for _, t := range d.Traces {
		for i := range t.R.Len() {
			if err := fn(t, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeArray writes dir/name atomically as an .npy array of NumPy dtype
// descr and the given shape, its data from body (through a buffer).
func writeArray(dir, name, descr string, shape []int, body func(w io.Writer) error) error {
	return atomicfile.Write(filepath.Join(dir, name), func(out io.Writer) error {
		bw := bufio.NewWriterSize(out, 1<<20)
		if err := writeNPYHeader(bw, descr, shape...); err != nil {
			return err
		}
		if err := body(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// writeNPYHeader writes the header of a C-ordered array of NumPy dtype
// descr ("|u1", "<f4", "<i4") and the given shape in NumPy's .npy format, version 1.0: magic, version, the header's
// length, and a Python dict literal padded so the data starts at a
// multiple of 64 bytes.
func writeNPYHeader(w io.Writer, descr string, shape ...int) error {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = fmt.Sprint(s)
	}
	tuple := strings.Join(dims, ", ")
	if len(dims) == 1 {
		tuple += "," // a Python 1-tuple: (n,)
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
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
