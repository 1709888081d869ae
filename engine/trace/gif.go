package trace

import (
	"bufio"
	"compress/lzw"
	"encoding/binary"
	"image"
	"image/color"
	"io"
)

// gifWriter writes an animated GIF one frame at a time (image/gif needs
// every frame in memory), each frame being the changed rectangle of a
// canvas drawn over the previous frames.
type gifWriter struct {
	w   *bufio.Writer
	err error
}

// newGIFWriter writes the header: screen size, a global palette of 256
// colours, and an endless loop.
func newGIFWriter(w io.Writer, width, height int, pal color.Palette) *gifWriter {
	g := &gifWriter{w: bufio.NewWriterSize(w, 64<<10)}
	g.write([]byte("GIF89a"))
	g.u16(width)
	g.u16(height)
	g.write([]byte{0xf7, 0, 0}) // global table of 2^(7+1) colours, 8-bit; background 0; square pixels
	var table [256 * 3]byte
	for i, c := range pal[:min(len(pal), 256)] {
		r, gr, b, _ := c.RGBA()
		table[3*i], table[3*i+1], table[3*i+2] = byte(r>>8), byte(gr>>8), byte(b>>8)
	}
	g.write(table[:])
	g.write([]byte{0x21, 0xff, 11})
	g.write([]byte("NETSCAPE2.0"))
	g.write([]byte{3, 1, 0, 0, 0}) // loop forever
	return g
}

func (g *gifWriter) write(b []byte) {
	if g.err == nil {
		_, g.err = g.w.Write(b)
	}
}

func (g *gifWriter) u16(v int) {
	g.write(binary.LittleEndian.AppendUint16(nil, uint16(v)))
}

// frame writes the rectangle r of canvas, shown for delay hundredths of a
// second and left in place under the next frame.
func (g *gifWriter) frame(canvas *image.Paletted, r image.Rectangle, delay int) {
	g.write([]byte{0x21, 0xf9, 4, 1 << 2}) // graphic control: disposal "do not dispose"
	g.u16(min(max(delay, 0), 0xffff))
	g.write([]byte{0, 0, 0x2c})
	g.u16(r.Min.X)
	g.u16(r.Min.Y)
	g.u16(r.Dx())
	g.u16(r.Dy())
	g.write([]byte{0, 8}) // no local palette; LZW minimum code size 8
	if g.err != nil {
		return
	}
	bw := &blockWriter{w: g.w}
	lz := lzw.NewWriter(bw, lzw.LSB, 8)
	for y := r.Min.Y; y < r.Max.Y && g.err == nil; y++ {
		i := canvas.PixOffset(r.Min.X, y)
		_, g.err = lz.Write(canvas.Pix[i : i+r.Dx()])
	}
	if err := lz.Close(); g.err == nil {
		g.err = err
	}
	if err := bw.close(); g.err == nil {
		g.err = err
	}
}

// close writes the trailer and flushes.
func (g *gifWriter) close() error {
	g.write([]byte{0x3b})
	if g.err == nil {
		g.err = g.w.Flush()
	}
	return g.err
}

// blockWriter cuts LZW data into GIF sub-blocks of at most 255 bytes and
// ends them with an empty block.
type blockWriter struct {
	w   io.Writer
	buf [256]byte // length byte, then data
	n   int
}

func (b *blockWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		k := copy(b.buf[1+b.n:], p)
		b.n += k
		p = p[k:]
		if b.n == 255 {
			if err := b.flush(); err != nil {
				return total - len(p), err
			}
		}
	}
	return total, nil
}

func (b *blockWriter) flush() error {
	if b.n == 0 {
		return nil
	}
	b.buf[0] = byte(b.n)
	_, err := b.w.Write(b.buf[:1+b.n])
	b.n = 0
	return err
}

func (b *blockWriter) close() error {
	if err := b.flush(); err != nil {
		return err
	}
	_, err := b.w.Write([]byte{0})
	return err
}
