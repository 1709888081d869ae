package term

import (
	"fmt"
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Font draws characters into fixed cells: Go Mono (BSD licence, embedded in
// golang.org/x/image) in a regular and a bold weight, hinted so that every
// glyph sits on the pixel grid the same way each time it is drawn. Glyph
// masks are cached; a Font is safe for concurrent use.
type Font struct {
	// CellW, CellH is the cell in pixels; Baseline is the baseline's row in
	// the cell.
	CellW, CellH, Baseline int
	// Size is the font size in pixels (em).
	Size float64

	faces [2]font.Face // regular, bold
	mu    sync.Mutex
	masks [2]map[rune]*image.Alpha
}

// DefaultFontSize gives 8x16-pixel cells: the size the terminal preset and
// the recorders use by default.
const DefaultFontSize = 13.5

// NewFont makes Go Mono at size pixels per em.
func NewFont(size float64) (*Font, error) {
	if !(size >= 4 && size <= 96) {
		return nil, fmt.Errorf("term: font size %g outside 4..96 pixels", size)
	}
	parsed, err := goMono()
	if err != nil {
		return nil, err
	}
	f := &Font{Size: size}
	for i, p := range parsed {
		face, err := opentype.NewFace(p, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("term: Go Mono at %g px: %w", size, err)
		}
		f.faces[i] = face
		f.masks[i] = map[rune]*image.Alpha{}
	}
	m := f.faces[0].Metrics()
	adv, _ := f.faces[0].GlyphAdvance('M')
	f.CellW = adv.Ceil()
	f.Baseline = m.Ascent.Ceil()
	f.CellH = f.Baseline + m.Descent.Ceil()
	return f, nil
}

// goMono parses the embedded Go Mono regular and bold once.
var goMono = sync.OnceValues(func() ([2]*opentype.Font, error) {
	var out [2]*opentype.Font
	for i, ttf := range [][]byte{gomono.TTF, gomonobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return out, fmt.Errorf("term: Go Mono: %w", err)
		}
		out[i] = f
	}
	return out, nil
})

var (
	defaultFont     *Font
	defaultFontErr  error
	defaultFontOnce sync.Once
)

// DefaultFont is Go Mono at DefaultFontSize, shared.
func DefaultFont() *Font {
	defaultFontOnce.Do(func() { defaultFont, defaultFontErr = NewFont(DefaultFontSize) })
	if defaultFontErr != nil {
		panic(defaultFontErr) // the embedded font always parses
	}
	return defaultFont
}

// cellFonts are the fonts FontForCell made, by cell size: finding one
// tries every size, and glyph masks are cached per font.
var (
	cellFontsMu sync.Mutex
	cellFonts   = map[image.Point]*Font{}
)

// FontForCell is the largest Go Mono whose cells fit w x h pixels, with
// its cells exactly w x h (cells are padded when the font is smaller).
// Fonts are shared: the same cell size gives the same *Font.
func FontForCell(w, h int) (*Font, error) {
	if w == DefaultFont().CellW && h == DefaultFont().CellH {
		return DefaultFont(), nil
	}
	cellFontsMu.Lock()
	defer cellFontsMu.Unlock()
	if f, ok := cellFonts[image.Pt(w, h)]; ok {
		return f, nil
	}
	f, err := fontForCell(w, h)
	if err == nil {
		cellFonts[image.Pt(w, h)] = f
	}
	return f, err
}

func fontForCell(w, h int) (*Font, error) {
	var best *Font
	for size := 4.0; size <= 96; size += 0.25 {
		f, err := NewFont(size)
		if err != nil {
			return nil, err
		}
		if f.CellW > w || f.CellH > h {
			break
		}
		best = f
	}
	if best == nil {
		return nil, fmt.Errorf("term: no font fits %dx%d-pixel cells", w, h)
	}
	best.Baseline += (h - best.CellH) / 2
	best.CellW, best.CellH = w, h
	return best, nil
}

// Mask is the coverage (0..255) of r in a cell, bold or regular. Runes the
// font lacks draw as Go Mono's replacement box.
func (f *Font) Mask(r rune, bold bool) *image.Alpha {
	w := 0
	if bold {
		w = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.masks[w][r]; ok {
		return m
	}
	m := image.NewAlpha(image.Rect(0, 0, f.CellW, f.CellH))
	d := font.Drawer{Dst: m, Src: image.Opaque, Face: f.faces[w],
		Dot: fixed.Point26_6{X: 0, Y: fixed.I(f.Baseline)}}
	d.DrawString(string(r))
	f.masks[w][r] = m
	return m
}
