// Package dataset opens sets of GUI traces for training and evaluation,
// with what both need besides frames and actions: where each frame shows
// the cursor and with which sprite (exact for sandbox traces, replayed with
// their spec), and room for each frame's latent.
package dataset

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Dataset is a set of GUI traces of one frame size, read from disk on
// demand (one decoded chunk per trace is cached by its reader).
type Dataset struct {
	Width, Height int
	Traces        []*Trace
	frames        int
}

// Trace is one trace of a dataset with what training needs besides frames:
// where the cursor is drawn in each frame and with which sprite.
type Trace struct {
	Path   string
	R      *trace.Reader
	Cursor []CursorAt // per frame
	// Latents, once computed: frame i's unscaled latent at [i·n, (i+1)·n),
	// as IEEE half floats (a quarter of the frames' size at 4x reduction
	// and 8 channels; float32 would not fit long datasets in 4 GiB).
	Latents []uint16
}

// CursorAt is the cursor as drawn in a frame: the sprite's hotspot at X, Y.
type CursorAt struct {
	X, Y   int
	Sprite *sandbox.Sprite // nil when the trace draws none
}

// FindTraces expands paths: a trace directory is taken as is, any other
// directory is searched (not recursively) for *.nctrace.
func FindTraces(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if strings.HasSuffix(strings.TrimRight(p, "/"), ".nctrace") {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		n := len(out)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".nctrace") {
				continue
			}
			// Stat follows symbolic links: a folder of links to traces
			// is a cheap way to pick a subset.
			path := filepath.Join(p, e.Name())
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				out = append(out, path)
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no traces (*.nctrace) in this directory", p)
		}
	}
	return out, nil
}

// Open opens the traces under paths; all must be traces of kind, of
// width x height, with at least two frames.
func Open(paths []string, kind trace.Kind, width, height int) (*Dataset, error) {
	dirs, err := FindTraces(paths)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Width: width, Height: height}
	for _, dir := range dirs {
		r, err := trace.Open(dir)
		if err != nil {
			d.Close()
			return nil, err
		}
		m := r.Meta()
		switch {
		case m.Kind != kind:
			err = fmt.Errorf("%s: a %s trace; this model learns %s traces", dir, m.Kind, kind)
		case m.Width != width || m.Height != height:
			err = fmt.Errorf("%s: frames are %dx%d, the model's are %dx%d (%s)", dir, m.Width, m.Height, width, height, recordHint(kind, width, height))
		case r.Len() < 2:
			err = fmt.Errorf("%s: %d frames, need at least 2", dir, r.Len())
		}
		if err != nil {
			r.Close()
			d.Close()
			return nil, err
		}
		t := &Trace{Path: dir, R: r}
		if t.Cursor, err = cursorsOf(dir, r); err != nil {
			r.Close()
			d.Close()
			return nil, err
		}
		d.Traces = append(d.Traces, t)
		d.frames += r.Len()
	}
	return d, nil
}

// recordHint says how to make traces of the model's size.
func recordHint(kind trace.Kind, width, height int) string {
	if kind == trace.CLI {
		return fmt.Sprintf("record a terminal whose columns x 8 and rows x 16 make %dx%d: ncstudio synth terminal --size %dx%d", width, height, width/8, height/16)
	}
	return fmt.Sprintf("record at that size: ncstudio synth --size %dx%d", width, height)
}

// Frames is the total number of frames.
func (d *Dataset) Frames() int { return d.frames }

// Close closes the readers.
func (d *Dataset) Close() {
	for _, t := range d.Traces {
		t.R.Close()
	}
}

// cursorsOf finds where each frame shows the cursor. Frame i shows the
// cursor where action i-1 left it. Sandbox traces are replayed with their
// spec for the exact sprite (the I-beam over editors); other traces use
// their stored sprite.
func cursorsOf(dir string, r *trace.Reader) ([]CursorAt, error) {
	m := r.Meta()
	out := make([]CursorAt, r.Len())
	if _, err := os.Stat(filepath.Join(dir, synth.SpecFile)); err == nil {
		spec, err := synth.LoadSpec(dir)
		if err != nil {
			return nil, err
		}
		states, err := synth.Replay(r, spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", dir, err)
		}
		for i, d := range states {
			x, y, shape := d.Cursor()
			s := sandbox.CursorSprite(shape)
			out[i] = CursorAt{X: x, Y: y, Sprite: &s}
		}
		return out, nil
	}
	var sprite *sandbox.Sprite
	if img, ok := m.Cursor.Image.(*image.RGBA); ok {
		sprite = &sandbox.Sprite{Image: img, HotX: m.Cursor.HotX, HotY: m.Cursor.HotY}
	} else if m.Cursor.Image != nil {
		rgba := image.NewRGBA(m.Cursor.Image.Bounds())
		for y := rgba.Rect.Min.Y; y < rgba.Rect.Max.Y; y++ {
			for x := rgba.Rect.Min.X; x < rgba.Rect.Max.X; x++ {
				rgba.Set(x, y, m.Cursor.Image.At(x, y))
			}
		}
		sprite = &sandbox.Sprite{Image: rgba, HotX: m.Cursor.HotX, HotY: m.Cursor.HotY}
	}
	prev := action.Action{X: m.Width / 2, Y: m.Height / 2}
	for i := range out {
		if i > 0 {
			prev = r.Action(i - 1)
		}
		out[i] = CursorAt{X: prev.X, Y: prev.Y, Sprite: sprite}
	}
	return out, nil
}

// Mask writes the cursor's pixels of frame i as 1 into dst (width x height,
// zeroed first).
func (t *Trace) Mask(dst []float32, i, width, height int) {
	clear(dst)
	c := t.Cursor[i]
	if c.Sprite == nil {
		return
	}
	img := c.Sprite.Image
	b := img.Rect
	for sy := b.Min.Y; sy < b.Max.Y; sy++ {
		for sx := b.Min.X; sx < b.Max.X; sx++ {
			x, y := c.X+sx-b.Min.X-c.Sprite.HotX, c.Y+sy-b.Min.Y-c.Sprite.HotY
			if x >= 0 && y >= 0 && x < width && y < height && img.Pix[img.PixOffset(sx, sy)+3] != 0 {
				dst[y*width+x] = 1
			}
		}
	}
}

// StepActions returns the action of step i of t (which leads from frame i
// to frame i+1) and the one before it, as the model featurizes them. Step 0
// has no action before it: the pointer rests where the trace's cursor
// starts, with nothing held or typed.
func (t *Trace) StepActions(i int) (prev, a action.Action) {
	a = t.R.Action(i)
	if i > 0 {
		return t.R.Action(i - 1), a
	}
	return action.Action{X: t.Cursor[0].X, Y: t.Cursor[0].Y}, a
}

// Presses returns when the mouse buttons were last pressed before step i
// (the clock a session would have after the steps before it).
func (t *Trace) Presses(i int) action.PressClock { return action.ReplayPresses(i, t.StepActions) }

// Pick chooses a trace with probability proportional to its length and an
// index in [lo, len-hi).
func (d *Dataset) Pick(rng *rand.Rand, lo, hi int) (*Trace, int) {
	for {
		n := rng.IntN(d.frames)
		for _, t := range d.Traces {
			if n < t.R.Len() {
				if t.R.Len()-hi > lo {
					return t, lo + rng.IntN(t.R.Len()-hi-lo)
				}
				break
			}
			n -= t.R.Len()
		}
		if !slices.ContainsFunc(d.Traces, func(t *Trace) bool { return t.R.Len()-hi > lo }) {
			panic("dataset: no trace is long enough")
		}
	}
}
