package trace

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

// ExportOptions selects the frames to export and their size.
type ExportOptions struct {
	// From and To select frames From..To-1; To <= 0 means the last frame.
	From, To int
	// Scale multiplies the frame size (0 means 1): 0.5 halves it, 2
	// doubles it.
	Scale float64
	// Progress, when set, is called after each frame with the frames done
	// and the total.
	Progress func(done, total int)
}

// span resolves the options against a trace: the frame range and the
// output size.
func (o ExportOptions) span(r *Reader) (from, to, w, h int, err error) {
	from, to = o.From, o.To
	if to <= 0 {
		to = r.Len()
	}
	if from < 0 || from >= to || to > r.Len() {
		return 0, 0, 0, 0, fmt.Errorf("trace: frames %d..%d outside the trace's 0..%d", from, to, r.Len())
	}
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	m := r.Meta()
	w, h = int(math.Round(float64(m.Width)*scale)), int(math.Round(float64(m.Height)*scale))
	if !(scale > 0) || w < 1 || h < 1 || w > 0xffff || h > 0xffff || w*h > 1<<26 {
		return 0, 0, 0, 0, fmt.Errorf("trace: scale %v gives a %dx%d image", o.Scale, w, h)
	}
	return from, to, w, h, nil
}

// ExportPNGs writes frames as dir/frame_NNNNNN.png (NNNNNN is the frame's
// index in the trace), creating dir. It returns the number of files.
func ExportPNGs(r *Reader, dir string, o ExportOptions) (int, error) {
	from, to, w, h, err := o.span(r)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	done := 0
	for s, err := range r.Steps(from, to) {
		if err != nil {
			return done, err
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("frame_%06d.png", s.Index)))
		if err != nil {
			return done, err
		}
		err = enc.Encode(f, scaleRGBA(s.Frame, w, h))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return done, err
		}
		done++
		if o.Progress != nil {
			o.Progress(done, to-from)
		}
	}
	return done, nil
}

// Overlay colours, at the end of the GIF palette: the cursor trail fades
// from pale (old) to red (new); click rings are coloured by button.
var (
	trailColours = []color.RGBA{
		{255, 236, 200, 255}, {255, 214, 170, 255}, {255, 190, 140, 255}, {255, 165, 115, 255},
		{255, 138, 92, 255}, {255, 110, 72, 255}, {250, 80, 55, 255}, {240, 40, 40, 255},
	}
	clickButtons = []action.Buttons{action.Left, action.Middle, action.Right}
	clickColours = []color.RGBA{{0, 200, 255, 255}, {255, 220, 0, 255}, {255, 0, 220, 255}}
)

// gifDelayMin is the shortest frame time browsers honour, in 1/100 s.
const gifDelayMin = 2

// ExportGIF writes frames as an animated GIF with the cursor's recent path
// drawn over them (a polyline fading over about a second) and a ring where
// a button was pressed. Frame times come from the events; a frame less
// than 20 ms after the last one shown is skipped (viewers would not show
// it), and each GIF frame stores only the rectangle that changed. Colours are a median-cut palette of frames sampled across
// the range, so flat screen colours stay exact.
func ExportGIF(r *Reader, out io.Writer, o ExportOptions) error {
	from, to, w, h, err := o.span(r)
	if err != nil {
		return err
	}
	base, err := gifPalette(r, from, to, w, h)
	if err != nil {
		return err
	}
	pal := append(color.Palette{}, base...)
	trail := uint8(len(pal))
	for _, c := range trailColours {
		pal = append(pal, c)
	}
	click := uint8(len(pal))
	for _, c := range clickColours {
		pal = append(pal, c)
	}
	m := newMapper(base) // frame pixels never map to overlay colours
	ov := newOverlay(r, w, h)

	g := newGIFWriter(out, w, h, pal)
	canvas := image.NewPaletted(image.Rect(0, 0, w, h), pal) // the GIF as shown so far
	frame := image.NewPaletted(canvas.Rect, pal)
	var pending image.Rectangle // the last frame added, written once its delay is known
	var pendingCS, done int
	start := r.Time(from)
	centis := func(t time.Duration) int { return int((t - start + 5*time.Millisecond) / (10 * time.Millisecond)) }
	for s, err := range r.Steps(from, to) {
		if err != nil {
			return err
		}
		done++
		if o.Progress != nil {
			o.Progress(done, to-from)
		}
		cs := centis(s.Time)
		if s.Index > from && cs-pendingCS < gifDelayMin {
			continue // too close to the last frame to be seen
		}
		m.quantize(frame, scaleRGBA(s.Frame, w, h))
		ov.draw(frame, s.Index, trail, click)
		changed := canvas.Rect // the first frame covers the screen
		if s.Index > from {
			changed = diffRect(canvas, frame)
		}
		if changed.Empty() {
			continue // nothing new: the pending frame just lasts longer
		}
		if s.Index > from {
			g.frame(canvas, pending, cs-pendingCS)
		}
		copyRect(canvas, frame, changed)
		pending, pendingCS = changed, cs
	}
	last := int(math.Round(100 / r.Meta().FPS))
	if to < r.Len() {
		last = centis(r.Time(to)) - pendingCS
	}
	g.frame(canvas, pending, max(last, gifDelayMin))
	return g.close()
}

