package x11

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Options describe a recording.
type Options struct {
	// Region is the part of the screen recorded (root coordinates); empty
	// means the whole screen.
	Region image.Rectangle
	// Width x Height is the frame size (0: the region's): frames are
	// scaled down to it, positions in actions are in frame pixels.
	Width, Height int
	FPS           float64
	// Frames stops the recording after this many frames (0: until ctx ends).
	Frames int
	Source string
	Tags   map[string]string
	// OnFrame, when set, is called after each frame is written.
	OnFrame func(Stats)
	// Exclude, when set, gives rectangles (root coordinates) blacked out
	// of every frame before it is scaled, e.g. the recorder's own window.
	Exclude func() []image.Rectangle
}

// Stats describe a recording so far.
type Stats struct {
	Frames  int           `json:"frames"`
	Dropped int           `json:"dropped"` // frame ticks missed because capture fell behind
	Elapsed time.Duration `json:"elapsed_ns"`
	Shapes  int           `json:"cursor_shapes"` // distinct cursor images seen
	// Sprites are those images as drawn (at frame scale); the trace stores
	// the first as its cursor sprite. FrameSprite is the index of the one
	// drawn into each frame.
	Sprites     []Sprite `json:"-"`
	FrameSprite []int    `json:"-"`
}

// Sprite is a cursor image as drawn into frames.
type Sprite struct {
	Image      *image.RGBA
	HotX, HotY int
}

// Input is where a recording's actions come from: a person (Poller) or a
// driver (Driver).
type Input interface {
	// Taken is the action of the step that ends now, in frame pixels.
	Taken() (action.Action, error)
	// Begin starts the next step (a driver performs its next action).
	Begin() error
}

// geometry maps root coordinates to frame pixels.
type geometry struct {
	region image.Rectangle
	w, h   int
}

func (g geometry) toFrame(x, y int) (int, int) {
	fx := (x - g.region.Min.X) * g.w / g.region.Dx()
	fy := (y - g.region.Min.Y) * g.h / g.region.Dy()
	return min(max(fx, 0), g.w-1), min(max(fy, 0), g.h-1)
}

func (g geometry) toRoot(x, y int) (int, int) {
	return g.region.Min.X + (2*x+1)*g.region.Dx()/(2*g.w), g.region.Min.Y + (2*y+1)*g.region.Dy()/(2*g.h)
}

// resolve fills in the defaults of o for display d and checks it.
func (o *Options) resolve(d *Display) (geometry, error) {
	if o.Region.Empty() {
		o.Region = image.Rect(0, 0, d.Width, d.Height)
	}
	if !o.Region.In(image.Rect(0, 0, d.Width, d.Height)) {
		return geometry{}, fmt.Errorf("x11: region %v is not inside the %dx%d screen of %s", o.Region, d.Width, d.Height, d.Name)
	}
	if o.Width == 0 && o.Height == 0 {
		o.Width, o.Height = o.Region.Dx(), o.Region.Dy()
	}
	if o.Width < 1 || o.Height < 1 || o.Width > o.Region.Dx() || o.Height > o.Region.Dy() {
		return geometry{}, fmt.Errorf("x11: frame size %dx%d must be between 1x1 and the region's %dx%d (frames are scaled down, not up)", o.Width, o.Height, o.Region.Dx(), o.Region.Dy())
	}
	if o.FPS == 0 {
		o.FPS = 15
	}
	if !(o.FPS > 0 && o.FPS <= 60) {
		return geometry{}, fmt.Errorf("x11: fps %g outside (0, 60]", o.FPS)
	}
	return geometry{region: o.Region, w: o.Width, h: o.Height}, nil
}

