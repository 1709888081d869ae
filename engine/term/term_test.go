package term

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newScreen(t *testing.T, cols, rows int) *Screen {
	t.Helper()
	s, err := NewScreen(cols, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// randomSGR is a random colour/attribute change: palette, 256-colour and
// true-colour foregrounds and backgrounds, bold, inverse, reset.
func randomSGR(rng *rand.Rand) string {
	switch rng.IntN(8) {
	case 0:
		return fmt.Sprintf("\x1b[%dm", 30+rng.IntN(8))
	case 1:
		return fmt.Sprintf("\x1b[%dm", 90+rng.IntN(8))
	case 2:
		return fmt.Sprintf("\x1b[38;5;%dm", rng.IntN(256))
	case 3:
		return fmt.Sprintf("\x1b[48;5;%dm", rng.IntN(256))
	case 4:
		return fmt.Sprintf("\x1b[38;2;%d;%d;%dm", 128+rng.IntN(128), rng.IntN(256), rng.IntN(256))
	case 5:
		return "\x1b[1m"
	case 6:
		return "\x1b[7m"
	}
	return "\x1b[0m"
}

// TestReaderReadsEveryCell: text of every printable ASCII character, in
// random colours and attributes, with the cursor somewhere, reads back
// exactly from the rendered frame, for two fonts and both themes.
func TestReaderReadsEveryCell(t *testing.T) {
	small, err := FontForCell(6, 12)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*Font{DefaultFont(), small} {
		for _, theme := range ThemeNames() {
			t.Run(fmt.Sprintf("%dx%d/%s", f.CellW, f.CellH, theme), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, uint64(f.CellW)))
				cols, rows := 40, 12
				s := newScreen(t, cols, rows)
				var in strings.Builder
				for i := range cols*rows - 1 {
					if rng.IntN(6) == 0 {
						in.WriteString(randomSGR(rng))
					}
					c := rune(0x21 + i%94) // every printable character several times
					if rng.IntN(5) == 0 {
						c = ' '
					}
					in.WriteRune(c)
				}
				if _, err := s.Write([]byte(in.String())); err != nil {
					t.Fatal(err)
				}
				s.Write([]byte("\x1b[5;7H")) // cursor on a character
				g := s.Grid()
				r := &Renderer{Font: f, Theme: Themes[theme], Cursor: CursorBlock}
				got := NewReader(f).Read(r.Frame(g), cols, rows)
				want := readableLines(r, g)
				wrong := 0
				for y := range rows {
					if got[y] != want[y] {
						wrong++
						t.Errorf("row %d:\n got %q\nwant %q", y, got[y], want[y])
						for x := range cols {
							c := g.At(x, y)
							if x >= len(got[y]) || rune(got[y][x]) != c.Char {
								t.Logf("  col %d %q fg %v bg %v", x, c.Char, r.Theme.colour(c.FG), r.Theme.colour(c.BG))
							}
						}
					}
				}
				if wrong == 0 && strings.TrimSpace(strings.Join(want, "")) == "" {
					t.Fatal("nothing was drawn")
				}
			})
		}
	}
}

// readableLines is the grid's text with the characters drawn in too little
// contrast to read (fewer than minContrast levels between foreground and
// background in every channel) as blanks: a person could not read them either.
func readableLines(r *Renderer, g *Grid) []string {
	h := *g
	h.Cells = slices.Clone(g.Cells)
	for i, c := range h.Cells {
		fg, bg := r.Theme.colour(c.FG), r.Theme.colour(c.BG)
		d := max(absDiff(fg.R, bg.R), absDiff(fg.G, bg.G), absDiff(fg.B, bg.B))
		if d < minContrast*1.25 {
			h.Cells[i].Char = ' '
		}
	}
	return h.Lines()
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }

// TestReaderNoise: Gaussian noise of 8 levels leaves the reading intact;
// a blank frame of noise reads blank.
func TestReaderNoise(t *testing.T) {
	s := newScreen(t, 20, 3)
	s.Write([]byte("$ python3 -c 'print(23+58)'\r\n81\r\n$ "))
	r := DefaultRenderer()
	g := s.Grid()
	img := r.Frame(g)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = uint8(max(0, min(255, float64(img.Pix[i])+8*rng.NormFloat64())))
		}
	}
	got := NewReader(r.Font).Read(img, 20, 3)
	if want := g.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("with noise:\n got %q\nwant %q", got, want)
	}
}

// TestScreenSplitUTF8: a rune split across writes arrives whole.
func TestScreenSplitUTF8(t *testing.T) {
	s := newScreen(t, 10, 1)
	b := []byte("aé€b")
	for i := range b {
		s.Write(b[i : i+1])
	}
	if got := s.Grid().Lines()[0]; got != "aé€b" {
		t.Errorf("got %q", got)
	}
}

// TestRenderColours checks palette, 256-colour, true colour, inverse and
// bold brightening against the theme, at the middle of a block glyph.
func TestRenderColours(t *testing.T) {
	th := Themes["dark"]
	cases := []struct {
		in     string
		fg, bg color.RGBA
	}{
		{"\x1b[31m█", th.Palette[1], th.BG},
		{"\x1b[1;31m█", th.Palette[9], th.BG},
		{"\x1b[38;5;196m█", color.RGBA{255, 0, 0, 255}, th.BG},
		{"\x1b[38;5;244m█", color.RGBA{128, 128, 128, 255}, th.BG},
		{"\x1b[38;2;10;200;30m█", color.RGBA{10, 200, 30, 255}, th.BG},
		{"\x1b[7m ", th.BG, th.FG}, // inverse blank: the cell is the foreground colour
		{"\x1b[42m ", th.FG, th.Palette[2]},
	}
	for _, c := range cases {
		s := newScreen(t, 2, 1)
		s.Write([]byte(c.in + "\x1b[?25l")) // hide the cursor
		img := DefaultRenderer().Frame(s.Grid())
		mid := img.RGBAAt(4, 8)
		want := c.fg
		if strings.HasSuffix(c.in, " ") {
			want = c.bg
		}
		if mid != want {
			t.Errorf("%q: cell middle %v, want %v", c.in, mid, want)
		}
	}
}

func TestCursorStyles(t *testing.T) {
	s := newScreen(t, 3, 1)
	s.Write([]byte("a"))
	g := s.Grid()
	r := DefaultRenderer()
	cursorPixels := func(style CursorStyle) int {
		r.Cursor = style
		img := r.Frame(g)
		n := 0
		for y := range 16 {
			for x := 8; x < 16; x++ { // the cursor's cell, after "a"
				if img.RGBAAt(x, y) == r.Theme.Cursor {
					n++
				}
			}
		}
		return n
	}
	for style, want := range map[CursorStyle]int{CursorBlock: 128, CursorUnderline: 16, CursorBar: 32, CursorHidden: 0} {
		if got := cursorPixels(style); got != want {
			t.Errorf("%v cursor: %d pixels, want %d", style, got, want)
		}
	}
}

func TestFontForCell(t *testing.T) {
	for _, sz := range []image.Point{{8, 16}, {6, 12}, {10, 20}} {
		f, err := FontForCell(sz.X, sz.Y)
		if err != nil {
			t.Fatal(err)
		}
		if f.CellW != sz.X || f.CellH != sz.Y || f.Baseline >= sz.Y {
			t.Errorf("FontForCell(%v) = %dx%d baseline %d", sz, f.CellW, f.CellH, f.Baseline)
		}
	}
	if _, err := FontForCell(2, 3); err == nil {
		t.Error("2x3 cells accepted")
	}
}
