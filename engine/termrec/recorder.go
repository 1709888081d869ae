// Package termrec makes `cli` traces of terminal sessions: a Recorder feeds
// a program's output to a terminal emulator and the keys typed into it, and
// at each frame tick appends the rendered screen and the keys of that step
// to a trace. Sessions come from a program run in a real PTY (RunPTY) or
// from asciinema casts (ImportCast).
package termrec

import (
	"fmt"
	"image"
	"io"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Trace tags that describe the terminal, so that readers of the trace
// (eval's grid reader, play) can rebuild its font and grid.
const (
	TagCols  = "term.cols"
	TagRows  = "term.rows"
	TagCell  = "term.cell" // "8x16": the font's cell in pixels
	TagTheme = "term.theme"
)

// Options describe a recording.
type Options struct {
	Cols, Rows int
	FPS        float64
	// CellW x CellH is the character cell (default 8x16: Go Mono 13.5 px).
	CellW, CellH int
	Theme        string           // default "dark"
	Cursor       term.CursorStyle // default block
	Source       string           // the trace's source, e.g. "pty:bash"
	Tags         map[string]string

	// For programs run in a PTY: added environment and working directory
	// ("" to inherit).
	Env []string
	Dir string
	// OnFrame, when set, is called after each frame is written.
	OnFrame func()
}

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	if o.Cols == 0 && o.Rows == 0 {
		o.Cols, o.Rows = 80, 24
	}
	if o.FPS == 0 {
		o.FPS = 15
	}
	if o.CellW == 0 && o.CellH == 0 {
		o.CellW, o.CellH = term.DefaultFont().CellW, term.DefaultFont().CellH
	}
	if o.Theme == "" {
		o.Theme = "dark"
	}
	return o
}

// ForModel are the options of a terminal model's terminal (its frames'
// geometry and theme).
func ForModel(tc *model.TerminalConfig) Options {
	return Options{Cols: tc.Cols, Rows: tc.Rows, CellW: tc.CellW, CellH: tc.CellH, Theme: tc.Theme}
}

// Renderer is the renderer of a trace made with these options.
func (o Options) Renderer() (*term.Renderer, error) {
	o = o.withDefaults()
	f, err := term.FontForCell(o.CellW, o.CellH)
	if err != nil {
		return nil, err
	}
	th, err := term.LookupTheme(o.Theme)
	if err != nil {
		return nil, err
	}
	return &term.Renderer{Font: f, Theme: th, Cursor: o.Cursor}, nil
}

// Tags are the trace tags that describe o's terminal (OptionsOf reads them).
func Tags(o Options) map[string]string {
	o = o.withDefaults()
	return map[string]string{
		TagCols: strconv.Itoa(o.Cols), TagRows: strconv.Itoa(o.Rows),
		TagCell: fmt.Sprintf("%dx%d", o.CellW, o.CellH), TagTheme: o.Theme,
	}
}

// check reports options no recording can have.
func (o Options) check() error {
	if err := term.CheckSize(o.Cols, o.Rows); err != nil {
		return err
	}
	if !(o.FPS > 0 && o.FPS <= 120) {
		return fmt.Errorf("termrec: fps %g outside (0, 120]", o.FPS)
	}
	_, err := o.Renderer()
	return err
}

// OptionsOf reads a trace's terminal options back from its tags.
func OptionsOf(m trace.Meta) (Options, error) {
	if m.Kind != trace.CLI {
		return Options{}, fmt.Errorf("termrec: a %q trace, not a terminal (%q) one", m.Kind, trace.CLI)
	}
	var o Options
	var err error
	num := func(key string) int {
		v, e := strconv.Atoi(m.Tags[key])
		if e != nil && err == nil {
			err = fmt.Errorf("termrec: trace tag %s = %q is not a number", key, m.Tags[key])
		}
		return v
	}
	o.Cols, o.Rows = num(TagCols), num(TagRows)
	if _, e := fmt.Sscanf(m.Tags[TagCell], "%dx%d", &o.CellW, &o.CellH); e != nil && err == nil {
		err = fmt.Errorf("termrec: trace tag %s = %q is not WxH", TagCell, m.Tags[TagCell])
	}
	o.Theme, o.FPS, o.Source = m.Tags[TagTheme], m.FPS, m.Source
	if err != nil {
		return Options{}, err
	}
	return o.withDefaults(), term.CheckSize(o.Cols, o.Rows)
}

// Recorder writes a terminal session as a trace. Output, Keys and Resize
// may be called from any goroutine; Tick from one.
type Recorder struct {
	mu      sync.Mutex
	w       *trace.Writer
	screen  *term.Screen
	render  *term.Renderer
	prev    *image.RGBA // the last frame, waiting for the keys typed after it
	prevAt  time.Duration
	pending []term.Key
	started bool
	onFrame func()
}

// Create starts a trace in dir; program replies to terminal queries go to
// reply (the PTY), or nowhere when it is nil.
func Create(dir string, o Options, reply func([]byte)) (*Recorder, error) {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	r, err := o.Renderer()
	if err != nil {
		return nil, err
	}
	var replyTo io.Writer
	if reply != nil {
		replyTo = replyWriter(reply)
	}
	screen, err := term.NewScreen(o.Cols, o.Rows, replyTo)
	if err != nil {
		return nil, err
	}
	w, h := r.FrameSize(o.Cols, o.Rows)
	tags := Tags(o)
	maps.Copy(tags, o.Tags)
	tw, err := trace.Create(dir, trace.Meta{Kind: trace.CLI, Width: w, Height: h, FPS: o.FPS, Source: o.Source, Tags: tags})
	if err != nil {
		return nil, err
	}
	return &Recorder{w: tw, screen: screen, render: r, prev: image.NewRGBA(image.Rect(0, 0, w, h)), onFrame: o.OnFrame}, nil
}

// replyWriter adapts a function to io.Writer.
type replyWriter func([]byte)

func (f replyWriter) Write(p []byte) (int, error) {
	f(append([]byte(nil), p...))
	return len(p), nil
}

// Output feeds program output to the terminal.
func (r *Recorder) Output(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.screen.Write(p)
}

// Keys records keys typed since the last tick.
func (r *Recorder) Keys(k []term.Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = append(r.pending, k...)
}

// Resize changes the terminal's size; the frame keeps its size (the grid
// is cut or padded with background).
func (r *Recorder) Resize(cols, rows int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.screen.Resize(cols, rows)
}

// Screen is the terminal's grid now.
func (r *Recorder) Screen() *term.Grid {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.screen.Grid()
}

// Tick takes a frame at time t since the start: the previous frame is
// written with the keys typed since it, and the screen now becomes the
// next frame.
func (r *Recorder) Tick(t time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		if err := r.w.AppendAt(r.prevAt, r.prev, term.KeysAction(r.pending)); err != nil {
			return err
		}
		r.pending = r.pending[:0]
		if r.onFrame != nil {
			r.onFrame()
		}
	}
	r.render.Render(r.prev, r.screen.Grid())
	r.prevAt, r.started = t, true
	return nil
}

// Frames is the number of frames written so far.
func (r *Recorder) Frames() int { return r.w.Len() }

// Close writes the last frame and finishes the trace.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		if err := r.w.AppendAt(r.prevAt, r.prev, term.KeysAction(r.pending)); err != nil {
			r.w.Close()
			return err
		}
	}
	return r.w.Close()
}
