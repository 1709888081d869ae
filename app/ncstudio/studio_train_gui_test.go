package main

import (
	stdcontext "context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/train"
)

// TestStudioFineTuneGUI drives the studio with xdotool as a person would:
// Ctrl+4 opens the Train page, a click ticks the workspace's trace, the
// dynamics steps are typed, Start begins a fine-tune of the built-in
// checkpoint; the loss log grows (the progress moves), Pause stops it with
// a checkpoint and its resume file, and Ctrl+2 shows the Library, where
// the new checkpoint's row has appeared. Clicks are at the places the
// studio's layout puts the widgets in a 1200x800 window with its menu bar
// (see the screenshots in the failure message when the layout changes).
func TestStudioFineTuneGUI(t *testing.T) {
	bin := buildForGUI(t)
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, "traces"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(stdcontext.Background(), filepath.Join(ws, "traces", "demo.nctrace"),
		synth.Options{Width: 128, Height: 96, FPS: 15, Agent: "goal", Seed: 5, Frames: 150}); err != nil {
		t.Fatal(err)
	}
	const quitAfter = 45 * time.Second
	g := startGUI(t, bin, "^NC Studio$", "studio", "--ckpt", "default", "--workspace", ws, "--quit-after", quitAfter.String())
	geo := g.geometry()
	if geo["WIDTH"] != 1200 || geo["HEIGHT"] != 800 {
		t.Skipf("window is %dx%d; the clicks assume 1200x800", geo["WIDTH"], geo["HEIGHT"])
	}
	shots := t.TempDir()
	shot := func(name string) image.Image { return g.shot(shots, name) }
	click := func(x, y int) {
		g.xdo("mousemove", "--window", g.win, fmt.Sprint(x), fmt.Sprint(y))
		g.xdo("click", "1")
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	g.xdo("mousemove", "--window", g.win, "700", "400") // keyboard focus follows the pointer
	g.xdo("key", "ctrl+2")
	time.Sleep(time.Second)
	// The Library's first row after the built-in checkpoints (rows 65 px apart).
	row := 65 * len(embedded.Builtins)
	rowArea := image.Rect(262, 127+row, 670, 192+row)
	before := distinctIn(shot("library-before"), rowArea)

	g.xdo("key", "ctrl+4")
	time.Sleep(time.Second)
	click(477, 127) // tick the trace
	click(590, 474) // dynamics steps
	g.xdo("key", "ctrl+a")
	g.xdo("type", "600")
	click(291, 777) // Start
	pattern := filepath.Join(ws, "checkpoints", "*.safetensors.losses.csv")
	lines := func() int {
		logs, _ := filepath.Glob(pattern)
		if len(logs) != 1 {
			return 0
		}
		b, _ := os.ReadFile(logs[0])
		return strings.Count(string(b), "\n")
	}
	var first int
	for deadline := time.Now().Add(60 * time.Second); first < 10; time.Sleep(500 * time.Millisecond) {
		if first = lines(); time.Now().After(deadline) {
			shot("train-stuck")
			t.Fatalf("no training steps logged after a minute (screenshots in %s)\n%s", shots, g.output.String())
		}
	}
	time.Sleep(2 * time.Second)
	if second := lines(); second <= first {
		t.Fatalf("the loss log stopped at %d lines", second)
	}
	shot("training")

	click(374, 777) // Pause
	ckpts, _ := filepath.Glob(filepath.Join(ws, "checkpoints", "*.safetensors"))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		ckpts, _ = filepath.Glob(filepath.Join(ws, "checkpoints", "*.safetensors"))
		if len(ckpts) == 1 {
			if _, err := os.Stat(train.ResumePath(ckpts[0])); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			shot("pause-stuck")
			t.Fatalf("Pause left no checkpoint with a resume file: %v (screenshots in %s)", ckpts, shots)
		}
	}

	g.xdo("key", "ctrl+2")
	time.Sleep(1500 * time.Millisecond)
	after := distinctIn(shot("library-after"), rowArea)
	t.Logf("checkpoint %s; the Library's first workspace row has %d colours, %d before", filepath.Base(ckpts[0]), after, before)
	if after <= before+4 {
		t.Errorf("the Library shows no new checkpoint row (screenshots in %s)", shots)
	}
	g.waitQuit(quitAfter)
}

// distinctIn counts the colours in a rectangle of img.
func distinctIn(img image.Image, r image.Rectangle) int {
	return distinctColours(subImage(img, r))
}

func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	return img
}
