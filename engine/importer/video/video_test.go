package video

import (
	"bytes"
	"errors"
	"image"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestLosslessRoundTrip: frames written decode back to the same pixels,
// and the probe reads the size and rate.
func TestLosslessRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mp4")
	w, err := Create(path, 40, 30, 15)
	if err != nil {
		t.Fatal(err)
	}
	var frames []*image.RGBA
	for k := range 5 {
		f := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for i := range f.Pix {
			f.Pix[i] = uint8(i*31 + k*57)
			if i%4 == 3 {
				f.Pix[i] = 255
			}
		}
		frames = append(frames, f)
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := Probe(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 40 || info.Height != 30 || info.FPS != 15 {
		t.Errorf("probe %+v", info)
	}
	r, err := Open(path, 40, 30, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for k := 0; ; k++ {
		err := r.Next(got)
		if errors.Is(err, io.EOF) {
			if k != len(frames) {
				t.Errorf("%d frames back, want %d", k, len(frames))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, frames[k].Pix) {
			t.Errorf("frame %d differs", k)
		}
	}
}

func TestProbeErrors(t *testing.T) {
	_, err := Probe(filepath.Join(t.TempDir(), "missing.mp4"))
	if err == nil || !strings.Contains(err.Error(), "missing.mp4") {
		t.Errorf("got %v", err)
	}
}
