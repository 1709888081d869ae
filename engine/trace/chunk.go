package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A chunk is a run of consecutive frames in frames.bin: a fixed header,
// then one zstd frame holding their RGB bytes. Layout (little-endian):
//
//	0  [4]u8 magic "NCFC"
//	4  u16   codec: 1 = zstd of RGB24 rows
//	6  u16   reserved, 0
//	8  u32   index of the chunk's first frame in the trace
//	12 u32   frames in the chunk
//	16 u32   frame width
//	20 u32   frame height
//	24 u32   uncompressed size: frames * width * height * 3
//	28 u32   payload (compressed) size
//	32 u32   CRC-32 (IEEE) of the payload
//	36 u32   CRC-32 (IEEE) of header bytes 0..35
const (
	headerSize = 40
	codecZstd  = 1
	chunkMagic = "NCFC"
)

// chunk is one parsed chunk header and where it lies in the file.
type chunk struct {
	off   int64 // offset of the header
	first int   // index of the first frame
	n     int   // frames
	w, h  int
	raw   int // uncompressed payload size
	size  int // compressed payload size
	crc   uint32
	end   int64 // offset just past the payload
}

func (c *chunk) payloadOff() int64 { return c.off + headerSize }

// putHeader fills b[:headerSize] for a chunk whose payload is payload.
func putHeader(b []byte, first, n, w, h int, payload []byte) {
	copy(b, chunkMagic)
	le := binary.LittleEndian
	le.PutUint16(b[4:], codecZstd)
	le.PutUint16(b[6:], 0)
	le.PutUint32(b[8:], uint32(first))
	le.PutUint32(b[12:], uint32(n))
	le.PutUint32(b[16:], uint32(w))
	le.PutUint32(b[20:], uint32(h))
	le.PutUint32(b[24:], uint32(n*w*h*3))
	le.PutUint32(b[28:], uint32(len(payload)))
	le.PutUint32(b[32:], crc32.ChecksumIEEE(payload))
	le.PutUint32(b[36:], crc32.ChecksumIEEE(b[:36]))
}

// maxPayload bounds the compressed size of raw bytes: zstd never needs more
// than its compress bound (raw + raw/256 + a frame's overhead).
func maxPayload(raw int) int { return raw + raw>>8 + 1024 }

// errBadHeader marks a header that fails its magic or checksum: where it
// starts a zero-filled tail, it is a torn write rather than corruption.
var errBadHeader = errors.New("bad chunk header")

// parseHeader checks a chunk header that should start frame want of
// width x height frames.
func parseHeader(b []byte, off int64, want, width, height int) (chunk, error) {
	le := binary.LittleEndian
	if string(b[:4]) != chunkMagic {
		return chunk{}, fmt.Errorf("%w: magic %q, want %q", errBadHeader, b[:4], chunkMagic)
	}
	if got, sum := le.Uint32(b[36:]), crc32.ChecksumIEEE(b[:36]); got != sum {
		return chunk{}, fmt.Errorf("%w: header CRC 0x%08x, computed 0x%08x", errBadHeader, got, sum)
	}
	c := chunk{
		off:   off,
		first: int(le.Uint32(b[8:])),
		n:     int(le.Uint32(b[12:])),
		w:     int(le.Uint32(b[16:])),
		h:     int(le.Uint32(b[20:])),
		raw:   int(le.Uint32(b[24:])),
		size:  int(le.Uint32(b[28:])),
		crc:   le.Uint32(b[32:]),
	}
	switch {
	case le.Uint16(b[4:]) != codecZstd:
		return chunk{}, fmt.Errorf("unknown codec %d", le.Uint16(b[4:]))
	case c.first != want:
		return chunk{}, fmt.Errorf("first frame %d, want %d", c.first, want)
	case c.n < 1 || c.n > MaxChunkFrames:
		return chunk{}, fmt.Errorf("%d frames, want 1..%d", c.n, MaxChunkFrames)
	case c.w != width || c.h != height:
		return chunk{}, fmt.Errorf("frame size %dx%d, meta.json says %dx%d", c.w, c.h, width, height)
	}
	// Sizes in 64 bits: the fields are 32-bit and their product is not.
	if raw := int64(c.n) * int64(c.w) * int64(c.h) * 3; raw != int64(c.raw) || raw > MaxChunkRaw {
		return chunk{}, fmt.Errorf("uncompressed size %d for %d frames of %dx%d (limit %d)", c.raw, c.n, c.w, c.h, MaxChunkRaw)
	}
	if c.size < 1 || c.size > maxPayload(c.raw) {
		return chunk{}, fmt.Errorf("payload size %d, want 1..%d", c.size, maxPayload(c.raw))
	}
	c.end = off + headerSize + int64(c.size)
	return c, nil
}

// tornTail is what scanChunks ignored at the end of frames.bin: from chunk
// at byte off to the end of the file.
type tornTail struct {
	chunk int
	off   int64
	bytes int64
	what  string
}

