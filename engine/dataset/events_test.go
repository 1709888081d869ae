package dataset

import (
	"context"
	"testing"

	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
)

// TestEvents finds the steps of a goal-agent trace where the screen changes
// widely, checked pixel by pixel on the decoded frames.
func TestEvents(t *testing.T) {
	dir, cfg := synthtest.Tiny(t, "goal", 4, 400)
	data, err := Open([]string{dir}, cfg.TraceKind(), cfg.Width, cfg.Height)
	if err != nil {
		t.Fatal(err)
	}
	defer data.Close()
	events, err := data.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tr := data.Traces[0]
	isEvent := map[int]bool{}
	for _, e := range events {
		isEvent[e.I] = true
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
}
