package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// SpecFile is the file in a sandbox trace that holds the desktop's spec, so
// the trace can be replayed exactly: to get each frame's cursor mask (the
// sprite changes over editors), or to check the trace.
const SpecFile = "sandbox-spec.json"

// SaveSpec writes spec into a trace directory.
func SaveSpec(traceDir string, spec *sandbox.Spec) error {
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(traceDir, SpecFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// LoadSpec reads the spec of a sandbox trace.
func LoadSpec(traceDir string) (*sandbox.Spec, error) {
	path := filepath.Join(traceDir, SpecFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a sandbox trace, or one without its spec: %w", traceDir, err)
	}
	return sandbox.ParseSpec(path, data)
}

// Replay steps a fresh desktop through the actions of r, a trace of spec,
// yielding for each frame index the desktop as it was when that frame was
// drawn (before the frame's action).
func Replay(r *trace.Reader, spec *sandbox.Spec) (iter.Seq2[int, *sandbox.Desktop], error) {
	m := r.Meta()
	d, err := sandbox.New(spec, sandbox.Options{Width: m.Width, Height: m.Height, FPS: m.FPS})
	if err != nil {
		return nil, err
	}
	return func(yield func(int, *sandbox.Desktop) bool) {
		for i := range r.Len() {
			if !yield(i, d) {
				return
			}
			d.Step(r.Action(i))
		}
	}, nil
}
