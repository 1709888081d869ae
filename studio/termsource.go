package studio

import (
	"image"
	"sync"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/studio/screen"
)

// terminalSource is the Sandbox & record page's terminal: a live bash in a
// PTY, of the terminal preset's geometry (32x12 cells of 8x16 pixels), used
// by hand on its own screen and recorded into cli traces that train that
// preset.
type terminalSource struct {
	opts termrec.Options
	scr  *screen.Screen
	st   *stepper

	mu   sync.Mutex // guards live and rec (the stepping goroutine uses them)
	live *termrec.Live
	rec  *trace.StepRecorder
	sent action.Action // the keys the last step sent, as RunPTY records input
}

// terminalSourceName is the source chooser's name of the terminal.
const terminalSourceName = "Terminal: bash (32x12, for the terminal preset)"

func newTerminalSource(onStatus func(string), onError func(error)) *terminalSource {
	o := termrec.ForModel(model.Presets["terminal"].Terminal)
	o.FPS = model.Presets["terminal"].FPS
	r, _ := o.Renderer()
	w, h := r.FrameSize(o.Cols, o.Rows)
	t := &terminalSource{opts: o, scr: screen.New(w, h)}
	t.st = &stepper{c: t, scr: t.scr, fps: o.FPS, onStep: t.record, onError: onError, onStatus: onStatus}
	return t
}

// start runs bash (the first time) and steps the screen.
func (t *terminalSource) start() error {
	t.mu.Lock()
	if t.live == nil || t.live.Exited() {
		if t.live != nil {
			t.live.Close()
		}
		live, err := termrec.StartLive(t.opts, nil)
		if err != nil {
			t.mu.Unlock()
			return err
		}
		t.live = live
	}
	t.mu.Unlock()
	t.st.halt()
	t.st.start()
	return nil
}

func (t *terminalSource) suspend() { t.st.halt() }

// Step and Render make the terminal a Computer for the stepper.
func (t *terminalSource) Step(a action.Action) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live == nil {
		return
	}
	// What bash received, read back as keys: the trace's actions are those
	// of `record terminal` (no mouse; text and keys as the terminal sent
	// them), whatever the toolkit delivered.
	keys, rest := term.ParseInput(t.live.Send(a))
	t.sent = term.KeysAction(append(keys, term.FlushInput(rest)...))
}

func (t *terminalSource) Render(dst *image.RGBA) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live != nil {
		t.live.Render(dst)
	}
}

func (t *terminalSource) record(_ action.Action, frame *image.RGBA) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rec == nil {
		return nil
	}
	return t.rec.Step(t.sent, frame)
}

// startRecording begins a cli trace in dir from the screen as it is.
func (t *terminalSource) startRecording(dir string) error {
	w, h := t.scr.FrameSize()
	first := image.NewRGBA(image.Rect(0, 0, w, h))
	t.Render(first)
	tags := termrec.Tags(t.opts)
	rec, err := trace.NewStepRecorder(dir, trace.Meta{Kind: trace.CLI, Width: w, Height: h, FPS: t.opts.FPS,
		Source: "terminal-human:bash (studio)", Tags: tags}, first)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.rec = rec
	t.mu.Unlock()
	return nil
}

// stopRecording finishes the trace (if one is under way) and returns its frames.
func (t *terminalSource) stopRecording() (n int, was bool, err error) {
	t.mu.Lock()
	rec := t.rec
	t.rec = nil
	t.mu.Unlock()
	if rec == nil {
		return 0, false, nil
	}
	n, err = rec.Close()
	return n, true, err
}

// status is the recording's line, or "".
func (t *terminalSource) status() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rec == nil {
		return ""
	}
	return t.rec.Status()
}

// close stops stepping, finishes a recording and ends bash.
func (t *terminalSource) close() {
	t.st.halt()
	t.stopRecording()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live != nil {
		t.live.Close()
		t.live = nil
	}
}
