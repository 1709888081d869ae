package studio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/engine/workspace"
	"github.com/ncstudio/ncstudio/engine/xvfbtest"
)

func TestSandboxPage(t *testing.T) {
	p, ws := sandboxPageIn(t)
	newTraces := 0
	p.onChanged = func() { newTraces++ }

	// The spec editor: a broken spec is reported with its line and not applied.
	good := p.editor.Text
	p.editor.SetText(strings.Replace(good, `"name"`, `"nam"`, 1))
	if !strings.HasPrefix(p.specMsg.Text, "✗ spec:2:") || !strings.Contains(p.specMsg.Text, `"nam"`) {
		t.Errorf("broken spec: %q", p.specMsg.Text)
	}
	if err := p.apply([]byte(p.editor.Text)); err == nil {
		t.Error("a broken spec was applied")
	}
	renamed := strings.Replace(good, `"Calc"`, `"Adder"`, 1)
	p.editor.SetText(renamed)
	if !strings.Contains(p.specMsg.Text, "Apply") {
		t.Errorf("changed valid spec: %q", p.specMsg.Text)
	}
	if err := p.apply([]byte(renamed)); err != nil {
		t.Fatal(err)
	}
	p.editor.SetText("{")
	p.editor.SetText(string(p.applied)) // what Revert does
	if p.editor.Text != renamed || !strings.Contains(p.specMsg.Text, "runs this spec") {
		t.Errorf("after revert: %q", p.specMsg.Text)
	}

	// A saved desktop loads into the editor (not applied until Apply).
	os.MkdirAll(ws.Specs(), 0o755)
	os.WriteFile(filepath.Join(ws.Specs(), "mine.json"), []byte(renamed), 0o644)
	p.listSpecs()
	p.load.SetSelected("mine")
	if p.editor.Text != renamed || p.load.Selected != "" {
		t.Errorf("loading a saved spec: editor %d bytes, selection %q", len(p.editor.Text), p.load.Selected)
	}
	p.load.SetSelected(builtinDesktop)
	if p.editor.Text != string(sandbox.DefaultSpecJSON()) || !strings.Contains(p.specMsg.Text, "Apply") {
		t.Errorf("loading the built-in desktop: %q", p.specMsg.Text)
	}

	// Record a few seconds of mouse movement.
	p.scr.Resize(fyne.NewSize(256, 192))
	p.start()
	p.toggleRecord()
	for i := range 20 {
		p.scr.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(float32(10+10*i), 90)}})
		time.Sleep(70 * time.Millisecond)
	}
	p.toggleRecord()
	p.suspend()
	traces, _ := filepath.Glob(filepath.Join(ws.Traces(), "sandbox-*.nctrace"))
	if len(traces) != 1 || newTraces != 1 {
		t.Fatalf("recorded traces %v, %d notices", traces, newTraces)
	}
	r, err := trace.Open(traces[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Validate(); err != nil || r.Len() < 10 {
		t.Fatalf("recording: %v, %d frames", err, r.Len())
	}
	if x := r.Action(r.Len() - 2).X; x < 50 {
		t.Errorf("the recorded mouse ends at x=%d", x)
	}

	// A synthetic trace with the applied spec.
	p.frames.SetText("40")
	p.toggleGenerate()
	for deadline := time.Now().Add(time.Minute); newTraces < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no synthetic trace after a minute")
		}
	}
	synthetic, _ := filepath.Glob(filepath.Join(ws.Traces(), "synth-mixed-seed1.nctrace"))
	if len(synthetic) != 1 || p.seed.Text != "2" {
		t.Fatalf("synthetic traces %v, next seed %q", synthetic, p.seed.Text)
	}
	if err := trace.Validate(synthetic[0]); err != nil {
		t.Error(err)
	}
}

// TestSandboxPageRecordsX11: with the X display chosen as the source,
// Record records the real display (the one the tests run under) until it
// is pressed again.
func TestSandboxPageRecordsX11(t *testing.T) {
	if x11Source() == "" {
		t.Skip("no DISPLAY: make test runs the tests under Xvfb")
	}
	p, ws := sandboxPageIn(t)
	if len(p.source.Options) < 3 || !slices.Equal(p.source.Options[:3], []string{sandboxSource, terminalSourceName, x11Source()}) {
		t.Fatalf("sources %v", p.source.Options)
	}
	// Then the display's titled windows, each with its rectangle.
	for _, o := range p.source.Options[3:] {
		if !strings.HasPrefix(o, x11WindowPrefix) || p.windowRects[o].Empty() {
			t.Errorf("window source %q, rectangle %v", o, p.windowRects[o])
		}
	}
	p.source.SetSelected(x11Source())
	test.Tap(p.recBtn)
	if p.xrec == nil || p.recBtn.Text != "Stop recording" || !p.source.Disabled() {
		t.Fatalf("not recording: button %q, status %q", p.recBtn.Text, p.status.Text)
	}
	time.Sleep(1500 * time.Millisecond)
	test.Tap(p.recBtn)
	if p.xrec != nil || !strings.HasPrefix(p.status.Text, "recorded ") {
		t.Fatalf("still recording, status %q", p.status.Text)
	}
	r := onlyTrace(t, ws, "x11-")
	if m := r.Meta(); r.Len() < 10 || m.Width != 128 || m.Height != 96 || !m.Complete {
		t.Errorf("%d frames, meta %+v", r.Len(), m)
	}
}

