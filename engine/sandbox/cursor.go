package sandbox

import (
	"image"
	"image/color"
	"strings"
)

// CursorShape names the pointer sprite the desktop draws.
type CursorShape int

const (
	Arrow CursorShape = iota // the default pointer
	IBeam                    // over editable text
)

func (c CursorShape) String() string { return [...]string{"arrow", "ibeam"}[c] }

// Sprite is a cursor image and its hotspot: the sprite pixel drawn at the
// cursor position.
type Sprite struct {
	Image      *image.RGBA
	HotX, HotY int
}

// The sprites: '#' black, 'o' white, '.' transparent.
var sprites = [...]Sprite{
	Arrow: parseSprite(0, 0, `
#...........
##..........
#o#.........
#oo#........
#ooo#.......
#oooo#......
#ooooo#.....
#oooooo#....
#ooooooo#...
#oooooooo#..
#ooooo#####.
#oo#oo#.....
#o#.#oo#....
##..#oo#....
#....#oo#...
.....#oo#...
......##....`),
	IBeam: parseSprite(3, 8, `
ooo.ooo
o##o##o
ooo#ooo
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
..o#o..
ooo#ooo
o##o##o
ooo.ooo`),
}

// CursorSprite returns the sprite of a shape.
func CursorSprite(s CursorShape) Sprite { return sprites[s] }

func parseSprite(hx, hy int, art string) Sprite {
	rows := strings.Split(strings.TrimSpace(art), "\n")
	img := image.NewRGBA(image.Rect(0, 0, len(rows[0]), len(rows)))
	for y, row := range rows {
		for x, c := range row {
			switch c {
			case '#':
				img.SetRGBA(x, y, color.RGBA{0, 0, 0, 255})
			case 'o':
				img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
			}
		}
	}
	return Sprite{Image: img, HotX: hx, HotY: hy}
}

// drawSprite draws s with its hotspot at (x, y), clipped to dst.
func drawSprite(dst *image.RGBA, s Sprite, x, y int) {
	b := s.Image.Rect
	for sy := b.Min.Y; sy < b.Max.Y; sy++ {
		for sx := b.Min.X; sx < b.Max.X; sx++ {
			dx, dy := x+sx-s.HotX, y+sy-s.HotY
			if !(image.Point{dx, dy}.In(dst.Rect)) {
				continue
			}
			i := s.Image.PixOffset(sx, sy)
			if s.Image.Pix[i+3] == 0 {
				continue
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):], s.Image.Pix[i:i+4])
		}
	}
}

// maskSprite sets dst to 255 where s covers it with its hotspot at (x, y),
// and to 0 elsewhere.
func maskSprite(dst *image.Alpha, s Sprite, x, y int) {
	clear(dst.Pix)
	b := s.Image.Rect
	for sy := b.Min.Y; sy < b.Max.Y; sy++ {
		for sx := b.Min.X; sx < b.Max.X; sx++ {
			dx, dy := x+sx-s.HotX, y+sy-s.HotY
			if image.Pt(dx, dy).In(dst.Rect) && s.Image.Pix[s.Image.PixOffset(sx, sy)+3] != 0 {
				dst.Pix[dst.PixOffset(dx, dy)] = 255
			}
		}
	}
}
