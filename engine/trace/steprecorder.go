package trace

import (
	"fmt"
	"image"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

// StepRecorder writes a trace of a computer that a person steps one action
// at a time (the sandbox desktop, a terminal), append-only, so a crash
// loses at most the last second: each frame with the action taken after it.
type StepRecorder struct {
	w    *Writer
	dir  string
	prev *image.RGBA // the frame the next action applies to
}

// NewStepRecorder starts a trace in dir from the computer's current frame.
func NewStepRecorder(dir string, m Meta, first *image.RGBA) (*StepRecorder, error) {
	w, err := Create(dir, m)
	if err != nil {
		return nil, err
	}
	prev := image.NewRGBA(first.Rect)
	copy(prev.Pix, first.Pix)
	return &StepRecorder{w: w, dir: dir, prev: prev}, nil
}

// Step records that action a, taken on the last frame, led to frame.
func (r *StepRecorder) Step(a action.Action, frame *image.RGBA) error {
	if err := r.w.Append(r.prev, a); err != nil {
		return err
	}
	copy(r.prev.Pix, frame.Pix)
	return nil
}

// Frames is the number of frames written.
func (r *StepRecorder) Frames() int { return r.w.Len() }

// Status is a line for a status bar: the indicator, frames, duration, file.
func (r *StepRecorder) Status() string {
	return fmt.Sprintf("● REC %d frames (%s) → %s", r.w.Len(), (time.Duration(r.w.Len()) * time.Second / time.Duration(max(r.w.Meta().FPS, 1))).Round(time.Second), filepath.Base(r.dir))
}

// Close finishes the trace and returns its frame count.
func (r *StepRecorder) Close() (int, error) {
	n := r.w.Len()
	return n, r.w.Close()
}
