package x11

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/engine/xvfbtest"
)

// desktop starts an Xvfb of 1024x768 with twm and real X programs (xterm,
// xcalc, xclock, xeyes) and returns its display name.
func desktop(t *testing.T) string {
	t.Helper()
	display := xvfbtest.Start(t, "1024x768x24")
	start := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s (make deps installs it): %v", name, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	rc, _ := filepath.Abs(filepath.Join("testdata", "twmrc"))
	start("twm", "-f", rc)
	time.Sleep(300 * time.Millisecond)
	start("xterm", "-geometry", "50x12+40+60", "-xrm", "XTerm*pointerMode: 0") // never hide the pointer
	start("xcalc", "-geometry", "+620+330")
	start("xclock", "-geometry", "150x150+720+40")
	start("xeyes", "-geometry", "160x110+120+520")
	d, err := Open(display)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// A blue root, as desktops have: on Xvfb's black one a black cursor
	// would match anywhere.
	xproto.ChangeWindowAttributes(d.conn, d.root, xproto.CwBackPixel, []uint32{0x3a6ea5})
	xproto.ClearArea(d.conn, false, d.root, 0, 0, 0, 0)
	// Wait until the windows are up.
	for range 100 {
		if tops, _ := d.topLevel(); len(tops) >= 4 {
			return display
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the X programs did not map their windows")
	return ""
}

// TestDriveAndRecord drives a real X desktop for 30 s with the mixed agent
// while recording it at half size, then checks the trace: it validates,
// the programs react, and the cursor drawn into each frame is where the
// actions say.
func TestDriveAndRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("30 s of driving")
	}
	display := desktop(t)
	d, err := Open(display)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The xterm is found by its title (the studio excludes its own window so).
	if rs := d.WindowsNamed("xterm"); len(rs) != 1 || !image.Pt(60, 80).In(rs[0]) {
		t.Errorf("windows titled xterm: %v", rs)
	}
	ag, _ := agent.NewForSurface("mixed", 3)
	o := Options{Width: 512, Height: 384, FPS: 15, Frames: 450, Source: "x11:test"}
	dr, err := NewDriver(d, o, ag)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "x.nctrace")
	if d := os.Getenv("X11_TEST_KEEP"); d != "" {
		dir = d
	}
	st, err := Record(context.Background(), d, dir, o, dr)
	if err != nil {
		t.Fatal(err)
	}
	if err := trace.Validate(dir); err != nil {
		t.Fatal(err)
	}
	r, err := trace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 450 || st.Frames != 450 {
		t.Fatalf("%d frames (stats %+v)", r.Len(), st)
	}
	t.Logf("%d frames in %s, %d dropped, %d cursor shapes", st.Frames, st.Elapsed, st.Dropped, st.Shapes)

	var dets []*metrics.Detector // one per sprite: the frame's own is used
	for i, s := range st.Sprites {
		if testing.Verbose() {
			t.Logf("sprite %d: %v hot (%d,%d), %d opaque pixels", i, s.Image.Rect.Size(), s.HotX, s.HotY, opaque(s.Image))
		}
		if opaque(s.Image) == 0 {
			t.Errorf("cursor shape %d is invisible: nothing to check the position against", i)
			continue
		}
		dets = append(dets, metrics.NewDetector(metrics.Sprite{Image: s.Image, HotX: s.HotX, HotY: s.HotY}))
	}
	frames := make([]*image.RGBA, r.Len())
	for i := range frames {
		if frames[i], err = r.Frame(i); err != nil {
			t.Fatal(err)
		}
	}
	found, scored, reacted, events := 0, 0, 0, 0
	for i := 1; i < r.Len(); i++ {
		a := r.Action(i - 1)
		det := dets[st.FrameSprite[i]]
		if det.Visible(a.X, a.Y, 512, 384) {
			scored++
			if x, y, _ := det.Find(frames[i]); abs(x-a.X) <= 4 && abs(y-a.Y) <= 4 {
				found++
			} else if testing.Verbose() {
				t.Logf("frame %d: cursor found at (%d,%d), logged (%d,%d)", i, x, y, a.X, a.Y)
			}
		}
		// A click or key: does the screen change (away from the cursor)
		// within the next three frames?
		if i >= 2 && i+2 < r.Len() && !a.IsIdle(r.Action(i-2)) {
			events++
			for j := i; j <= i+2; j++ {
				if changedAwayFrom(frames[i-1], frames[j], image.Pt(r.Action(j-1).X, r.Action(j-1).Y), 24) {
					reacted++
					break
				}
			}
		}
	}
	if scored < 400 || float64(found) < 0.99*float64(scored) {
		t.Errorf("the cursor is at the logged position in %d of %d frames (want 99%%)", found, scored)
	}
	if events < 20 || reacted < max(10, events/8) { // X programs redraw on their own time: a margin
		t.Errorf("the screen changed away from the cursor after %d of %d clicks and keys", reacted, events)
	}
	t.Logf("cursor at the logged position in %d of %d frames; %d of %d events changed the screen", found, scored, reacted, events)
}

