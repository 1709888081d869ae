package viewer

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// The offscreen viewport shows, pixel for pixel at 3x, the frame that the
// CPU decoder makes of the session's latent (within the shader tolerance
// when the shaders decode, exactly when the runner's CPU decoder does), and
// in the split view the sandbox's frame exactly.
func TestOffscreenShowsTheDecodedFrame(t *testing.T) {
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		decode    string
		tolerance int
	}{{DecodeShader, 2}, {DecodeCPU, 0}} {
		t.Run(c.decode, func(t *testing.T) { showsTheDecodedFrame(t, m, c.decode, c.tolerance) })
	}
}

func showsTheDecodedFrame(t *testing.T, m *model.Model, decode string, tolerance int) {
	off, err := NewOffscreen(m, nil, PlayOptions{Checkpoint: "default", Seed: 1, Decode: decode})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	for _, c := range []Control{ToggleHUD, ToggleCursors, ToggleTrail, ToggleLog} {
		off.Control(c) // all off: nothing covers the frame but the "F1: keys" hint
	}
	r := off.Runner()
	for _, a := range []action.Action{{X: 40, Y: 30}, {X: 50, Y: 35}, {X: 60, Y: 40, Buttons: action.Left}} {
		r.StepWith(a)
	}
	w, h := m.Cfg.Width, m.Cfg.Height
	const scale = 3
	img := image.NewRGBA(image.Rect(0, 0, scale*w, scale*h))
	if err := off.Render(img); err != nil {
		t.Fatal(err)
	}
	snap := r.Latest()
	if (snap.Frame != nil) != (decode == DecodeCPU) {
		t.Errorf("decoding on %s, the snapshot has a CPU-decoded frame: %v", decode, snap.Frame != nil)
	}
	lw, lh := m.Cfg.LatentSize()
	want := image.NewRGBA(image.Rect(0, 0, w, h))
	m.DecodeLatent(want, tensor.FromSlice(snap.Latent, 1, m.Cfg.AE.Latent, lh, lw))
	hint := image.Rect(0, 0, 100, 40)
	worst := compareScaled(t, img, want, image.Pt(0, 0), scale, hint)
	t.Logf("single view against the CPU decoder: worst %d/255", worst)
	if worst > tolerance {
		t.Errorf("the viewport differs from the decoded frame by %d/255", worst)
	}

	off.Control(ToggleSplit)
	split := image.NewRGBA(image.Rect(0, 0, 3*w, h))
	if err := off.Render(split); err != nil {
		t.Fatal(err)
	}
	// At 1x: sandbox | neural | difference, with the panel labels in the
	// top-left corners.
	label := image.Rect(0, 0, 128, 36)
	if worst := compareScaled(t, split, snap.Sandbox, image.Pt(0, 0), 1, label); worst != 0 {
		t.Errorf("split view: the sandbox panel differs from the sandbox's frame by %d/255", worst)
	}
	if worst := compareScaled(t, split, want, image.Pt(w, 0), 1, label.Add(image.Pt(w, 0))); worst > tolerance {
		t.Errorf("split view: the neural panel differs from the decoded frame by %d/255", worst)
	}
}

// On a software GL renderer the CPU decodes by default; a GPU's shaders do
// otherwise; a mistyped choice is an error.
func TestDecodesOnCPU(t *testing.T) {
	for _, c := range []struct {
		decode, renderer string
		want             bool
		err              bool
	}{
		{DecodeAuto, "llvmpipe (LLVM 15.0.6, 256 bits)", true, false},
		{DecodeAuto, "NVIDIA H100 80GB HBM3/PCIe/SSE2", false, false},
		{DecodeShader, "llvmpipe (LLVM 15.0.6, 256 bits)", false, false},
		{DecodeCPU, "NVIDIA H100 80GB HBM3/PCIe/SSE2", true, false},
		{"", "llvmpipe", true, false},
		{"gpu", "llvmpipe", false, true},
	} {
		got, err := decodesOnCPU(c.decode, glctx.Info{Renderer: c.renderer})
		if got != c.want || (err != nil) != c.err {
			t.Errorf("decode %q on %q: CPU %v, error %v; want %v, an error: %v", c.decode, c.renderer, got, err, c.want, c.err)
		}
	}
}

