package synth

import (
	"image"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Recorder writes a person's sandbox session as a trace, with the
// desktop's spec beside it.
type Recorder = trace.StepRecorder

// NewRecorder starts a trace in dir from the desktop's current frame.
func NewRecorder(dir string, d *sandbox.Desktop) (*Recorder, error) {
	m := Meta(d, "", 0)
	m.Source = "sandbox-human:" + d.Spec().Name
	width, height := d.Size()
	first := image.NewRGBA(image.Rect(0, 0, width, height))
	d.Render(first)
	r, err := trace.NewStepRecorder(dir, m, first)
	if err != nil {
		return nil, err
	}
	if err := SaveSpec(dir, d.Spec()); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}
