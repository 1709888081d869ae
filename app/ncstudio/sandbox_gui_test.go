package main

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestSandboxRecordGUI uses the sandbox window as a person would, through
// real X input events (xdotool), while it records: double-click the Calc
// icon, type a sum, press Return. The recorded trace must validate, and
// replaying its actions through a fresh desktop must reproduce the result
// and the recorded frames exactly.
func TestSandboxRecordGUI(t *testing.T) {
	bin := buildForGUI(t)
	rec := filepath.Join(t.TempDir(), "human.nctrace")
	const quitAfter = 20 * time.Second
	g := startGUI(t, bin, "^NC Studio sandbox", "sandbox", "--record", rec, "--size", "256x192", "--scale", "3", "--quit-after", quitAfter.String())
	geo := g.geometry()
	time.Sleep(2 * time.Second) // let the first frames arrive

	// The frame fills the window's width at 3 screen pixels per frame pixel.
	d, _ := sandbox.New(nil, sandbox.Options{Width: 256, Height: 192})
	calc := d.Icons()[1]
	p := calc.Picture.Min.Add(calc.Picture.Max).Div(2)
	scale := geo["WIDTH"] / 256
	g.xdo("mousemove", "--window", g.win, fmt.Sprint(p.X*scale+scale/2), fmt.Sprint(p.Y*scale+scale/2))
	time.Sleep(300 * time.Millisecond)
	g.xdo("click", "--repeat", "2", "--delay", "80", "1")
	time.Sleep(time.Second)
	g.xdo("type", "--delay", "150", "12+7")
	g.xdo("key", "Return")
	time.Sleep(time.Second)
	g.waitQuit(quitAfter)
	if !strings.Contains(g.output.String(), "recorded ") {
		t.Errorf("no summary printed:\n%s", g.output.String())
	}

	r, err := trace.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	st := trace.ComputeStats(r.Events())
	t.Logf("recorded %d frames: %+v", r.Len(), st)
	if r.Len() < 100 || st.Clicks < 2 || st.TextChars < 4 {
		t.Fatalf("recorded %d frames, %d clicks, %d typed characters", r.Len(), st.Clicks, st.TextChars)
	}
	spec, err := synth.LoadSpec(rec)
	if err != nil {
		t.Fatal(err)
	}
	states, err := synth.Replay(r, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewRGBA(image.Rect(0, 0, 256, 192))
	var last *sandbox.Desktop
	for i, d := range states {
		d.Render(want)
		got, err := r.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		if string(want.Pix) != string(got.Pix) {
			t.Fatalf("recorded frame %d differs from the replay", i)
		}
		last = d
	}
	last.Step(r.Action(r.Len() - 1))
	if w, ok := last.Window("calc"); !ok || w.Display != "19" {
		t.Errorf("after replaying the session the calculator is %+v, want it open showing 19", w)
	}
}
