package guiworld

import (
	"bytes"
	"image"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestImportSample imports the sample made by testdata/recipe (Xvfb, twm,
// xterm, ffmpeg x11grab, xdotool) at half size.
func TestImportSample(t *testing.T) {
	out := t.TempDir()
	ims, err := ImportDir(filepath.Join("testdata", "sample"), out, 512, 384)
	if err != nil {
		t.Fatal(err)
	}
	if len(ims) != 1 || ims[0].Frames != 45 || ims[0].Rows != 45 || ims[0].VideoFrames != 45 {
		t.Fatalf("imported %+v", ims)
	}
	if err := trace.Validate(ims[0].Trace); err != nil {
		t.Fatal(err)
	}
	r, err := trace.Open(ims[0].Trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if a := r.Action(0); a.X != 210 || a.Y != 100 {
		t.Errorf("first action at (%d, %d), want the log's (420, 200) halved", a.X, a.Y)
	}
	if a := r.Action(10); a.Buttons != action.Left {
		t.Errorf("frame 10's action %v, want the left click", a)
	}
	if a := r.Action(14); !reflect.DeepEqual(a.KeyDown, []string{"l"}) || a.Text != "l" {
		t.Errorf("frame 14's action %v, want the key l", a)
	}
	// "ls" ran in the xterm: its output line (screen y 150..165) appears
	// between frames 10 and 40.
	before, _ := r.Frame(10)
	after, _ := r.Frame(40)
	changed := 0
	for y := 75; y < 83; y++ {
		for x := 52; x < 130; x++ {
			if before.RGBAAt(x, y) != after.RGBAAt(x, y) {
				changed++
			}
		}
	}
	if changed < 40 {
		t.Errorf("the xterm's output line changed in %d pixels", changed)
	}
}

// TestExportImport: a trace exported in the GUIWorld layout imports back
// with the same frames and actions.
func TestExportImport(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src.nctrace")
	w, err := trace.Create(src, trace.Meta{Kind: trace.GUI, Width: 64, Height: 48, FPS: 15, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var s action.Script
	s.MoveTo(40, 30, 5)
	s.Click(action.Left)
	s.Type("Hi!")
	s.Key("Return")
	s.Press(action.Right)
	s.MoveTo(10, 5, 3)
	s.Release(action.Right)
	var frames []*image.RGBA
	for i, a := range s.Actions {
		f := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for p := range f.Pix {
			f.Pix[p] = uint8(p*7 + i*13)
		}
		for p := 3; p < len(f.Pix); p += 4 {
			f.Pix[p] = 255
		}
		frames = append(frames, f)
		if err := w.Append(f, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Export(src, dir, "mine"); err != nil {
		t.Fatal(err)
	}
	ims, err := ImportDir(dir, t.TempDir(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := trace.Open(ims[0].Trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != len(frames) {
		t.Fatalf("%d frames back, want %d", r.Len(), len(frames))
	}
	for i := range frames {
		f, _ := r.Frame(i)
		if !bytes.Equal(f.Pix, frames[i].Pix) {
			t.Errorf("frame %d differs", i)
		}
		if got := r.Action(i); !reflect.DeepEqual(got, s.Actions[i]) {
			t.Errorf("action %d: %v, want %v", i, got, s.Actions[i])
		}
	}
}
