package trace

import (
	"image"
	"image/color"
	"slices"
)

// maxExact is how many distinct colours a histogram tracks exactly.
const maxExact = 1 << 15

// histogram counts colours: exactly while there are at most maxExact of
// them (screens), and in bins of 5 bits per channel always, keeping the
// sums so that a bin's mean is still a colour of the picture.
type histogram struct {
	exact    map[uint32]uint64
	overflow bool
	bins     [1 << 15]struct{ n, r, g, b uint64 }
}

func (h *histogram) add(img *image.RGBA) {
	if h.exact == nil && !h.overflow {
		h.exact = map[uint32]uint64{}
	}
	run, runKey := uint64(0), uint32(1<<24) // a run of equal pixels costs one map update
	flush := func() {
		if run > 0 && !h.overflow {
			h.exact[runKey] += run
			if len(h.exact) > maxExact {
				h.exact, h.overflow = nil, true
			}
		}
	}
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()*4]
		for i := 0; i+4 <= len(row); i += 4 {
			r, g, b := row[i], row[i+1], row[i+2]
			e := &h.bins[int(r>>3)<<10|int(g>>3)<<5|int(b>>3)]
			e.n++
			e.r += uint64(r)
			e.g += uint64(g)
			e.b += uint64(b)
			if key := uint32(r)<<16 | uint32(g)<<8 | uint32(b); key == runKey {
				run++
			} else {
				flush()
				run, runKey = 1, key
			}
		}
	}
	flush()
}

// medianCut picks at most n colours for the histogram: it keeps splitting
// the box of colours (or bins) with the most pixels times the widest
// channel range at its weighted median, then takes each box's mean colour.
// A picture with at most n distinct colours keeps them all exactly.
func medianCut(h *histogram, n int) color.Palette {
	type entry struct {
		c       [3]uint8 // colour, or bin coordinates (5 bits each)
		n       uint64
		r, g, b uint64
	}
	var entries []entry
	if !h.overflow {
		for k, cnt := range h.exact {
			c := [3]uint8{uint8(k >> 16), uint8(k >> 8), uint8(k)}
			entries = append(entries, entry{c: c, n: cnt, r: uint64(c[0]) * cnt, g: uint64(c[1]) * cnt, b: uint64(c[2]) * cnt})
		}
		// Map order is random; the palette must not be.
		key := func(e entry) int { return int(e.c[0])<<16 | int(e.c[1])<<8 | int(e.c[2]) }
		slices.SortFunc(entries, func(a, b entry) int { return key(a) - key(b) })
	} else {
		for k, e := range h.bins {
			if e.n > 0 {
				entries = append(entries, entry{c: [3]uint8{uint8(k >> 10), uint8(k >> 5 & 31), uint8(k & 31)}, n: e.n, r: e.r, g: e.g, b: e.b})
			}
		}
	}
	type box struct{ lo, hi int } // entries[lo:hi]
	// widest returns a box's widest channel and its range.
	widest := func(bx box) (int, int) {
		best, span := 0, 0
		for ch := range 3 {
			lo, hi := uint8(255), uint8(0)
			for _, e := range entries[bx.lo:bx.hi] {
				lo, hi = min(lo, e.c[ch]), max(hi, e.c[ch])
			}
			if int(hi)-int(lo) > span {
				best, span = ch, int(hi)-int(lo)
			}
		}
		return best, span
	}
	count := func(bx box) (s uint64) {
		for _, e := range entries[bx.lo:bx.hi] {
			s += e.n
		}
		return s
	}
	boxes := []box{{0, len(entries)}}
	if len(entries) == 0 {
		boxes = nil
	}
	for len(boxes) < n {
		pick, ch, score := -1, 0, uint64(0)
		for i, bx := range boxes {
			c, span := widest(bx)
			if s := count(bx) * uint64(span); span > 0 && s >= score {
				pick, ch, score = i, c, s
			}
		}
		if pick < 0 {
			break // every box is a single bin
		}
		bx := boxes[pick]
		part := entries[bx.lo:bx.hi]
		slices.SortStableFunc(part, func(a, b entry) int { return int(a.c[ch]) - int(b.c[ch]) })
		half, acc, cut := count(bx)/2, uint64(0), 1
		for i, e := range part[:len(part)-1] {
			acc += e.n
			cut = i + 1
			if acc >= half {
				break
			}
		}
		boxes[pick] = box{bx.lo, bx.lo + cut}
		boxes = append(boxes, box{bx.lo + cut, bx.hi})
	}
	pal := make(color.Palette, 0, len(boxes))
	for _, bx := range boxes {
		var s entry
		for _, e := range entries[bx.lo:bx.hi] {
			s.n, s.r, s.g, s.b = s.n+e.n, s.r+e.r, s.g+e.g, s.b+e.b
		}
		mean := func(v uint64) uint8 { return uint8((v + s.n/2) / s.n) }
		pal = append(pal, color.RGBA{mean(s.r), mean(s.g), mean(s.b), 0xff})
	}
	return pal
}

// mapper maps colours to their nearest palette entry, remembering recent
// answers in a direct-mapped cache: screens reuse few colours.
type mapper struct {
	pal  []color.RGBA
	keys [1 << 16]uint32 // colour | 1<<24 when the slot is filled
	idx  [1 << 16]uint8
}

func newMapper(pal color.Palette) *mapper {
	m := &mapper{}
	for _, c := range pal {
		m.pal = append(m.pal, color.RGBAModel.Convert(c).(color.RGBA))
	}
	return m
}

func (m *mapper) index(r, g, b uint8) uint8 {
	key := uint32(r)<<16 | uint32(g)<<8 | uint32(b) | 1<<24
	slot := (key * 0x9E3779B1) >> 16
	if m.keys[slot] == key {
		return m.idx[slot]
	}
	best, bestD := 0, 1<<30
	for i, c := range m.pal {
		dr, dg, db := int(r)-int(c.R), int(g)-int(c.G), int(b)-int(c.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	m.keys[slot], m.idx[slot] = key, uint8(best)
	return uint8(best)
}

// quantize writes img's pixels as palette indices into dst (same size).
func (m *mapper) quantize(dst *image.Paletted, img *image.RGBA) {
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		src := img.Pix[y*img.Stride : y*img.Stride+w*4]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x := range out {
			out[x] = m.index(src[4*x], src[4*x+1], src[4*x+2])
		}
	}
}