// Record captures the region of d at o.FPS into a trace in dir, with the
// actions of in, until o.Frames frames or ctx ends. The pointer is drawn
// into every frame with its current shape (screen captures lack it) and the
// first shape is stored as the trace's cursor sprite.
func Record(ctx context.Context, d *Display, dir string, o Options, in Input) (Stats, error) {
	g, err := o.resolve(d)
	if err != nil {
		return Stats{}, err
	}
	grab := newCapturer(d, g)
	grab.exclude = o.Exclude
	first, err := grab.frame()
	if err != nil {
		return Stats{}, err
	}
	meta := trace.Meta{Kind: trace.GUI, Width: g.w, Height: g.h, FPS: o.FPS, Source: o.Source, Tags: o.Tags,
		Cursor: trace.Cursor{Sprite: trace.CursorFile, Image: grab.sprite, HotX: grab.hotX, HotY: grab.hotY}}
	w, err := trace.Create(dir, meta)
	if err != nil {
		return Stats{}, err
	}
	prev := first
	start := time.Now()
	period := time.Duration(float64(time.Second) / o.FPS)
	var st Stats
	prevAt := time.Duration(0)
	if err := in.Begin(); err != nil {
		w.Close()
		return st, err
	}
	for k := 1; o.Frames == 0 || k < o.Frames; k++ {
		// Sleep to the k-th tick; ticks already past are dropped.
		due := time.Duration(k+st.Dropped) * period
		if late := time.Since(start) - due; late > 0 {
			st.Dropped += int(late / period)
			due = time.Duration(k+st.Dropped) * period
		}
		select {
		case <-ctx.Done():
			return st, finish(w, prev, prevAt, in, &st, start, grab)
		case <-time.After(due - time.Since(start)):
		}
		a, err := in.Taken()
		if err != nil {
			w.Close()
			return st, err
		}
		if err := w.AppendAt(prevAt, prev, a); err != nil {
			w.Close()
			return st, err
		}
		grab.report(&st, w, start)
		if o.OnFrame != nil {
			o.OnFrame(st)
		}
		if prev, err = grab.frame(); err != nil {
			w.Close()
			return st, err
		}
		prevAt = time.Since(start)
		if err := in.Begin(); err != nil {
			w.Close()
			return st, err
		}
	}
	return st, finish(w, prev, prevAt, in, &st, start, grab)
}

