package plot

import (
	"image"
	"testing"
)

// TestLegendKeepsClearOfTitle: a legend that fits beside the title stays on
// the title's row; one that would overlap it moves to a row of its own; one
// wider than the plot wraps into rows that stay inside it; and the chart
// still draws.
func TestLegendKeepsClearOfTitle(t *testing.T) {
	area := image.Rect(64, 28, 704, 320)
	short := Chart{Title: "loss", Series: []Series{{Name: "train"}}}
	if p := short.legendPlaces(area); p[0].Y != 18 {
		t.Errorf("a short legend beside a short title: %v", p)
	}
	title := "rollout PSNR (dB) by step, true actions"
	long := Chart{Title: title, Series: []Series{{Name: "default-f16.safetensors"}, {Name: "hold last frame (baseline)"}}}
	if p := long.legendPlaces(area); p[0].Y != 34 || p[1].Y != 34 || p[0].X >= p[1].X {
		t.Errorf("a legend that overlaps the title: %v, want one row below it", p)
	}
	wide := Chart{Title: title, Series: []Series{{Name: "default"}, {Name: "prev-default.safetensors"},
		{Name: "hold last frame, default"}, {Name: "hold last frame, prev-default.safetensors"}}}
	p := wide.legendPlaces(area)
	rows := map[int]bool{}
	for i, q := range p {
		end := q.X + textWidth(wide.Series[i].Name) + 18
		if q.X < area.Min.X || end > area.Max.X || q.Y == 18 && q.X < area.Min.X+textWidth(title) {
			t.Errorf("series %d at %v..%d: outside the plot's width or over the title", i, q, end)
		}
		rows[q.Y] = true
	}
	if len(rows) < 2 {
		t.Errorf("a legend wider than the plot stayed on one row: %v", p)
	}
	for _, c := range []Chart{long, wide} {
		c.Series[0].X, c.Series[0].Y = []float64{1, 2}, []float64{3, 4}
		if img := c.Draw(720, 360); img.Bounds().Dx() != 720 {
			t.Errorf("drew %v", img.Bounds())
		}
	}
}
