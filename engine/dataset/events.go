package dataset

import "context"

// Events: on a desktop most steps move the cursor and little else, while
// the behaviours a user plays for (a window opening, a menu, a drag; on a
// terminal, a command's output or a scroll) are a few percent of the steps.
// Training draws a share of its batches from them (train.Options.EventShare)
// and eval scores them apart, because whole-trace averages hide them.

// EventMinChange is the share of a frame's pixels that must change from one
// frame to the next for the step to be an event. A cursor move changes at
// most about 2% of a 128x96 frame (its sprite, where it was and where it is);
// the opening of a menu about 8%, of a window 15-25%.
const EventMinChange = 0.05

// Step is step I of a trace: its action leads from frame I to frame I+1.
type Step struct {
	Trace *Trace
	I     int
}

// Events lists the steps of the dataset's traces whose next frame changes
// at least EventMinChange of the pixels, in trace order.
func (d *Dataset) Events(ctx context.Context) ([]Step, error) {
	var out []Step
	var prev, cur []byte
	for _, tr := range d.Traces {
		for i := range tr.R.Len() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var err error
			if cur, err = tr.R.FrameRGB(i, cur); err != nil {
				return nil, err
			}
			if i > 0 && changedShare(prev, cur) >= EventMinChange {
				out = append(out, Step{tr, i - 1})
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
