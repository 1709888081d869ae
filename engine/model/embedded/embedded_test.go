package embedded

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
)

// The default checkpoint must fit the binary budget, load, and play from
// the sandbox's first frame.
func TestDefaultLoadsAndPlays(t *testing.T) {
	const budget = 24 << 20
	if Size() > budget {
		t.Errorf("embedded checkpoint is %d bytes, over the %d budget", Size(), budget)
	}
	m, meta, err := Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	if meta["ncstudio.preset"] == "" {
		t.Error("no provenance in the metadata")
	}
	d, err := sandbox.New(nil, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	d.Render(frame)
	s, err := m.NewSession(frame, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Step(action.Action{X: 10, Y: 10})
	s.Frame(frame)
}

// A desktop left alone must stay as it is: the default, from the sandbox's
// first frame with the pointer on an icon and at rest, keeps its picture for
// 200 steps (13 s of play): 40 dB to the start frame with the sampler's
// hold, 16.9 without it (the built-in before the hold melted into speckles).
func TestDefaultKeepsAStillDesktop(t *testing.T) {
	m, _, err := Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	d, _ := sandbox.New(nil, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
	still := action.Action{X: 43, Y: 52} // over an icon, where the melt began
	d.Step(still)
	start := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	d.Render(start)
	s, err := m.NewSessionHistory([]*image.RGBA{start}, still, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		s.Step(still)
	}
	got := image.NewRGBA(start.Rect)
	s.Frame(got)
	if db := metrics.PSNR(got, start); db < 25 {
		t.Errorf("after 200 idle steps the desktop is %.1f dB from where it started, want at least 25", db)
	} else {
		t.Logf("after 200 idle steps: %.1f dB to the start frame", db)
	}
}

// The built-in terminal is a terminal model that fits its budget and types:
// on a screen with some history, the keys of a command appear after the
// prompt. (It is a small CPU-trained model: README.md gives its scores and
// how far its typing goes.)
func TestTerminalTypes(t *testing.T) {
	b, ok := Lookup(TerminalName)
	if !ok {
		t.Fatal("no built-in terminal")
	}
	if len(b.Bytes()) > 8<<20 {
		t.Errorf("built-in terminal is %d bytes, over its 8 MiB budget", len(b.Bytes()))
	}
	m, _, err := b.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	tc := m.Cfg.Terminal
	if tc == nil {
		t.Fatal("the built-in terminal is not a terminal model")
	}
	render, err := termrec.ForModel(tc).Renderer()
	if err != nil {
		t.Fatal(err)
	}
	screen, err := term.NewScreen(tc.Cols, tc.Rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	screen.Write([]byte("$ ls\r\nhello.txt  notes\r\n$ echo world\r\nworld\r\n$ "))
	s, err := m.NewSessionHistory([]*image.RGBA{render.Frame(screen.Grid())}, action.Action{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	const typed = "echo"
	keys, _ := term.ParseInput([]byte(typed))
	for _, k := range keys {
		s.Step(term.KeysAction([]term.Key{k}))
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	s.Frame(frame)
	rows := term.NewReader(render.Font).Read(frame, tc.Cols, tc.Rows)
	if want := "$ " + typed; rows[4] != want || rows[2] != "$ echo world" {
		t.Errorf("after typing %q the screen reads %q, want %q on its fifth row", typed, rows, want)
	}
	if _, ok := Lookup("nonesuch"); ok {
		t.Error("Lookup found a checkpoint that is not built in")
	}
}