// compareScaled returns the largest channel difference between frame,
// scaled by s and placed at at, and img, skipping pixels inside skip.
func compareScaled(t *testing.T, img, frame *image.RGBA, at image.Point, s int, skip image.Rectangle) int {
	t.Helper()
	worst := 0
	for y := range frame.Rect.Dy() * s {
		for x := range frame.Rect.Dx() * s {
			p := image.Pt(at.X+x, at.Y+y)
			if p.In(skip) {
				continue
			}
			a := img.Pix[img.PixOffset(p.X, p.Y):]
			b := frame.Pix[frame.PixOffset(x/s, y/s):]
			for c := range 3 {
				worst = max(worst, abs(int(a[c])-int(b[c])))
			}
		}
	}
	return worst
}

// Input, commands and rendering from different goroutines while the runner
// steps on its own (run with -race).
func TestOffscreenConcurrentUse(t *testing.T) {
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	off, err := NewOffscreen(m, nil, PlayOptions{Checkpoint: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	off.Runner().Start(60)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			off.MouseAt(float64(i%256), float64(i%192))
			if i%50 == 0 {
				off.Control(Control(i / 50 % int(MoreSamplerSteps+1)))
			}
			off.Runner().Input().KeyDown("a")
		}
	}()
	img := image.NewRGBA(image.Rect(0, 0, 256, 192))
	for range 5 {
		if err := off.Render(img); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if off.Runner().Latest().Step == 0 {
		t.Error("the runner did not step")
	}
}

// A recording comes back as a trace of the decoded frames with the actions
// between them, and a GIF.
func TestOffscreenSavesARecording(t *testing.T) {
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	off, err := NewOffscreen(m, nil, PlayOptions{Checkpoint: "default", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	r := off.Runner()
	r.StartRecording()
	acts := []action.Action{{X: 20, Y: 20}, {X: 30, Y: 25}, {X: 40, Y: 30, Buttons: action.Left}, {X: 40, Y: 30}, {X: 50, Y: 30, Text: "a"}}
	for _, a := range acts {
		r.StepWith(a)
	}
	if n := r.Recording(); n != len(acts)+1 {
		t.Errorf("recording holds %d snapshots, want %d", n, len(acts)+1)
	}
	snaps := r.StopRecording()
	if r.Recording() != 0 {
		t.Error("still recording after StopRecording")
	}
	dir := filepath.Join(t.TempDir(), "rec.nctrace")
	gifPath := filepath.Join(t.TempDir(), "rec.gif")
	if err := off.SaveRecording(snaps, dir, gifPath, nil); err != nil {
		t.Fatal(err)
	}
	tr, err := trace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Validate(); err != nil {
		t.Fatal(err)
	}
	if tr.Len() != len(snaps) {
		t.Fatalf("trace has %d frames, want %d", tr.Len(), len(snaps))
	}
	lw, lh := m.Cfg.LatentSize()
	want := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	for i, s := range snaps {
		got, err := tr.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		m.DecodeLatent(want, tensor.FromSlice(s.Latent, 1, m.Cfg.AE.Latent, lh, lw))
		if worst := compareScaled(t, got, want, image.Point{}, 1, image.Rectangle{}); worst > 2 {
			t.Errorf("frame %d differs from the CPU decode by %d/255", i, worst)
		}
		if i < len(acts) && (tr.Action(i).X != acts[i].X || tr.Action(i).Text != acts[i].Text) {
			t.Errorf("action after frame %d is %v, want %v", i, tr.Action(i), acts[i])
		}
	}
	if st, err := os.Stat(gifPath); err != nil || st.Size() == 0 {
		t.Errorf("GIF: %v", err)
	}
}

// A mouse that stays still while the view is laid out again (first draw,
// resize, split view) is placed by the new layout.
func TestOffscreenRemapsAStillMouse(t *testing.T) {
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	off, err := NewOffscreen(m, nil, PlayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	off.Runner().Input().PacePointer(0) // the layout's mapping, not the glide
	start := off.Runner().Latest().Action
	off.MouseAt(31, 61) // before any draw the layout is not known
	if a := off.Runner().Input().Step(); a.X != start.X || a.Y != start.Y {
		t.Fatalf("before the first draw the pointer moved from (%d,%d) to (%d,%d)", start.X, start.Y, a.X, a.Y)
	}
	if err := off.Render(image.NewRGBA(image.Rect(0, 0, 384, 288))); err != nil {
		t.Fatal(err)
	}
	if a := off.Runner().Input().Step(); a.X != 10 || a.Y != 20 {
		t.Errorf("after drawing at 3x the mouse is at %v, want (10,20)", a)
	}
}
