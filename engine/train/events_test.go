package train

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
)

// TestEvents finds the steps of a goal-agent trace where the screen changes
// widely, checked pixel by pixel on the decoded frames, and draws a batch's
// share of items from them.
func TestEvents(t *testing.T) {
	dir, cfg := synthtest.Tiny(t, "goal", 4, 400)
	data, err := dataset.Open([]string{dir}, cfg.TraceKind(), cfg.Width, cfg.Height)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	events, err := findEvents(context.Background(), data.Traces)
	if err != nil {
		t.Fatal(err)
	}
	tr := data.Traces[0]
	isEvent := map[int]bool{}
	for _, e := range events {
		isEvent[e.i] = true
	}
	for i := range tr.R.Len() - 1 {
		a, _ := tr.R.Frame(i)
		b, _ := tr.R.Frame(i + 1)
		changed := 0
		for p := 0; p < len(a.Pix); p += 4 {
			if a.Pix[p] != b.Pix[p] || a.Pix[p+1] != b.Pix[p+1] || a.Pix[p+2] != b.Pix[p+2] {
				changed++
			}
		}
		if want := float64(changed) >= EventMinChange*float64(len(a.Pix)/4); isEvent[i] != want {
			t.Errorf("step %d: %d of %d pixels change, event %v", i, changed, len(a.Pix)/4, isEvent[i])
		}
	}
	// The goal agent opens windows and menus: some events, a minority.
	if n := len(events); n == 0 || n > tr.R.Len()/4 {
		t.Fatalf("%d events in %d steps", n, tr.R.Len())
	}
	t.Logf("%d events in %d steps", len(events), tr.R.Len())

	for _, share := range []float64{0, 0.5, 1} {
		o := Defaults()
		o.EventShare = share
		tn := &trainer{o: o, data: data, events: events, rng: rand.New(rand.NewPCG(1, 2))}
		hits := 0
		const draws = 2000
		for range draws {
			_, i := tn.pick(2)
			if i < 2 || i >= tr.R.Len()-1 {
				t.Fatalf("picked step %d of %d", i, tr.R.Len())
			}
			if isEvent[i] {
				hits++
			}
		}
		base := float64(len(events)) / float64(tr.R.Len())
		want := share + (1-share)*base
		if got := float64(hits) / draws; got < want-0.05 || got > want+0.05 {
			t.Errorf("event share %.1f: %.3f of the picks are events, want about %.3f", share, got, want)
		}
	}
}
