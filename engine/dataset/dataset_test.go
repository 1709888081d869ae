package dataset

import (
	"context"
	"github.com/ncstudio/ncstudio/engine/trace"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
)

func TestOpenAndCursor(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.nctrace")
	if _, err := synth.Write(context.Background(), path, synth.Options{Width: 64, Height: 48, FPS: 15, Agent: "goal", Seed: 4, Frames: 300}); err != nil {
		t.Fatal(err)
	}
	d, err := Open([]string{dir}, trace.GUI, 64, 48)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Frames() != 300 || len(d.Traces) != 1 {
		t.Fatalf("%d frames in %d traces", d.Frames(), len(d.Traces))
	}
	// Frame i+1 shows the cursor where action i left it, with the sprite
	// the sandbox drew: the mask covers exactly the sprite's pixels.
	tr := d.Traces[0]
	mask := make([]float32, 64*48)
	ibeams := 0
	for i := range 299 {
		c := tr.Cursor[i+1]
		if a := tr.R.Action(i); c.X != a.X || c.Y != a.Y {
			t.Fatalf("frame %d: cursor at (%d, %d), action %d left it at (%d, %d)", i+1, c.X, c.Y, i, a.X, a.Y)
		}
		if c.Sprite.Image == sandbox.CursorSprite(sandbox.IBeam).Image {
			ibeams++
		}
		tr.Mask(mask, i+1, 64, 48)
		if c.X >= 2 && c.Y >= 2 && c.X < 50 && c.Y < 30 && mask[c.Y*64+c.X] != 1 {
			t.Fatalf("frame %d: the mask misses the hotspot", i+1)
		}
	}
	t.Logf("%d of 299 frames show the I-beam", ibeams)

	if _, err := Open([]string{dir}, trace.GUI, 128, 96); err == nil {
		t.Error("traces of another size accepted")
	}
	if _, err := Open([]string{t.TempDir()}, trace.GUI, 64, 48); err == nil {
		t.Error("a directory without traces accepted")
	}
}

// TestFindTracesFollowsLinks: a folder of symbolic links to traces (a
// subset picked by hand) is searched like a folder of traces; other
// entries are ignored and an empty folder is an error naming it.
func TestFindTracesFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "a.nctrace")
	links := filepath.Join(dir, "subset")
	for _, d := range []string{real, links, filepath.Join(dir, "empty")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(real, filepath.Join(links, "a.nctrace")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(links, "dangling.nctrace")); err != nil {
		t.Fatal(err)
	}
	got, err := FindTraces([]string{links})
	if err != nil || len(got) != 1 || got[0] != filepath.Join(links, "a.nctrace") {
		t.Errorf("FindTraces(links) = %v, %v", got, err)
	}
	if _, err := FindTraces([]string{filepath.Join(dir, "empty")}); err == nil || !strings.Contains(err.Error(), "empty: no traces") {
		t.Errorf("empty folder: %v", err)
	}
}
