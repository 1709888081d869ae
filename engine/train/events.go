package train

import (
	"context"

	"github.com/ncstudio/ncstudio/engine/dataset"
)

// Events: on a desktop most steps move the cursor and little else, while
// the behaviours a user plays for (a window opening, a menu, a drag; on a
// terminal, a command's output) are a few percent of the steps.
// Options.EventShare draws a share of each batch from those steps so that
// the dynamics sees them often enough to learn them instead of averaging
// them away.

// EventMinChange is the share of a frame's pixels that must change from one
// frame to the next for the step to be an event. A cursor move changes at
// most about 2% of a 128x96 frame (its sprite, where it was and where it is);
// the opening of a menu about 8%, of a window 15-25%.
const EventMinChange = 0.05

// eventRef is one event step: frame i+1 of the trace differs widely from
// frame i.
type eventRef struct {
	trace *dataset.Trace
	i     int
}

// findEvents lists the steps of the traces whose next frame changes at
// least EventMinChange of the pixels, in trace order.
func findEvents(ctx context.Context, traces []*dataset.Trace) ([]eventRef, error) {
	var out []eventRef
	var prev, cur []byte
	for _, tr := range traces {
		for i := range tr.R.Len() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var err error
			if cur, err = tr.R.FrameRGB(i, cur); err != nil {
				return nil, err
			}
			if i > 0 && changedShare(prev, cur) >= EventMinChange {
				out = append(out, eventRef{tr, i - 1})
			}
			prev, cur = cur, prev
		}
	}
	return out, nil
}

// changedShare is the share of pixels (packed RGB) that differ between a
// and b.
func changedShare(a, b []byte) float64 {
	n := 0
	for j := 0; j+2 < len(a); j += 3 {
		if a[j] != b[j] || a[j+1] != b[j+1] || a[j+2] != b[j+2] {
			n++
		}
	}
	return float64(n) / float64(len(a)/3)
}
