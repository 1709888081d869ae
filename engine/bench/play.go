package bench

import (
	"image"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// PlayReport is the speed of a neural computer's session on this machine.
type PlayReport struct {
	Size         string  `json:"size"`
	Injection    string  `json:"injection"`
	SampleSteps  int     `json:"sample_steps"`
	Params       int     `json:"params"`
	StepMillis   float64 `json:"step_ms"`   // Session.Step
	DecodeMillis float64 `json:"decode_ms"` // the CPU decoder
	StepsPerSec  float64 `json:"steps_per_sec"`
	WithDecode   float64 `json:"steps_per_sec_with_decode"`
	// XRealTime is steps per second with decode over the model's frame rate.
	XRealTime float64 `json:"x_real_time"`
	// BLASCore is the OpenBLAS kernel set the products ran on.
	BLASCore string `json:"blas_core"`
}

// RunPlay steps a session of m from the sandbox's first frame with a
// moving cursor for at least minTime, then decodes for as long.
func RunPlay(m *model.Model, minTime time.Duration) (PlayReport, error) {
	d, err := sandbox.New(nil, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
	if err != nil {
		return PlayReport{}, err
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	d.Render(frame)
	s, err := m.NewSession(frame, 1)
	if err != nil {
		return PlayReport{}, err
	}
	i := 0
	n, step := Repeat(minTime, func() {
		i++
		s.Step(action.Action{X: (7 * i) % m.Cfg.Width, Y: (5 * i) % m.Cfg.Height})
	})
	nd, dec := Repeat(minTime, func() { s.Frame(frame) })
	r := PlayReport{BLASCore: cpu.CurrentBLASCore().Name, Size: sizeString(m.Cfg.Width, m.Cfg.Height), Injection: m.Cfg.Dyn.Injection, SampleSteps: s.SampleSteps,
		Params: m.ParamCount(), StepMillis: Millis(step, n), DecodeMillis: Millis(dec, nd)}
	r.StepsPerSec = 1000 / r.StepMillis
	r.WithDecode = 1000 / (r.StepMillis + r.DecodeMillis)
	r.XRealTime = r.WithDecode / m.Cfg.FPS
	return r, nil
}

// Millis is the mean of n calls that took d, in milliseconds.
func Millis(d time.Duration, n int) float64 { return d.Seconds() * 1000 / float64(n) }
