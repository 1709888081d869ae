package term

import (
	"image"
	"math"
	"strings"
)

// Reader reads frames of a terminal back into characters. Because the font
// and the cell grid are known, each cell is classified on its own: the cell's
// pixels, per colour channel, are fitted as background + contrast x glyph
// mask for every printable ASCII glyph (regular and bold), and the glyph that
// explains most of the cell's variation wins. The fit is indifferent to
// colours, so coloured, bold and inverse text (and a block cursor) read the
// same as plain text. A cell with little variation, or none a glyph
// explains, reads as a blank.
type Reader struct {
	font      *Font
	runes     []rune
	templates [][]float32 // per rune: the mask minus its mean, scaled to unit length
	norms     []float32   // per rune: the centred mask's length, in mask units (0..1)
}

// Thresholds of a non-blank cell: the fitted glyph's contrast (0..255 per
// channel, in the most contrasting channel) and the share of the cell's
// variation it explains.
const (
	minContrast  = 24
	minExplained = 0.5
)

// NewReader reads cells drawn in f.
func NewReader(f *Font) *Reader {
	r := &Reader{font: f}
	n := f.CellW * f.CellH
	for c := rune(0x21); c < 0x7f; c++ {
		for _, bold := range []bool{false, true} {
			m := f.Mask(c, bold)
			t := make([]float32, n)
			var mean float64
			for y := range f.CellH {
				for x := range f.CellW {
					v := float64(m.Pix[y*m.Stride+x]) / 255
					t[y*f.CellW+x] = float32(v)
					mean += v
				}
			}
			mean /= float64(n)
			var ss float64
			for i := range t {
				t[i] -= float32(mean)
				ss += float64(t[i]) * float64(t[i])
			}
			norm := math.Sqrt(ss)
			for i := range t {
				t[i] /= float32(norm)
			}
			r.runes = append(r.runes, c)
			r.templates = append(r.templates, t)
			r.norms = append(r.norms, float32(norm))
		}
	}
	return r
}

// Read is the text of the cols x rows grid drawn at img's top-left: one
// string per row, trailing blanks removed.
func (r *Reader) Read(img *image.RGBA, cols, rows int) []string {
	cw, ch := r.font.CellW, r.font.CellH
	n := cw * ch
	var chans [3][]float32
	for i := range chans {
		chans[i] = make([]float32, n)
	}
	lines := make([]string, rows)
	var b strings.Builder
	for y := range rows {
		b.Reset()
		for x := range cols {
			cell := image.Rect(x*cw, y*ch, (x+1)*cw, (y+1)*ch).Add(img.Rect.Min)
			if !cell.In(img.Rect) {
				b.WriteByte(' ')
				continue
			}
			r.cellChannels(img, cell, &chans)
			b.WriteRune(r.classify(&chans))
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// cellChannels copies the cell's R, G, B minus their means.
func (r *Reader) cellChannels(img *image.RGBA, cell image.Rectangle, chans *[3][]float32) {
	cw := cell.Dx()
	for c := range 3 {
		var sum float32
		for y := cell.Min.Y; y < cell.Max.Y; y++ {
			row := img.Pix[img.PixOffset(cell.Min.X, y):]
			for x := range cw {
				v := float32(row[4*x+c])
				chans[c][(y-cell.Min.Y)*cw+x] = v
				sum += v
			}
		}
		mean := sum / float32(len(chans[c]))
		for i := range chans[c] {
			chans[c][i] -= mean
		}
	}
}

// classify picks the glyph that explains most of the centred channels.
func (r *Reader) classify(chans *[3][]float32) rune {
	var energy float32
	for c := range 3 {
		for _, v := range chans[c] {
			energy += v * v
		}
	}
	if energy == 0 {
		return ' '
	}
	best, bestScore, bestContrast := -1, float32(0), float32(0)
	for i, t := range r.templates {
		var score, contrast float32
		for c := range 3 {
			var dot float32
			for k, v := range chans[c] {
				dot += v * t[k]
			}
			score += dot * dot
			contrast = max(contrast, float32(math.Abs(float64(dot/r.norms[i]))))
		}
		if score > bestScore {
			best, bestScore, bestContrast = i, score, contrast
		}
	}
	if best < 0 || bestContrast < minContrast || bestScore < minExplained*energy {
		return ' '
	}
	return r.runes[best]
}
