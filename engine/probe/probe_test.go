package probe

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// TestScoring plays every standard probe on the sandbox and scores three
// stand-in models: the sandbox itself passes, a model that changes nothing
// and one that draws a blank screen fail.
func TestScoring(t *testing.T) {
	spec := sandbox.DefaultSpec()
	probes := Standard(spec)
	if len(probes) != len(spec.Icons)+5 {
		t.Fatalf("%d probes", len(probes))
	}
	for _, p := range probes {
		d, _ := sandbox.New(spec, sandbox.Options{Width: 256, Height: 192})
		if p.Setup != nil {
			p.Setup(d)
		}
		start := frameOf(d)
		for _, a := range p.Script(d) {
			d.Step(a)
		}
		want := frameOf(d)
		blank := image.NewRGBA(want.Rect)
		if pass, db, _ := Score(start, want, want); !pass || db != 99 {
			t.Errorf("%s: the sandbox's own frame does not pass (%.1f dB)", p.Name, db)
		}
		if pass, _, ratio := Score(start, want, start); pass || ratio < 1 {
			t.Errorf("%s: a frozen frame passes (ratio %.2f)", p.Name, ratio)
		}
		if pass, db, _ := Score(start, want, blank); pass {
			t.Errorf("%s: a blank frame passes (%.1f dB)", p.Name, db)
		}
	}
}

func TestRunOnAModel(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	m, _ := model.New(cpu.New(), cfg, 1)
	rs, err := Run(m, sandbox.DefaultSpec(), Standard(sandbox.DefaultSpec()), RunOptions{Seed: 1, Film: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 12 || SuccessRate(rs) > 0.2 {
		t.Errorf("an untrained model: %d results, success %.2f", len(rs), SuccessRate(rs))
	}
	for _, r := range rs {
		if r.Steps == 0 || r.Got == nil {
			t.Errorf("%s: %+v", r.Name, r)
		}
		checkFilmEnd(t, r)
	}
}

// checkFilmEnd checks that r's film has a cell per step, wrapping into
// bands, and ends on the frames the probe compared.
func checkFilmEnd(t *testing.T, r Result) {
	t.Helper()
	w, h := r.Want.Rect.Dx(), r.Want.Rect.Dy()
	bands := (r.Steps + FilmColumns - 1) / FilmColumns
	if r.Film == nil || r.Film.Rect != image.Rect(0, 0, w*min(r.Steps, FilmColumns), 2*h*bands) {
		t.Fatalf("%s: film %v for %d steps", r.Name, r.Film, r.Steps)
	}
	cell := func(row int) *image.RGBA { return r.Film.SubImage(FilmCell(r.Steps-1, row, w, h)).(*image.RGBA) }
	if !sameImage(cell(0), r.Want) || !sameImage(cell(1), r.Got) {
		t.Errorf("%s: the film does not end on the compared frames", r.Name)
	}
}

func sameImage(a, b *image.RGBA) bool {
	if a.Rect.Size() != b.Rect.Size() {
		return false
	}
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			if a.RGBAAt(a.Rect.Min.X+x, a.Rect.Min.Y+y) != b.RGBAAt(b.Rect.Min.X+x, b.Rect.Min.Y+y) {
				return false
			}
		}
	}
	return true
}
