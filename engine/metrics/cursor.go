package metrics

import (
	"image"
	"math"
)

// Sprite is a cursor image with its hotspot.
type Sprite struct {
	Image      *image.RGBA
	HotX, HotY int
}

// Cursor detection: the frame is searched exhaustively for the placement of
// each sprite that minimises the mean squared RGB error over the sprite's
// opaque pixels (placements with at least half of them inside the frame).
// The best placement's hotspot is the detected cursor. Generated frames are
// blurrier than real ones; the minimum still lands on the drawn cursor. A
// cursor with less than half of itself on screen cannot be found reliably;
// Visible tells which logged positions to score.

type spritePixel struct {
	dx, dy  int // from the hotspot
	r, g, b float64
}

// Detector finds cursors of a set of sprites.
type Detector struct {
	sprites [][]spritePixel
}

// NewDetector prepares the sprites.
func NewDetector(sprites ...Sprite) *Detector {
	d := &Detector{}
	for _, s := range sprites {
		var px []spritePixel
		b := s.Image.Rect
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				p := s.Image.Pix[s.Image.PixOffset(x, y):]
				if p[3] >= 128 {
					px = append(px, spritePixel{x - b.Min.X - s.HotX, y - b.Min.Y - s.HotY, float64(p[0]), float64(p[1]), float64(p[2])})
				}
			}
		}
		d.sprites = append(d.sprites, px)
	}
	return d
}

// Visible reports whether at least half of the first sprite's pixels are
// inside a width x height frame with its hotspot at (x, y).
func (d *Detector) Visible(x, y, width, height int) bool {
	n := 0
	for _, p := range d.sprites[0] {
		if fx, fy := x+p.dx, y+p.dy; fx >= 0 && fy >= 0 && fx < width && fy < height {
			n++
		}
	}
	return 2*n >= len(d.sprites[0])
}

// Find returns the detected hotspot and the mean squared error of the match.
func (d *Detector) Find(frame *image.RGBA) (x, y int, mse float64) {
	w, h := frame.Rect.Dx(), frame.Rect.Dy()
	mse = math.Inf(1)
	for _, px := range d.sprites {
		for cy := range h {
			for cx := range w {
				var sum float64
				n := 0
				for _, p := range px {
					fx, fy := cx+p.dx, cy+p.dy
					if fx < 0 || fy < 0 || fx >= w || fy >= h {
						continue
					}
					q := frame.Pix[frame.PixOffset(frame.Rect.Min.X+fx, frame.Rect.Min.Y+fy):]
					dr, dg, db := float64(q[0])-p.r, float64(q[1])-p.g, float64(q[2])-p.b
					sum += dr*dr + dg*dg + db*db
					n++
					if sum >= mse*float64(len(px)) { // cannot beat the best any more
						break
					}
				}
				if 2*n < len(px) {
					continue
				}
				if m := sum / float64(n); m < mse {
					x, y, mse = cx, cy, m
				}
			}
		}
	}
	return x, y, mse / 3
}

// CursorError summarises detected against logged cursor positions.
type CursorError struct {
	Frames   int     `json:"frames"`
	Accuracy float64 `json:"accuracy"` // fraction detected within Radius pixels
	DX       float64 `json:"dx"`       // mean |Δx| in pixels
	DY       float64 `json:"dy"`
	DR       float64 `json:"dr"` // mean Euclidean distance
}

// Radius is how close a detection must be to count as correct.
const Radius = 4

// Add records one frame's detection against the logged position.
func (e *CursorError) Add(detX, detY, trueX, trueY int) {
	dx, dy := math.Abs(float64(detX-trueX)), math.Abs(float64(detY-trueY))
	dr := math.Hypot(dx, dy)
	n := float64(e.Frames)
	e.Frames++
	hit := 0.0
	if dr <= Radius {
		hit = 1
	}
	e.Accuracy = (e.Accuracy*n + hit) / (n + 1)
	e.DX = (e.DX*n + dx) / (n + 1)
	e.DY = (e.DY*n + dy) / (n + 1)
	e.DR = (e.DR*n + dr) / (n + 1)
}
