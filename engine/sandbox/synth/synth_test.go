package synth

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func write(t *testing.T, o Options) (string, trace.Meta) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "s.nctrace")
	m, err := Write(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

// TestTracesArePerfect replays a written trace's actions through a fresh
// desktop and checks that every stored frame is exactly what the desktop
// renders: frame i, then action i.
func TestTracesArePerfect(t *testing.T) {
	for _, size := range [][2]int{{256, 192}, {128, 96}} {
		dir, m := write(t, Options{Width: size[0], Height: size[1], FPS: 15, Agent: "mixed", Seed: 5, Frames: 400})
		if m.Frames != 400 || !m.Complete || m.Tags["agent"] != "mixed" || m.Tags["seed"] != "5" || m.Source != "sandbox:default" {
			t.Fatalf("meta %+v", m)
		}
		r, err := trace.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		spec, err := LoadSpec(dir)
		if err != nil {
			t.Fatal(err)
		}
		states, err := Replay(r, spec)
		if err != nil {
			t.Fatal(err)
		}
		want := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		mask := image.NewAlpha(want.Rect)
		ibeams := 0
		for i, d := range states {
			d.Render(want)
			got, err := r.Frame(i)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Pix) != string(want.Pix) {
				t.Fatalf("%v: frame %d differs from the replayed desktop's", size, i)
			}
			if _, _, shape := d.Cursor(); shape == sandbox.IBeam {
				ibeams++
			}
			d.CursorMask(mask) // what training asks for
		}
		t.Logf("%v: %d frames replayed exactly, %d with the I-beam", size, r.Len(), ibeams)
		r.Close()
	}
}

func TestCancelLeavesValidTrace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := filepath.Join(t.TempDir(), "c.nctrace")
	_, err := Write(ctx, dir, Options{Width: 256, Height: 192, FPS: 15, Agent: "goal", Seed: 1, Frames: 10000,
		Progress: func(n int) {
			if n == 50 {
				cancel()
			}
		}})
	if err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if err := trace.Validate(dir); err != nil {
		t.Fatal(err)
	}
	r, _ := trace.Open(dir)
	defer r.Close()
	if r.Len() != 50 || !r.Meta().Complete {
		t.Errorf("%d frames, complete %v; want 50, true", r.Len(), r.Meta().Complete)
	}
}

// TestChangedSpecChangesTraces adds an icon that opens a new window to the
// default spec and checks that the goal agent's traces show it: the icon on
// the desktop, and the new window opened by double-clicking it.
func TestChangedSpecChangesTraces(t *testing.T) {
	src := string(sandbox.DefaultSpecJSON())
	src = strings.Replace(src, `"icons": [`, `"icons": [
    {"label": "Mail", "picture": "document", "color": "#ff00ff", "opens": "mail"},`, 1)
	src = strings.Replace(src, `"windows": [`, `"windows": [
    {"id": "mail", "kind": "text", "title": "Inbox (3)", "color": "#00ff00", "background": "#ffffff", "width": 120, "height": 70, "text": "From: Ada\nSubject: engines"},`, 1)
	spec, err := sandbox.ParseSpec("mail.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	const frames = 1500
	o := Options{Width: 256, Height: 192, FPS: 15, Agent: "goal", Seed: 2, Frames: frames}
	plainDir, _ := write(t, o)
	o.Spec = spec
	mailDir, m := write(t, o)
	if m.Tags["spec_sha256"] == "" {
		t.Fatal("no spec hash tag")
	}

	// The new icon is drawn where the first icon was: magenta.
	d, _ := sandbox.New(spec, sandbox.Options{Width: 256, Height: 192})
	icon := d.Icons()[0].Picture
	r, err := trace.Open(mailDir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f0, _ := r.Frame(0)
	if c := f0.RGBAAt(icon.Min.X+3, icon.Min.Y+3); c.R != 255 || c.G != 0 || c.B != 255 {
		t.Errorf("frame 0 at the new icon is %v, want magenta", c)
	}

	// The agent opened the new window: its green title bar appears, which
	// no frame of the unchanged desktop has.
	green := func(dir string) int {
		r, err := trace.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		n := 0
		for s, err := range r.Frames() {
			if err != nil {
				t.Fatal(err)
			}
			if countColor(s.Frame, 0, 255, 0) > 200 {
				n++
			}
		}
		return n
	}
	if n := green(mailDir); n < 30 {
		t.Errorf("the new window shows in %d of %d frames, want some", n, frames)
	}
	if n := green(plainDir); n != 0 {
		t.Errorf("the unchanged desktop shows the new window in %d frames", n)
	}
	// Replaying the changed trace's actions opens the "mail" window.
	d, _ = sandbox.New(spec, sandbox.Options{Width: 256, Height: 192})
	seen := false
	for i := range r.Len() {
		d.Step(r.Action(i))
		_, open := d.Window("mail")
		seen = seen || open
	}
	if !seen {
		t.Error("the goal agent never opened the new window")
	}
}

func countColor(img *image.RGBA, r, g, b uint8) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] == r && img.Pix[i+1] == g && img.Pix[i+2] == b {
			n++
		}
	}
	return n
}

func BenchmarkSynth(b *testing.B) {
	const frames = 900
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "b.nctrace")
		if _, err := Write(context.Background(), dir, Options{Width: 256, Height: 192, FPS: 15, Agent: "mixed", Seed: 1, Frames: frames}); err != nil {
			b.Fatal(err)
		}
	}
	perSec := float64(b.N*frames) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "frames/s")
	b.ReportMetric(perSec/15, "x-real-time")
}