// scanChunks indexes the chunks of a frames file of the given size by
// reading their headers only. A torn last chunk (a header or payload cut
// short, or a zero-filled tail) ends the scan and is reported in tail; any
// other problem is an error. path names the file in errors.
func scanChunks(path string, ra io.ReaderAt, size int64, width, height int) ([]chunk, *tornTail, error) {
	var chunks []chunk
	var hdr [headerSize]byte
	next := 0
	for off := int64(0); off < size; {
		k := len(chunks)
		torn := func(format string, a ...any) *tornTail {
			return &tornTail{chunk: k, off: off, bytes: size - off, what: fmt.Sprintf(format, a...)}
		}
		if size-off < headerSize {
			return chunks, torn("header cut short (%d of %d bytes)", size-off, headerSize), nil
		}
		if _, err := ra.ReadAt(hdr[:], off); err != nil {
			return nil, nil, chunkErr(path, k, off, "%v", err)
		}
		c, err := parseHeader(hdr[:], off, next, width, height)
		if errors.Is(err, errBadHeader) {
			zero, zerr := allZero(ra, off, size)
			if zerr != nil {
				return nil, nil, chunkErr(path, k, off, "%v", zerr)
			}
			if zero {
				return chunks, torn("zero-filled tail"), nil
			}
		}
		if err != nil {
			return nil, nil, chunkErr(path, k, off, "%v", err)
		}
		if c.end > size {
			return chunks, torn("payload cut short (%d of %d bytes)", size-c.payloadOff(), c.size), nil
		}
		chunks = append(chunks, c)
		next += c.n
		off = c.end
	}
	return chunks, nil, nil
}

// allZero reports whether bytes [off, size) are all zero: what some file
// systems leave where a crash cut a write short.
func allZero(ra io.ReaderAt, off, size int64) (bool, error) {
	buf := make([]byte, 64<<10)
	for off < size {
		n := min(int64(len(buf)), size-off)
		if _, err := ra.ReadAt(buf[:n], off); err != nil {
			return false, err
		}
		for _, b := range buf[:n] {
			if b != 0 {
				return false, nil
			}
		}
		off += n
	}
	return true, nil
}

// decoder decompresses payloads. DecodeAll is safe for concurrent use; each
// call is limited to the capacity of its destination, so a payload cannot
// expand beyond the size its header declares.
var decoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(MaxChunkRaw),
		zstd.WithDecoderMaxWindow(MaxChunkRaw),
		zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		panic(err) // only bad options fail, and these are constant
	}
	return d
})

var errPayloadCRC = errors.New("payload CRC mismatch")

// readPayload reads chunk c's payload into buf (grown as needed) and checks
// its CRC.
func readPayload(path string, k int, ra io.ReaderAt, c *chunk, buf []byte) ([]byte, error) {
	buf = grow(buf, c.size)
	if _, err := ra.ReadAt(buf, c.payloadOff()); err != nil {
		if errors.Is(err, io.EOF) {
			return buf, chunkErr(path, k, c.off, "truncated: payload of %d bytes runs past the end of the file", c.size)
		}
		return buf, chunkErr(path, k, c.off, "%v", err)
	}
	if sum := crc32.ChecksumIEEE(buf); sum != c.crc {
		return buf, chunkErr(path, k, c.off, "%w: stored 0x%08x, computed 0x%08x", errPayloadCRC, c.crc, sum)
	}
	return buf, nil
}

// decodeChunk reads, checks and decompresses chunk k into raw (grown as
// needed), returning the chunk's RGB bytes; payload is a scratch buffer.
func decodeChunk(path string, k int, ra io.ReaderAt, c *chunk, payload, raw []byte) (rgb, scratch []byte, err error) {
	payload, err = readPayload(path, k, ra, c, payload)
	if err != nil {
		return raw, payload, err
	}
	out, err := decoder().DecodeAll(payload, grow(raw, c.raw)[:0])
	if err != nil {
		return raw, payload, chunkErr(path, k, c.off, "zstd: %v", err)
	}
	if len(out) != c.raw {
		return raw, payload, chunkErr(path, k, c.off, "decompressed to %d bytes, header says %d", len(out), c.raw)
	}
	return out, payload, nil
}

// grow returns buf resized to n bytes, reallocating only when it is short.
func grow(buf []byte, n int) []byte {
	if cap(buf) < n {
		return make([]byte, n)
	}
	return buf[:n]
}

// packRGB writes img's pixels as RGB24 rows into dst, dropping alpha:
// screens are opaque.
func packRGB(dst []byte, img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		src := img.Pix[y*img.Stride : y*img.Stride+w*4]
		row := dst[y*w*3 : (y+1)*w*3]
		for x := range w {
			s, d := src[x*4:x*4+3:x*4+3], row[x*3:x*3+3:x*3+3]
			d[0], d[1], d[2] = s[0], s[1], s[2]
		}
	}
}

// unpackRGB makes an opaque image from RGB24 rows.
func unpackRGB(rgb []byte, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	pix := img.Pix
	for i, j := 0, 0; i+3 <= len(rgb) && j+4 <= len(pix); i, j = i+3, j+4 {
		p := pix[j : j+4 : j+4]
		p[0], p[1], p[2], p[3] = rgb[i], rgb[i+1], rgb[i+2], 0xff
	}
	return img
}