// gifPalette samples up to 16 frames evenly over the range and returns
// their median-cut palette, leaving room for the overlay colours.
func gifPalette(r *Reader, from, to, w, h int) (color.Palette, error) {
	var hist histogram
	samples := min(16, to-from)
	for k := range samples {
		img, err := r.Frame(from + k*(to-from)/samples)
		if err != nil {
			return nil, err
		}
		hist.add(scaleRGBA(img, w, h))
	}
	return medianCut(&hist, 256-len(trailColours)-len(clickColours)), nil
}

// overlay draws what the user did onto exported frames, at output scale.
type overlay struct {
	events       []Event
	sx, sy       float64
	trailLen     int // steps of cursor path shown
	clickFrames  int // frames a click ring stays
	brush, ringR int
}

func newOverlay(r *Reader, w, h int) *overlay {
	m := r.Meta()
	fps := m.FPS
	sx, sy := float64(w)/float64(m.Width), float64(h)/float64(m.Height)
	s := math.Sqrt(sx * sy)
	return &overlay{
		events: r.Events(), sx: sx, sy: sy,
		trailLen:    min(max(int(math.Round(fps)), 2), 60),
		clickFrames: max(int(math.Round(fps/2)), 3),
		brush:       max(int(math.Round(s)), 1),
		ringR:       max(int(math.Round(6*s)), 4),
	}
}

// at is the cursor at the end of step k, in output pixels.
func (o *overlay) at(k int) (int, int) {
	a := o.events[k].Action
	return int((float64(a.X) + 0.5) * o.sx), int((float64(a.Y) + 0.5) * o.sy)
}

// draw paints the overlay for frame i: the cursor positions after steps
// i-trailLen..i-1 (the last one is where the cursor is in frame i), and a
// ring for each press in the last clickFrames steps.
// trail and click are the palette indices of the first trail and click
// colours.
func (o *overlay) draw(p *image.Paletted, i int, trail, click uint8) {
	first := max(i-o.trailLen, 0)
	for k := first + 1; k < i; k++ {
		x0, y0 := o.at(k - 1)
		x1, y1 := o.at(k)
		shade := (k - first) * len(trailColours) / (i - first)
		line(p, x0, y0, x1, y1, o.brush, trail+uint8(min(shade, len(trailColours)-1)))
	}
	for k := max(i-o.clickFrames, 0); k < i; k++ {
		var prev action.Action
		if k > 0 {
			prev = o.events[k-1].Action
		}
		pressed := o.events[k].Action.Pressed(prev)
		x, y := o.at(k)
		for j, b := range clickButtons {
			if pressed.Has(b) { // rings grow as they age, so several stay apart
				ring(p, x, y, o.ringR+(i-1-k)+2*j, o.brush, click+uint8(j))
			}
		}
	}
}

// diffRect is the smallest rectangle holding every pixel where a and b
// differ.
func diffRect(a, b *image.Paletted) image.Rectangle {
	var r image.Rectangle
	w := a.Rect.Dx()
	for y := range a.Rect.Dy() {
		ra, rb := a.Pix[y*a.Stride:y*a.Stride+w], b.Pix[y*b.Stride:y*b.Stride+w]
		lo := 0
		for lo < w && ra[lo] == rb[lo] {
			lo++
		}
		if lo == w {
			continue
		}
		hi := w
		for ra[hi-1] == rb[hi-1] {
			hi--
		}
		r = r.Union(image.Rect(lo, y, hi, y+1))
	}
	return r
}

func copyRect(dst, src *image.Paletted, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)], src.Pix[src.PixOffset(r.Min.X, y):])
	}
}
