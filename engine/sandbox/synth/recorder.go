package synth

import (
	"fmt"
	"image"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Recorder writes a person's sandbox session as a trace (append-only, so a
// crash loses at most the last second): each frame with the action taken
// after it, and the desktop's spec beside them.
type Recorder struct {
	w    *trace.Writer
	dir  string
	prev *image.RGBA // the frame the next action applies to
}

// NewRecorder starts a trace in dir from the desktop's current frame.
func NewRecorder(dir string, d *sandbox.Desktop) (*Recorder, error) {
	m := Meta(d, "", 0)
	m.Source = "sandbox-human:" + d.Spec().Name
	w, err := trace.Create(dir, m)
	if err != nil {
		return nil, err
	}
	if err := SaveSpec(dir, d.Spec()); err != nil {
		w.Close()
		return nil, err
	}
	width, height := d.Size()
	prev := image.NewRGBA(image.Rect(0, 0, width, height))
	d.Render(prev)
	return &Recorder{w: w, dir: dir, prev: prev}, nil
}

// Step records that action a, taken on the previous frame, led to frame.
func (r *Recorder) Step(a action.Action, frame *image.RGBA) error {
	if err := r.w.Append(r.prev, a); err != nil {
		return err
	}
	copy(r.prev.Pix, frame.Pix)
	return nil
}

// Frames is the number of frames written.
func (r *Recorder) Frames() int { return r.w.Len() }

// Status is a line for a status bar: the indicator, frames, duration, file.
func (r *Recorder) Status() string {
	return fmt.Sprintf("● REC %d frames (%s) → %s", r.w.Len(), (time.Duration(r.w.Len()) * time.Second / time.Duration(max(r.w.Meta().FPS, 1))).Round(time.Second), filepath.Base(r.dir))
}

// Close finishes the trace and returns its frame count.
func (r *Recorder) Close() (int, error) {
	n := r.w.Len()
	return n, r.w.Close()
}