// changedAwayFrom reports whether a and b differ farther than r pixels
// from p (the cursor, which moves on its own).
func changedAwayFrom(a, b *image.RGBA, p image.Point, r int) bool {
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			if abs(x-p.X) <= r && abs(y-p.Y) <= r {
				continue
			}
			i := a.PixOffset(x, y)
			if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] {
				return true
			}
		}
	}
	return false
}

func opaque(img *image.RGBA) int {
	n := 0
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] > 128 {
			n++
		}
	}
	return n
}

func abs(v int) int { return max(v, -v) }

// TestOpenErrors: a display that is not there is named in the error.
func TestOpenErrors(t *testing.T) {
	_, err := Open(":987")
	if err == nil || !strings.Contains(err.Error(), ":987") {
		t.Errorf("got %v", err)
	}
}

// The RECORD input sees what a person does, in order, the wheel included:
// here xdotool's input through XTest, which the server records like a
// device's.
func TestEventInput(t *testing.T) {
	display := xvfbtest.Start(t, "640x480x24")
	in, err := NewEventInput(display, Options{Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	xdo := func(args ...string) {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
	}
	var acts []action.Action
	take := func() {
		time.Sleep(150 * time.Millisecond)
		a, err := in.Taken()
		if err != nil {
			t.Fatal(err)
		}
		acts = append(acts, a)
	}
	xdo("mousemove", "200", "100")
	take()
	xdo("click", "1")
	take()
	xdo("click", "4")
	xdo("click", "4")
	take()
	xdo("click", "5")
	take()
	xdo("type", "aB")
	take()
	if a := acts[0]; a.X != 100 || a.Y != 50 {
		t.Errorf("pointer at frame (%d, %d), want (100, 50)", a.X, a.Y)
	}
	if a := acts[1]; a.Buttons&action.Left == 0 {
		t.Errorf("the click: %+v", a)
	}
	if acts[2].Scroll != 2 || acts[3].Scroll != -1 {
		t.Errorf("wheel: %+v then %+v, want scroll 2 then -1", acts[2], acts[3])
	}
	if a := acts[4]; a.Text != "aB" || !slices.Contains(a.KeyDown, "a") || !slices.Contains(a.KeyDown, "Shift_L") {
		t.Errorf("typing: %+v", a)
	}
	if in.Lost() != 0 {
		t.Errorf("%d events lost", in.Lost())
	}
}

// Windows lists the programs' windows by title, under twm's frames.
func TestWindows(t *testing.T) {
	d, err := Open(desktop(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var titles []string
	for _, w := range d.Windows() {
		titles = append(titles, w.Title)
		if w.Rect.Empty() {
			t.Errorf("%s: empty rectangle", w.Title)
		}
	}
	for _, want := range []string{"Calculator", "xclock", "xeyes", "xterm"} {
		if !slices.Contains(titles, want) {
			t.Errorf("windows %q lack %s", titles, want)
		}
	}
}