// finish writes the last frame with the action taken after it and closes
// the trace.
func finish(w *trace.Writer, last *image.RGBA, at time.Duration, in Input, st *Stats, start time.Time, grab *capturer) error {
	a, err := in.Taken()
	if err == nil {
		err = w.AppendAt(at, last, a)
	}
	grab.report(st, w, start)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// report brings st up to date.
func (c *capturer) report(st *Stats, w *trace.Writer, start time.Time) {
	st.Frames, st.Elapsed = w.Len(), time.Since(start)
	st.Shapes, st.Sprites, st.FrameSprite = len(c.sprites), c.sprites, c.drawn
}

// capturer grabs frames: the region, scaled to the frame, with the pointer
// drawn.
type capturer struct {
	d          *Display
	g          geometry
	full       *image.RGBA // the region at screen resolution
	serial     uint32
	sprite     *image.RGBA // the current cursor at frame scale
	hotX, hotY int
	exclude    func() []image.Rectangle
	seen       map[uint32]int // sprite index by cursor serial
	sprites    []Sprite
	drawn      []int // sprite index per frame
}

func newCapturer(d *Display, g geometry) *capturer {
	return &capturer{d: d, g: g, full: image.NewRGBA(image.Rect(0, 0, g.region.Dx(), g.region.Dy())), serial: ^uint32(0), seen: map[uint32]int{}}
}

// frame captures a new frame.
func (c *capturer) frame() (*image.RGBA, error) {
	if err := c.d.Grab(c.g.region, c.full); err != nil {
		return nil, err
	}
	if c.exclude != nil {
		for _, r := range c.exclude() {
			draw.Draw(c.full, r.Sub(c.g.region.Min), image.Black, image.Point{}, draw.Src)
		}
	}
	cur, err := c.d.Cursor()
	if err != nil {
		return nil, err
	}
	if cur.Serial != c.serial { // a new shape: scale it as the frame is
		c.serial = cur.Serial
		c.sprite, c.hotX, c.hotY = c.scaleSprite(cur)
		if _, ok := c.seen[cur.Serial]; !ok {
			c.seen[cur.Serial] = len(c.sprites)
			c.sprites = append(c.sprites, Sprite{c.sprite, c.hotX, c.hotY})
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, c.g.w, c.g.h))
	scale(out, c.full)
	x, y := c.g.toFrame(cur.X, cur.Y)
	at := image.Pt(x-c.hotX, y-c.hotY)
	draw.Draw(out, c.sprite.Rect.Add(at), c.sprite, image.Point{}, draw.Over)
	c.drawn = append(c.drawn, c.seen[c.serial])
	return out, nil
}

// scaleSprite scales a cursor image by the frame's scale (at least 1x1)
// and makes its mask binary: the cursor is drawn with exact pixels, so that
// its mask is known wherever it is drawn (the model's cursor supervision
// and the cursor detector rely on it).
func (c *capturer) scaleSprite(cur Cursor) (*image.RGBA, int, int) {
	sx := float64(c.g.w) / float64(c.g.region.Dx())
	sy := float64(c.g.h) / float64(c.g.region.Dy())
	b := cur.Image.Rect
	dst, hx, hy := cur.Image, cur.HotX, cur.HotY
	if (sx != 1 || sy != 1) && !b.Empty() {
		dst = image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*sx+0.5)), max(1, int(float64(b.Dy())*sy+0.5))))
		xdraw.BiLinear.Scale(dst, dst.Rect, cur.Image, b, xdraw.Src, nil)
		hx, hy = int(float64(cur.HotX)*sx), int(float64(cur.HotY)*sy)
	} else {
		dst = image.NewRGBA(b)
		copy(dst.Pix, cur.Image.Pix)
	}
	for i := 3; i < len(dst.Pix); i += 4 {
		a := dst.Pix[i]
		if a >= 128 && a < 255 { // made opaque: un-premultiply its colour
			for c := i - 3; c < i; c++ {
				dst.Pix[c] = uint8(min(255, int(dst.Pix[c])*255/int(a)))
			}
		}
		if a >= 128 {
			dst.Pix[i] = 255
		} else {
			clear(dst.Pix[i-3 : i+1])
		}
	}
	return dst, hx, hy
}

// scale resizes src into dst: averaging boxes when the factor is a whole
// number (exact and fast), bilinear otherwise.
func scale(dst, src *image.RGBA) {
	fx, fy := src.Rect.Dx()/dst.Rect.Dx(), src.Rect.Dy()/dst.Rect.Dy()
	if fx == 1 && fy == 1 && src.Rect.Size() == dst.Rect.Size() {
		copy(dst.Pix, src.Pix)
		return
	}
	if fx*dst.Rect.Dx() != src.Rect.Dx() || fy*dst.Rect.Dy() != src.Rect.Dy() {
		xdraw.BiLinear.Scale(dst, dst.Rect, src, src.Rect, xdraw.Src, nil)
		return
	}
	n := uint32(fx * fy)
	for y := range dst.Rect.Dy() {
		for x := range dst.Rect.Dx() {
			var sum [3]uint32
			for yy := y * fy; yy < (y+1)*fy; yy++ {
				row := src.Pix[src.PixOffset(x*fx, yy):]
				for xx := range fx {
					sum[0] += uint32(row[4*xx])
					sum[1] += uint32(row[4*xx+1])
					sum[2] += uint32(row[4*xx+2])
				}
			}
			o := dst.PixOffset(x, y)
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = uint8((sum[0]+n/2)/n), uint8((sum[1]+n/2)/n), uint8((sum[2]+n/2)/n), 255
		}
	}
}
