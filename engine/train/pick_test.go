package train

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
)

// TestPickDrawsEvents draws batch items with EventShare 0, 0.5 and 1: the
// share of events among them is the option plus what uniform picks hit.
func TestPickDrawsEvents(t *testing.T) {
	dir, cfg := synthtest.Tiny(t, "goal", 4, 400)
	data, err := dataset.Open([]string{dir}, cfg.TraceKind(), cfg.Width, cfg.Height)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	events, err := data.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	isEvent := map[int]bool{}
	for _, e := range events {
		isEvent[e.I] = true
	}
	steps := data.Traces[0].R.Len()
	for _, share := range []float64{0, 0.5, 1} {
		o := Defaults()
		o.EventShare = share
		tn := &trainer{o: o, data: data, events: events, rng: rand.New(rand.NewPCG(1, 2))}
		hits := 0
		const draws = 2000
		for range draws {
			_, i := tn.pick(2)
			if i < 2 || i >= steps-1 {
				t.Fatalf("picked step %d of %d", i, steps)
			}
			if isEvent[i] {
				hits++
			}
		}
		base := float64(len(events)) / float64(steps)
		want := share + (1-share)*base
		if got := float64(hits) / draws; got < want-0.05 || got > want+0.05 {
			t.Errorf("event share %.1f: %.3f of the picks are events, want about %.3f", share, got, want)
		}
	}
}
