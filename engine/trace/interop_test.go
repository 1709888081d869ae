package trace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

// python finds a Python 3 with the zstandard module, or skips the test.
func python(t *testing.T) string {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import zstandard").Run() == nil {
			return py
		}
	}
	t.Skip("no Python 3 with the zstandard module (Debian: python3-zstandard); skipping the Python reader check")
	return ""
}

// TestPythonReader reads traces with testdata/nctrace.py, written from
// docs/TRACE_FORMAT.md alone, and checks it sees what Go wrote.
func TestPythonReader(t *testing.T) {
	py := python(t)
	rng := rand.New(rand.NewPCG(5, 6))
	const w, h, n = 40, 30, 100
	frames := make([]*image.RGBA, n)
	acts := make([]action.Action, n)
	for i := range n {
		frames[i], acts[i] = randomFrame(rng, w, h), randomAction(rng, w, h)
	}
	complete := writeTrace(t, testMeta(w, h), n, func(i int) *image.RGBA { return frames[i] },
		func(i int) action.Action { return acts[i] })
	torn, _ := unfinished(t)
	os.Truncate(filepath.Join(torn, FramesFile), fileSize(t, torn, FramesFile)-5)

	for _, dir := range []string{complete, torn} {
		cmd := exec.Command(py, "testdata/nctrace.py", dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("nctrace.py %s: %v", dir, err)
		}
		var got struct {
			Frames    int
			Recovered bool
			SHA256    []string
			Events    []struct {
				I int
				T float64
				action.Action
			}
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got.Frames != r.Len() || len(got.SHA256) != r.Len() || len(got.Events) != r.Len() || got.Recovered != (r.Recovery() != nil) {
			t.Fatalf("%s: Python sees %d frames (%d sums, %d events, recovered %v), Go %d",
				dir, got.Frames, len(got.SHA256), len(got.Events), got.Recovered, r.Len())
		}
		var rgb []byte
		for i := range r.Len() {
			rgb, err = r.FrameRGB(i, rgb)
			if err != nil {
				t.Fatal(err)
			}
			if sum := sha256.Sum256(rgb); hex.EncodeToString(sum[:]) != got.SHA256[i] {
				t.Fatalf("%s: frame %d differs in Python", dir, i)
			}
			e, want := got.Events[i], r.Event(i)
			if e.I != i || math.Abs(e.T-want.Time.Seconds()) > 1e-9 || e.Action.String() != want.Action.String() {
				t.Fatalf("%s: event %d: Python %+v, Go %+v", dir, i, e, want)
			}
		}
	}
}
