// Package probe checks behaviours of a neural computer against the sandbox
// desktop it learnt from: each probe sets the sandbox up (say, with the
// Notes window open), then plays a short script of actions (double-click an
// icon, drag a title bar, type a word) on both the sandbox and a session of
// the model started from the same frame, and compares the model's last
// frame with the sandbox's where the sandbox changed.
package probe

import (
	"image"
	"math"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// Probe is one scripted behaviour.
type Probe struct {
	Name string
	// Setup brings a fresh desktop to the probe's start (nil: as it is).
	Setup func(d *sandbox.Desktop)
	// Script returns the actions of the probe, given the set-up desktop.
	Script func(d *sandbox.Desktop) []action.Action
}

// Thresholds of a pass: on the pixels the sandbox changed, the model's frame
// must be at least MinChangedPSNR dB close to the sandbox's, and at most
// MaxRatio as far from it as from the start frame (it moved toward the
// result, rather than staying put or drawing something else); and over the
// whole frame at least MinPSNR dB close (it kept what should stay).
const (
	MinChangedPSNR = 18.0
	MaxRatio       = 0.5
	MinPSNR        = 22.0
)

// Score compares got (the model's last frame) with want (the sandbox's) on
// the pixels where want differs from start.
func Score(start, want, got *image.RGBA) (pass bool, changedPSNR, ratio float64) {
	db, ok := metrics.ChangedPSNR(got, want, start)
	if !ok {
		return false, 0, math.NaN() // a probe that changes nothing tests nothing
	}
	toWant, toStart := 0.0, 0.0
	w, h := want.Rect.Dx(), want.Rect.Dy()
	for y := range h {
		for x := range w {
			i := want.PixOffset(x, y)
			if want.Pix[i] == start.Pix[i] && want.Pix[i+1] == start.Pix[i+1] && want.Pix[i+2] == start.Pix[i+2] {
				continue
			}
			for c := range 3 {
				toWant += math.Abs(float64(got.Pix[i+c]) - float64(want.Pix[i+c]))
				toStart += math.Abs(float64(got.Pix[i+c]) - float64(start.Pix[i+c]))
			}
		}
	}
	ratio = toWant / math.Max(toStart, 1e-9)
	return db >= MinChangedPSNR && ratio <= MaxRatio && metrics.PSNR(got, want) >= MinPSNR, db, ratio
}

// Standard returns the probes for a desktop's spec: open every icon, drag a
// window, type into an editor, compute on a calculator, open the menu, close
// a window.
func Standard(spec *sandbox.Spec) []Probe {
	var ps []Probe
	for i, ic := range spec.Icons {
		ps = append(ps, Probe{Name: "open " + ic.Label, Script: func(d *sandbox.Desktop) []action.Action {
			s := newScript(d)
			s.moveTo(center(d.Icons()[i].Picture))
			s.doubleClick()
			s.Wait(4)
			return s.Actions
		}})
	}
	firstOf := func(kind string) (int, bool) {
		for i, ic := range spec.Icons {
			for _, w := range spec.Windows {
				if w.ID == ic.Opens && w.Kind == kind {
					return i, true
				}
			}
		}
		return 0, false
	}
	opened := func(icon int) func(d *sandbox.Desktop) {
		return func(d *sandbox.Desktop) {
			s := newScript(d)
			s.moveTo(center(d.Icons()[icon].Picture))
			s.doubleClick()
			s.Wait(2)
			for _, a := range s.Actions {
				d.Step(a)
			}
		}
	}
	if i, ok := firstOf(sandbox.KindEditor); ok {
		ps = append(ps,
			Probe{Name: "drag a window", Setup: opened(i), Script: func(d *sandbox.Desktop) []action.Action {
				w := d.Windows()[len(d.Windows())-1]
				s := newScript(d)
				grab := image.Pt(w.TitleBar.Min.X+w.TitleBar.Dx()/3, center(w.TitleBar).Y)
				s.moveTo(grab)
				s.Press(action.Left)
				s.moveTo(grab.Add(image.Pt(-30, 40)))
				s.Release(action.Left)
				s.Wait(2)
				return s.Actions
			}},
			Probe{Name: "type into an editor", Setup: opened(i), Script: func(d *sandbox.Desktop) []action.Action {
				s := newScript(d)
				s.Type("hello")
				s.Wait(2)
				return s.Actions
			}},
			Probe{Name: "close a window", Setup: opened(i), Script: func(d *sandbox.Desktop) []action.Action {
				w := d.Windows()[len(d.Windows())-1]
				s := newScript(d)
				s.moveTo(center(w.CloseBox))
				s.click()
				s.Wait(3)
				return s.Actions
			}})
	}
	if i, ok := firstOf(sandbox.KindCalculator); ok {
		ps = append(ps, Probe{Name: "compute 7+2", Setup: opened(i), Script: func(d *sandbox.Desktop) []action.Action {
			w := d.Windows()[len(d.Windows())-1]
			s := newScript(d)
			for _, k := range []string{"7", "+", "2", "="} {
				for _, key := range d.Keys(w.ID) {
					if key.Label == k {
						s.moveTo(center(key.Rect))
						s.click()
					}
				}
			}
			s.Wait(3)
			return s.Actions
		}})
	}
	if len(spec.Menu) > 0 {
		ps = append(ps, Probe{Name: "open the menu", Script: func(d *sandbox.Desktop) []action.Action {
			s := newScript(d)
			w, h := d.Size()
			s.moveTo(image.Pt(w*3/4, h/2))
			s.Press(action.Right)
			s.Release(action.Right)
			s.Wait(3)
			return s.Actions
		}})
	}
	return ps
}

func center(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

// script is a probe's actions, starting at the desktop's cursor.
type script struct{ action.Script }

func newScript(d *sandbox.Desktop) *script {
	x, y, _ := d.Cursor()
	return &script{action.Script{X: x, Y: y}}
}

// moveTo glides in a straight line, 8 steps.
func (s *script) moveTo(p image.Point) { s.MoveTo(p.X, p.Y, 8) }

func (s *script) click() { s.Click(action.Left) }

func (s *script) doubleClick() {
	s.click()
	s.click()
}
