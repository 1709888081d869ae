package term

import (
	"fmt"
	"image"
	"image/color"
)

// CursorStyle is how the text cursor is drawn.
type CursorStyle int

const (
	CursorBlock     CursorStyle = iota // the cell in inverse video, as xterm draws it
	CursorUnderline                    // two rows at the cell's bottom
	CursorBar                          // two columns at the cell's left
	CursorHidden                       // not drawn
)

var cursorStyleNames = []string{"block", "underline", "bar", "hidden"}

func (s CursorStyle) String() string {
	if s >= 0 && int(s) < len(cursorStyleNames) {
		return cursorStyleNames[s]
	}
	return fmt.Sprintf("CursorStyle(%d)", int(s))
}

// ParseCursorStyle reads a style's name.
func ParseCursorStyle(name string) (CursorStyle, error) {
	for i, n := range cursorStyleNames {
		if n == name {
			return CursorStyle(i), nil
		}
	}
	return 0, fmt.Errorf("term: no cursor style %q (block, underline, bar, hidden)", name)
}

// Renderer draws grids into frames.
type Renderer struct {
	Font   *Font
	Theme  Theme
	Cursor CursorStyle
}

// DefaultRenderer is Go Mono 8x16 on the dark theme with a block cursor.
func DefaultRenderer() *Renderer {
	return &Renderer{Font: DefaultFont(), Theme: Themes["dark"], Cursor: CursorBlock}
}

// FrameSize is the frame of a cols x rows terminal.
func (r *Renderer) FrameSize(cols, rows int) (w, h int) {
	return cols * r.Font.CellW, rows * r.Font.CellH
}

// GridSize is how many whole cells fit a w x h frame.
func (r *Renderer) GridSize(w, h int) (cols, rows int) {
	return w / r.Font.CellW, h / r.Font.CellH
}

// Render draws g into dst from its top-left corner. Cells that do not fit
// are cut; frame area beyond the grid is filled with the background.
func (r *Renderer) Render(dst *image.RGBA, g *Grid) {
	cw, ch := r.Font.CellW, r.Font.CellH
	if g.Cols*cw < dst.Rect.Dx() || g.Rows*ch < dst.Rect.Dy() { // the cells do not cover it
		fill(dst, dst.Bounds(), r.Theme.BG)
	}
	for y := range g.Rows {
		for x := range g.Cols {
			c := g.At(x, y)
			fg, bg := r.Theme.colour(c.FG), r.Theme.colour(c.BG)
			cursorHere := g.CursorVisible && x == g.CursorX && y == g.CursorY
			if cursorHere && r.Cursor == CursorBlock {
				fg, bg = bg, fg
			}
			cell := image.Rect(x*cw, y*ch, (x+1)*cw, (y+1)*ch).Add(dst.Rect.Min)
			r.drawCell(dst, cell, c, fg, bg)
			if cursorHere {
				switch r.Cursor {
				case CursorUnderline:
					fill(dst, image.Rect(cell.Min.X, cell.Max.Y-2, cell.Max.X, cell.Max.Y), r.Theme.Cursor)
				case CursorBar:
					fill(dst, image.Rect(cell.Min.X, cell.Min.Y, cell.Min.X+2, cell.Max.Y), r.Theme.Cursor)
				}
			}
		}
	}
}

// Frame renders g into a new image of the grid's size.
func (r *Renderer) Frame(g *Grid) *image.RGBA {
	w, h := r.FrameSize(g.Cols, g.Rows)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r.Render(img, g)
	return img
}

// drawCell blends the character's coverage mask from bg to fg.
func (r *Renderer) drawCell(dst *image.RGBA, cell image.Rectangle, c Cell, fg, bg color.RGBA) {
	cell = cell.Intersect(dst.Rect)
	if cell.Empty() {
		return
	}
	fill(dst, cell, bg)
	if c.Char != ' ' {
		mask := r.Font.Mask(c.Char, c.Bold)
		for y := cell.Min.Y; y < cell.Max.Y; y++ {
			row := mask.Pix[(y-cell.Min.Y)*mask.Stride:]
			for x := cell.Min.X; x < cell.Max.X; x++ {
				if a := row[x-cell.Min.X]; a != 0 {
					dst.SetRGBA(x, y, blend(bg, fg, a))
				}
			}
		}
	}
	if c.Underline {
		y := min(cell.Min.Y+r.Font.Baseline+1, cell.Max.Y-1)
		fill(dst, image.Rect(cell.Min.X, y, cell.Max.X, y+1).Intersect(cell), fg)
	}
}

// blend is a + (b-a)·t/255, rounded.
func blend(a, b color.RGBA, t uint8) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8((int(x)*(255-int(t)) + int(y)*int(t) + 127) / 255) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dst.SetRGBA(x, y, c)
		}
	}
}
