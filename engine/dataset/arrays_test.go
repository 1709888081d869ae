package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestWriteArrays checks the arrays byte for byte against the dataset
// (header, frames, cursor masks) and, where Debian's NumPy is installed,
// that NumPy reads them with the same shape and values.
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
	index, err := d.WriteArrays(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != 2 || index[1].First != index[0].Frames || index[0].Frames+index[1].Frames != 65 {
		t.Fatalf("index %+v", index)
	}
	frames := readNPY(t, filepath.Join(out, FramesArray), "(65, 48, 64, 3)")
	cursor := readNPY(t, filepath.Join(out, CursorArray), "(65, 48, 64)")
	mask := make([]float32, 64*48)
	n, drawn := 0, 0
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
			n++
		}
	}
	if drawn == 0 {
		t.Fatal("no cursor pixel in any mask")
	}
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3 to read the arrays with NumPy")
	}
	script := `import numpy as np, sys
f = np.load(sys.argv[1]); c = np.load(sys.argv[2])
print(f.shape, f.dtype, c.shape, int(f.sum()), int(c.sum()))`
	got, err := exec.Command("/usr/bin/python3", "-c", script, filepath.Join(out, FramesArray), filepath.Join(out, CursorArray)).CombinedOutput()
	if err != nil {
		t.Skipf("NumPy: %v: %s", err, got)
	}
	var sum int
	for _, b := range frames {
		sum += int(b)
	}
	want := "(65, 48, 64, 3) uint8 (65, 48, 64) " + strconv.Itoa(sum) + " " + strconv.Itoa(drawn)
	if strings.TrimSpace(string(got)) != want {
		t.Fatalf("NumPy read %q, want %q", got, want)
	}
}

// readNPY checks an .npy file's header (uint8, C order, the shape) and
// returns its data.
func readNPY(t *testing.T, path, shape string) []byte {
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
		!strings.Contains(header, "'descr': '|u1'") || !strings.Contains(header, "'shape': "+shape) {
		t.Fatalf("%s: header %q", path, header)
	}
	return b[10+n:]
}
