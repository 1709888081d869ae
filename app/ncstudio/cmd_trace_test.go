package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// writeTestTrace records n frames of 48x32 in which a box slides, with a
// click at step 3 and a typed "hi" at step 5.
func writeTestTrace(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo.nctrace")
	w, err := trace.Create(dir, trace.Meta{
		Kind: trace.GUI, Width: 48, Height: 32, FPS: 10, Source: "test",
		Cursor: trace.Cursor{Sprite: "arrow"}, Tags: map[string]string{"task": "demo"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		img := image.NewRGBA(image.Rect(0, 0, 48, 32))
		for p := range img.Pix {
			img.Pix[p] = 200
		}
		for y := 10; y < 20; y++ {
			for x := i % 40; x < i%40+8; x++ {
				img.SetRGBA(x, y, color.RGBA{0, 0, 255, 255})
			}
		}
		a := action.Action{X: i % 48, Y: 5}
		if i == 3 {
			a.Buttons = action.Left
		}
		if i == 5 {
			a.KeyDown, a.KeyUp, a.Text = []string{"h", "i"}, []string{"h", "i"}, "hi"
		}
		if err := w.Append(img, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTraceInfo(t *testing.T) {
	dir := writeTestTrace(t, 25)
	var out, errb bytes.Buffer
	if err := dispatch([]string{"trace", "info", dir, "--json"}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var info traceInfo
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		t.Fatalf("bad JSON %q: %v", out.String(), err)
	}
	if info.Frames != 25 || info.Seconds != 2.5 || info.Meta.Width != 48 || !info.Meta.Complete || info.Recovery != nil {
		t.Errorf("info = %+v", info)
	}
	st, _ := os.Stat(filepath.Join(dir, trace.FramesFile))
	if info.FramesBytes != st.Size() || info.DiskBytes <= info.FramesBytes || info.RawBytes != 25*48*32*3 || info.Ratio <= 1 {
		t.Errorf("sizes: frames %d (file %d), disk %d, raw %d, ratio %v", info.FramesBytes, st.Size(), info.DiskBytes, info.RawBytes, info.Ratio)
	}
	if a := info.Actions; a.Clicks != 1 || a.Keys != 2 || a.TextChars != 2 {
		t.Errorf("actions = %+v", a)
	}

	out.Reset()
	if err := dispatch([]string{"trace", "info", dir}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind:     gui, 48x32 at 10 fps", "frames:   25 (2.5s at 10 fps)", "1 clicks, 2 keys, 2 text chars",
		"tags:     task=demo", "state:    complete", "cursor:   arrow, hotspot (0, 0)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTraceInfoWhileRecording(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "live.nctrace")
	w, err := trace.Create(dir, trace.Meta{Kind: trace.CLI, Width: 16, Height: 8, FPS: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for range 3 {
		w.Append(image.NewRGBA(image.Rect(0, 0, 16, 8)), action.Action{})
	}
	w.Flush()
	var out, errb bytes.Buffer
	for _, args := range [][]string{{"trace", "info", dir}, {"trace", "validate", dir}} {
		out.Reset()
		if err := dispatch(args, &out, &errb); err != nil {
			t.Fatal(err)
		}
		if want := "unfinished recording: recovered 3 frames"; !strings.Contains(out.String(), want) {
			t.Errorf("%v output lacks %q:\n%s", args, want, out.String())
		}
	}
	if !strings.HasPrefix(out.String(), "OK "+dir+": 3 frames") {
		t.Errorf("validate: %q", out.String())
	}
}

func TestTraceValidate(t *testing.T) {
	dir := writeTestTrace(t, 12)
	var out, errb bytes.Buffer
	if err := dispatch([]string{"trace", "validate", dir}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if want := "OK " + dir + ": 12 frames"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("output %q, want it to start with %q", out.String(), want)
	}

	// Flip a byte of the compressed frames: the CRC catches it.
	path := filepath.Join(dir, trace.FramesFile)
	b, _ := os.ReadFile(path)
	b[len(b)-3] ^= 0x40
	os.WriteFile(path, b, 0o644)
	out.Reset()
	err := dispatch([]string{"trace", "validate", dir, "--json"}, &out, &errb)
	want := "trace: " + path + ": chunk 0 at byte 0: payload CRC mismatch"
	if err == nil || !strings.HasPrefix(err.Error(), want) || exitCode(err) != 1 {
		t.Fatalf("err = %v, want %q with exit status 1", err, want)
	}
	var v traceValidation
	if jerr := json.Unmarshal(out.Bytes(), &v); jerr != nil || v.OK || v.Error != err.Error() {
		t.Errorf("JSON %s (%v)", out.String(), jerr)
	}

	for _, args := range [][]string{{"trace", "validate"}, {"trace", "validate", dir, dir}} {
		if err := dispatch(args, &out, &errb); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
	if err := dispatch([]string{"trace", "validate", filepath.Join(dir, "missing")}, &out, &errb); err == nil || exitCode(err) != 1 {
		t.Errorf("missing trace: %v", err)
	}
}

func TestTraceExport(t *testing.T) {
	dir := writeTestTrace(t, 30)
	out := filepath.Join(t.TempDir(), "demo.gif")
	var stdout, stderr bytes.Buffer
	defer func(d, l time.Duration) { progressEvery, logEvery = d, l }(progressEvery, logEvery)
	progressEvery, logEvery = 0, 0 // print every update
	if err := dispatch([]string{"trace", "export", dir, "--gif", out, "--from", "5", "--to", "25", "--scale", "2"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote "+out+": frames 5..24") {
		t.Errorf("stdout %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "] 20/20 frames") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if g.Config.Width != 96 || g.Config.Height != 64 || len(g.Image) != 20 {
		t.Errorf("GIF %dx%d with %d frames", g.Config.Width, g.Config.Height, len(g.Image))
	}

	pngs := filepath.Join(t.TempDir(), "frames")
	stdout.Reset()
	if err := dispatch([]string{"trace", "export", dir, "--png-dir", pngs, "--to", "4", "--json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var res traceExport
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Frames != 4 || res.Format != "png" {
		t.Errorf("JSON %s (%v)", stdout.String(), err)
	}
	for _, name := range []string{"frame_000000.png", "frame_000003.png"} {
		if _, err := os.Stat(filepath.Join(pngs, name)); err != nil {
			t.Error(err)
		}
	}

	for _, args := range [][]string{
		{"trace", "export", dir},
		{"trace", "export", dir, "--gif", out, "--png-dir", pngs},
		{"trace", "export", dir, "--gif", out, "--from", "30"},
		{"trace", "export", dir, "--gif", out, "--to", "31"},
		{"trace", "export", dir, "--gif", out, "--scale", "0"},
	} {
		if err := dispatch(args, &stdout, &stderr); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
	// A GIF that cannot be written leaves nothing behind.
	bad := filepath.Join(t.TempDir(), "no", "such", "dir.gif")
	if err := dispatch([]string{"trace", "export", dir, "--gif", bad}, &stdout, &stderr); err == nil || exitCode(err) != 1 {
		t.Errorf("unwritable GIF: %v", err)
	}
}
