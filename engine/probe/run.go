package probe

import (
	"image"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// Result is one probe's outcome, with the frames it compared.
type Result struct {
	Name        string  `json:"name"`
	Pass        bool    `json:"pass"`
	ChangedPSNR float64 `json:"changed_psnr"`
	Ratio       float64 `json:"ratio"` // distance to the sandbox's frame / to the start frame
	Steps       int     `json:"steps"`
	// Answer is what a terminal probe read off the model's frame.
	Answer string `json:"answer,omitempty"`
	// Echoed is, for a terminal probe, the share of the command's
	// characters the model drew right once it was typed (before Return).
	Echoed float64 `json:"echoed,omitempty"`
	// Start, Want (the sandbox) and Got (the model) are the frames compared.
	Start, Want, Got *image.RGBA `json:"-"`
	// Film, with RunOptions.Film, shows every step: the expected frame
	// (the sandbox's, or a terminal's once its output settles) above the
	// model's, one column per step, FilmColumns to a band (FilmCell).
	Film *image.RGBA `json:"-"`
}

// RunOptions are the sampler seed of the model's sessions and whether to
// keep each probe's Film.
type RunOptions struct {
	Seed uint64
	Film bool
}

// Run plays each probe on a fresh sandbox of spec and on a session of m.
func Run(m *model.Model, spec *sandbox.Spec, probes []Probe, o RunOptions) ([]Result, error) {
	var out []Result
	for _, p := range probes {
		d, err := sandbox.New(spec, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
		if err != nil {
			return nil, err
		}
		if p.Setup != nil {
			p.Setup(d)
		}
		r := Result{Name: p.Name, Start: frameOf(d)}
		x, y, _ := d.Cursor()
		s, err := m.NewSessionHistory([]*image.RGBA{r.Start}, action.Action{X: x, Y: y}, o.Seed)
		if err != nil {
			return nil, err
		}
		script := p.Script(d)
		r.Want, r.Got = image.NewRGBA(r.Start.Rect), image.NewRGBA(r.Start.Rect)
		if o.Film {
			r.Film = newFilm(len(script), r.Start.Rect.Dx(), r.Start.Rect.Dy())
		}
		for i, a := range script {
			d.Step(a)
			s.Step(a)
			r.Steps++
			if o.Film {
				d.Render(r.Want)
				s.Frame(r.Got)
				putFilm(r.Film, i, r.Want, r.Got)
			}
		}
		d.Render(r.Want)
		s.Frame(r.Got)
		r.Pass, r.ChangedPSNR, r.Ratio = Score(r.Start, r.Want, r.Got)
		out = append(out, r)
	}
	return out, nil
}

// SuccessRate is the fraction of results that pass.
func SuccessRate(rs []Result) float64 {
	n := 0
	for _, r := range rs {
		if r.Pass {
			n++
		}
	}
	return float64(n) / float64(max(len(rs), 1))
}

func frameOf(d *sandbox.Desktop) *image.RGBA {
	w, h := d.Size()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	d.Render(img)
	return img
}

// MeanEchoed is the mean of the results' Echoed (terminal probes).
func MeanEchoed(rs []Result) float64 {
	sum := 0.0
	for _, r := range rs {
		sum += r.Echoed
	}
	return sum / float64(max(len(rs), 1))
}
