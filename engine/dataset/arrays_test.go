package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestWriteArrays checks the arrays byte for byte against the dataset
// (headers, frames, cursor masks, action features, pointers, events) and,
// where Debian's NumPy is installed, that NumPy reads them with the same
// shapes and values.
func TestWriteArrays(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for seed, frames := range map[uint64]int{4: 40, 5: 25} {
		p := filepath.Join(dir, "t"+strconv.FormatUint(seed, 10)+".nctrace")
		if _, err := synth.Write(context.Background(), p, synth.Options{Width: 64, Height: 48, FPS: 15, Agent: "mixed", Seed: seed, Frames: frames}); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	d, err := Open(paths, trace.GUI, 64, 48)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := filepath.Join(dir, "arrays")
	cfg := model.Config{Width: 64, Height: 48, Dyn: model.DynamicsConfig{PressHistory: 8}}
	feat := Featurizer{Features: cfg.ActionInputs(), Featurize: cfg.Featurize}
	index, err := d.WriteArrays(out, feat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != 2 || index[1].First != index[0].Frames || index[0].Frames+index[1].Frames != 65 {
		t.Fatalf("index %+v", index)
	}
	frames := readNPY(t, filepath.Join(out, FramesArray), "|u1", "(65, 48, 64, 3)")
	cursor := readNPY(t, filepath.Join(out, CursorArray), "|u1", "(65, 48, 64)")
	actions := readNPY(t, filepath.Join(out, ActionsArray), "<f4", "(65, "+strconv.Itoa(cfg.ActionInputs())+")")
	pointer := readNPY(t, filepath.Join(out, PointerArray), "<i4", "(65, 2)")
	events := readNPY(t, filepath.Join(out, EventsArray), "|u1", "(65,)")
	feats := make([]float32, cfg.ActionInputs())
	mask := make([]float32, 64*48)
	n, drawn, recentPresses := 0, 0, 0
	for _, tr := range d.Traces {
		for i := range tr.R.Len() {
			img, _ := tr.R.Frame(i)
			for p := range 64 * 48 {
				if !bytes.Equal(frames[(n*64*48+p)*3:][:3], img.Pix[4*p:4*p+3]) {
					t.Fatalf("frame %d pixel %d differs", n, p)
				}
			}
			tr.Mask(mask, i, 64, 48)
			for p, v := range mask {
				if cursor[n*64*48+p] != byte(v) {
					t.Fatalf("cursor mask %d pixel %d: %d, want %g", n, p, cursor[n*64*48+p], v)
				}
				drawn += int(v)
			}
			prev, a := tr.StepActions(i)
			cfg.Featurize(feats, prev, a, tr.Presses(i))
			for _, v := range feats[model.ActionFeatures:] {
				recentPresses += int(v)
			}
			for k, v := range feats {
				if got := math.Float32frombits(binary.LittleEndian.Uint32(actions[(n*len(feats)+k)*4:])); got != v {
					t.Fatalf("step %d feature %d: %g, want %g", n, k, got, v)
				}
			}
			if x, y := int32(binary.LittleEndian.Uint32(pointer[n*8:])), int32(binary.LittleEndian.Uint32(pointer[n*8+4:])); x != int32(a.X) || y != int32(a.Y) {
				t.Fatalf("step %d pointer %d,%d, want %d,%d", n, x, y, a.X, a.Y)
			}
			n++
		}
	}
	if drawn == 0 || recentPresses == 0 {
		t.Fatalf("%d cursor pixels in the masks, %d recent presses in the actions: both should be some", drawn, recentPresses)
	}
	steps, err := d.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 65)
	for _, s := range steps {
		want[index[slices.Index(d.Traces, s.Trace)].First+s.I] = 1
	}
	if !bytes.Equal(events, want) || len(steps) == 0 {
		t.Fatalf("events %v, want %v (%d events)", events, want, len(steps))
	}
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3 to read the arrays with NumPy")
	}
	script := `import numpy as np, sys
f, c, a, p, e = (np.load(sys.argv[1] + "/" + n) for n in sys.argv[2:])
print(f.shape, f.dtype, c.shape, int(f.sum()), int(c.sum()), a.dtype, p.dtype, int(p.sum()), int(e.sum()))`
	got, err := exec.Command("/usr/bin/python3", "-c", script, out, FramesArray, CursorArray, ActionsArray, PointerArray, EventsArray).CombinedOutput()
	if err != nil {
		t.Skipf("NumPy: %v: %s", err, got)
	}
	var sum, psum int
	for _, b := range frames {
		sum += int(b)
	}
	for _, tr := range d.Traces {
		for i := range tr.R.Len() {
			psum += tr.R.Action(i).X + tr.R.Action(i).Y
		}
	}
	line := fmt.Sprintf("(65, 48, 64, 3) uint8 (65, 48, 64) %d %d float32 int32 %d %d", sum, drawn, psum, len(steps))
	if strings.TrimSpace(string(got)) != line {
		t.Fatalf("NumPy read %q, want %q", got, line)
	}
}

// readNPY checks an .npy file's header (dtype descr, the shape) and
// returns its data.
func readNPY(t *testing.T, path, descr, shape string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("%s: magic %q", path, b[:8])
	}
	n := int(binary.LittleEndian.Uint16(b[8:10]))
	header := string(b[10 : 10+n])
	if (10+n)%64 != 0 || !strings.HasSuffix(header, "\n") ||
		!strings.Contains(header, "'descr': '"+descr+"'") || !strings.Contains(header, "'shape': "+shape) {
		t.Fatalf("%s: header %q", path, header)
	}
	return b[10+n:]
}