// With the terminal as the source, what is typed on its screen goes to a
// real bash, and Record writes a cli trace whose frames show it.
func TestSandboxPageRecordsTerminal(t *testing.T) {
	p, ws := sandboxPageIn(t)
	p.source.SetSelected(terminalSourceName)
	p.term.scr.Resize(fyne.NewSize(512, 384))
	p.start()
	if !p.term.scr.Visible() || p.scr.Visible() {
		t.Fatal("the terminal's screen is not the one shown")
	}
	p.toggleRecord()
	for _, r := range "echo hello-$((6*7))" {
		p.term.scr.TypedRune(r)
		time.Sleep(30 * time.Millisecond)
	}
	p.term.scr.KeyDown(&fyne.KeyEvent{Name: fyne.KeyReturn})
	time.Sleep(80 * time.Millisecond)
	p.term.scr.KeyUp(&fyne.KeyEvent{Name: fyne.KeyReturn})
	time.Sleep(time.Second)
	p.toggleRecord()
	p.suspend()
	r := onlyTrace(t, ws, "terminal-")
	if err := r.Validate(); err != nil || r.Meta().Kind != trace.CLI || r.Len() < 10 {
		t.Fatalf("recording: %v, kind %s, %d frames", err, r.Meta().Kind, r.Len())
	}
	// The actions are what bash received, as keys: the command and Return.
	var typed strings.Builder
	for i := range r.Len() {
		a := r.Action(i)
		if a.X != 0 || a.Y != 0 || a.Buttons != 0 {
			t.Fatalf("frame %d: a mouse in a terminal trace: %+v", i, a)
		}
		typed.WriteString(a.Text)
		if slices.Contains(a.KeyDown, "Return") {
			typed.WriteString("⏎")
		}
	}
	if typed.String() != "echo hello-$((6*7))⏎" {
		t.Errorf("recorded input %q", typed.String())
	}
	o, err := termrec.OptionsOf(r.Meta())
	if err != nil {
		t.Fatal(err)
	}
	last, err := r.Frame(r.Len() - 1)
	if err != nil {
		t.Fatal(err)
	}
	font, err := term.FontForCell(o.CellW, o.CellH)
	if err != nil {
		t.Fatal(err)
	}
	screen := strings.Join(term.NewReader(font).Read(last, o.Cols, o.Rows), "\n")
	if !strings.Contains(screen, "echo hello-$((6*7))") || !strings.Contains(screen, "hello-42") {
		t.Errorf("the last frame reads:\n%s", screen)
	}
}

// A window of the display is a source of its own: here xclock on an X
// server of the test's own.
func TestSandboxPageRecordsAWindow(t *testing.T) {
	display := xvfbtest.Start(t, "800x600x24")
	t.Setenv("DISPLAY", display)
	clock := exec.Command("xclock", "-geometry", "200x200+300+100")
	var clockErr bytes.Buffer // why, if it never shows
	clock.Stderr = &clockErr
	if err := clock.Start(); err != nil {
		t.Fatalf("xclock (make deps installs x11-apps): %v", err)
	}
	defer func() { clock.Process.Kill(); clock.Wait() }()
	p, ws := sandboxPageIn(t)
	var source string
	for deadline := time.Now().Add(30 * time.Second); source == ""; time.Sleep(100 * time.Millisecond) {
		p.listSources()
		for _, o := range p.source.Options {
			if strings.HasPrefix(o, x11WindowPrefix+"xclock") {
				source = o
			}
		}
		if time.Now().After(deadline) {
			clock.Process.Kill()
			clock.Wait() // its stderr is complete only after
			t.Fatalf("no xclock among %v on %s (xclock said %q)", p.source.Options, display, clockErr.String())
		}
	}
	if r := p.windowRects[source]; r.Dx() < 200 || r.Dy() < 200 || r.Min.X < 290 {
		t.Errorf("xclock's rectangle %v", r)
	}
	p.source.SetSelected(source)
	test.Tap(p.recBtn)
	time.Sleep(time.Second)
	test.Tap(p.recBtn)
	if err := onlyTrace(t, ws, "x11-").Validate(); err != nil {
		t.Error(err)
	}
}

// onlyTrace opens the one trace of the workspace whose name starts with
// prefix, failing the test unless there is exactly one.
func onlyTrace(t *testing.T, ws workspace.Workspace, prefix string) *trace.Reader {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(ws.Traces(), prefix+"*.nctrace"))
	if len(dirs) != 1 {
		t.Fatalf("%s traces: %v", prefix, dirs)
	}
	r, err := trace.Open(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// sandboxPageIn makes the Sandbox & record page on a new workspace (closed
// when the test ends).
func sandboxPageIn(t *testing.T) (*sandboxPage, workspace.Workspace) {
	t.Helper()
	test.NewTempApp(t)
	ws := workspace.Workspace{Root: filepath.Join(t.TempDir(), "NCStudio")}
	p, err := newSandboxPage(ws)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return p, ws
}
