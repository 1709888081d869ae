package trace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

// fuzzTrace writes a small trace for seeds (10 frames of 8x6 in two
// chunks) and returns its files' bytes. Seeds stay small because the fuzzer
// spends time proportional to their size minimising what they lead to.
func fuzzTrace(f *testing.F, cursor bool) (meta, events, frames, sprite []byte) {
	m := testMeta(8, 6)
	if cursor {
		m.Cursor = Cursor{HotX: 1, Image: image.NewGray(image.Rect(0, 0, 3, 4))}
	}
	dir := filepath.Join(f.TempDir(), "seed.nctrace")
	w, err := Create(dir, m)
	if err != nil {
		f.Fatal(err)
	}
	for i := range 10 {
		if err := w.Append(desktopFrame(i, 8, 6), desktopAction(i, 8, 6)); err != nil {
			f.Fatal(err)
		}
		if i == 5 {
			w.Flush()
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	read := func(name string) []byte {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return b
	}
	return read(MetaFile), read(EventsFile), read(FramesFile), read(CursorFile)
}

// normalize makes empty key lists nil, as the writer omits them.
func normalize(events []Event) {
	for i := range events {
		a := &events[i].Action
		if len(a.KeyDown) == 0 {
			a.KeyDown = nil
		}
		if len(a.KeyUp) == 0 {
			a.KeyUp = nil
		}
	}
}

// FuzzReadEvents: any accepted events file holds valid actions and writes
// back to an equal list of events.
func FuzzReadEvents(f *testing.F) {
	_, events, _, _ := fuzzTrace(f, false)
	f.Add(events)
	f.Add([]byte(`{"i":0,"t":0.5,"x":1,"y":2,"buttons":5,"key_down":["a"],"key_up":[],"text":"\u00e9<","scroll":-3}` + "\n" + `{"i":1,"t":0.5`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const w, h = 64, 48
		got, _, err := readEvents("f", bytes.NewReader(data), w, h, true)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		for _, e := range got {
			if err := checkAction(e.Action, w, h); err != nil {
				t.Fatalf("accepted invalid action: %v", err)
			}
			if err := appendEvent(&buf, e); err != nil {
				t.Fatal(err)
			}
		}
		again, tail, err := readEvents("f", &buf, w, h, false)
		if err != nil || tail.bytes != 0 {
			t.Fatalf("re-reading %q: %v", buf.Bytes(), err)
		}
		normalize(got)
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip changed events:\n%+v\n%+v", got, again)
		}
	})
}

// resealAll recomputes the CRCs of every chunk header found in a chain from
// the start of b, so that the fuzzer gets past them to the decoder.
func resealAll(b []byte) {
	for off := 0; off+headerSize <= len(b) && string(b[off:off+4]) == chunkMagic; {
		h := b[off : off+headerSize]
		end := off + headerSize + int(binary.LittleEndian.Uint32(h[28:]))
		if end > len(b) || end < off {
			binary.LittleEndian.PutUint32(h[36:], crc32.ChecksumIEEE(h[:36]))
			return
		}
		binary.LittleEndian.PutUint32(h[32:], crc32.ChecksumIEEE(b[off+headerSize:end]))
		binary.LittleEndian.PutUint32(h[36:], crc32.ChecksumIEEE(h[:36]))
		off = end
	}
}

// FuzzReadChunks: the chunk index covers the file exactly (up to a torn
// tail), and a chunk that decodes has the size its header says.
func FuzzReadChunks(f *testing.F) {
	_, _, frames, _ := fuzzTrace(f, false)
	f.Add(frames, false)
	f.Add(frames[:len(frames)-9], true)
	f.Add(append(frames, make([]byte, 50)...), false)
	f.Fuzz(func(t *testing.T, data []byte, reseal bool) {
		const w, h = 8, 6
		if reseal {
			resealAll(data)
		}
		chunks, torn, err := scanChunks("f", bytes.NewReader(data), int64(len(data)), w, h)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Chunk < 0 {
				t.Fatalf("error without a chunk: %v", err)
			}
			return
		}
		var off int64
		next := 0
		var payload, raw []byte
		for k := range chunks {
			c := &chunks[k]
			if c.off != off || c.first != next || c.end > int64(len(data)) || c.raw != c.n*w*h*3 {
				t.Fatalf("chunk %d: %+v after offset %d, frame %d", k, *c, off, next)
			}
			raw, payload, err = decodeChunk("f", k, bytes.NewReader(data), c, payload, raw)
			if err == nil && len(raw) != c.raw {
				t.Fatalf("chunk %d decoded to %d bytes, want %d", k, len(raw), c.raw)
			}
			off, next = c.end, next+c.n
		}
		switch {
		case torn == nil && off != int64(len(data)):
			t.Fatalf("index ends at %d of %d bytes", off, len(data))
		case torn != nil && (torn.off != off || torn.bytes != int64(len(data))-off || torn.chunk != len(chunks)):
			t.Fatalf("torn tail %+v after %d chunks ending at %d", *torn, len(chunks), off)
		}
	})
}

// FuzzOpen: any trace opens or fails with a *trace.Error; one that opens
// and validates can be read through without error.
func FuzzOpen(f *testing.F) {
	meta, events, frames, _ := fuzzTrace(f, false)
	f.Add(meta, events, frames, []byte(nil))
	unfinished := bytes.Replace(meta, []byte(`"complete": true`), []byte(`"complete": false`), 1)
	unfinished = bytes.Replace(unfinished, []byte(`"frames": 10`), []byte(`"frames": 0`), 1)
	f.Add(unfinished, events[:len(events)-5], frames[:len(frames)-7], []byte(nil))
	meta, events, frames, sprite := fuzzTrace(f, true)
	f.Add(meta, events, frames, sprite)
	f.Fuzz(func(t *testing.T, meta, events, frames, sprite []byte) {
		fsys := fstest.MapFS{MetaFile: {Data: meta}, EventsFile: {Data: events}, FramesFile: {Data: frames}}
		if sprite != nil {
			fsys[CursorFile] = &fstest.MapFile{Data: sprite}
		}
		r, err := OpenFS(fsys, "fuzz.nctrace")
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not a *trace.Error: %v", err, err)
			}
			return
		}
		defer r.Close()
		m := r.Meta()
		if m.Frames != r.Len() || len(r.Events()) != r.Len() {
			t.Fatalf("meta frames %d, Len %d, %d events", m.Frames, r.Len(), len(r.Events()))
		}
		verr := r.Validate()
		n := 0
		for s, err := range r.Frames() {
			if err != nil {
				if verr == nil {
					t.Fatalf("frame %d failed after Validate passed: %v", s.Index, err)
				}
				break
			}
			if s.Index != n || s.Frame.Rect.Dx() != m.Width || s.Frame.Rect.Dy() != m.Height {
				t.Fatalf("step %d: index %d, frame %v", n, s.Index, s.Frame.Rect)
			}
			n++
		}
		if verr == nil && n != r.Len() {
			t.Fatalf("iterated %d of %d frames", n, r.Len())
		}
		ComputeStats(r.Events())
	})
}
