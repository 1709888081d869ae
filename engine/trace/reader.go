package trace

import (
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"iter"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Reader reads a trace. Frames are decoded a chunk at a time, on demand;
// Open reads only the metadata, the events and the chunk headers. A Reader
// is safe for concurrent use.
type Reader struct {
	dir      string
	meta     Meta
	file     fs.File
	ra       io.ReaderAt
	chunks   []chunk
	events   []Event
	recovery *Recovery

	mu      sync.Mutex // guards the chunk cache of Frame
	cached  int        // index of the chunk in cache, or -1
	cache   []byte
	payload []byte
}

// Recovery describes an unfinished trace: one whose writer never closed it
// (still recording, or killed). Such a trace opens with every frame that
// has both its chunk and its event line on disk.
type Recovery struct {
	Frames int `json:"frames"` // frames the trace opened with
	// Frames in complete chunks without an event line, and event lines
	// without a frame: the writer was stopped between the two writes.
	ExtraFrames int `json:"extra_frames"`
	ExtraEvents int `json:"extra_events"`
	// Torn tails: bytes ignored at the end of the files, and why.
	TornFrameBytes int64  `json:"torn_frame_bytes"`
	TornReason     string `json:"torn_reason,omitempty"`
	TornEventBytes int64  `json:"torn_event_bytes"`
}

func (r *Recovery) String() string {
	s := fmt.Sprintf("unfinished recording: recovered %d frames", r.Frames)
	if r.TornFrameBytes > 0 {
		s += fmt.Sprintf("; ignored %d bytes of a torn %s (%s)", r.TornFrameBytes, FramesFile, r.TornReason)
	}
	if r.TornEventBytes > 0 {
		s += fmt.Sprintf("; ignored a torn last line of %s (%d bytes)", EventsFile, r.TornEventBytes)
	}
	if r.ExtraFrames > 0 {
		s += fmt.Sprintf("; ignored %d frames without events", r.ExtraFrames)
	}
	if r.ExtraEvents > 0 {
		s += fmt.Sprintf("; ignored %d events without frames", r.ExtraEvents)
	}
	return s
}

// Open opens the trace in directory dir. A trace that was closed must be
// whole; an unfinished one opens with its intact prefix (see Recovery).
func Open(dir string) (*Reader, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fileErr(dir, "%v", pathless(err))
	} else if !st.IsDir() {
		return nil, fileErr(dir, "not a directory")
	}
	return OpenFS(os.DirFS(dir), dir)
}

// OpenFS opens a trace whose files are the root of fsys; name is the trace
// for messages. The frames file must implement io.ReaderAt.
func OpenFS(fsys fs.FS, name string) (*Reader, error) {
	meta, err := readMeta(fsys, name)
	if err != nil {
		return nil, err
	}
	r := &Reader{dir: name, meta: meta, cached: -1}
	if err := r.readEvents(fsys); err != nil {
		return nil, err
	}
	if err := r.openFrames(fsys); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reader) readEvents(fsys fs.FS) error {
	path := join(r.dir, EventsFile)
	if !r.meta.Complete {
		r.recovery = &Recovery{}
	}
	f, err := fsys.Open(EventsFile)
	if errors.Is(err, fs.ErrNotExist) && !r.meta.Complete {
		return nil // killed right after writing meta.json: no events yet
	}
	if err != nil {
		return fileErr(path, "%v", pathless(err))
	}
	defer f.Close()
	events, tail, err := readEvents(path, f, r.meta.Width, r.meta.Height, !r.meta.Complete)
	if err != nil {
		return err
	}
	r.events = events
	if r.recovery != nil {
		r.recovery.TornEventBytes = tail.bytes
	}
	return nil
}

// openFrames indexes frames.bin and settles the frame count.
func (r *Reader) openFrames(fsys fs.FS) (err error) {
	path := join(r.dir, FramesFile)
	f, err := fsys.Open(FramesFile)
	if errors.Is(err, fs.ErrNotExist) && !r.meta.Complete {
		return r.settle(nil, nil) // killed right after writing meta.json
	}
	if err != nil {
		return fileErr(path, "%v", pathless(err))
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return fileErr(path, "%v", pathless(err))
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		return fileErr(path, "file does not support random access")
	}
	r.file, r.ra = f, ra
	chunks, torn, err := scanChunks(path, ra, st.Size(), r.meta.Width, r.meta.Height)
	if err != nil {
		return err
	}
	if torn != nil && r.meta.Complete {
		return chunkErr(path, torn.chunk, torn.off, "truncated: %s", torn.what)
	}
	if !r.meta.Complete && len(chunks) > 0 {
		// After a power loss the last chunk may hold zeros or stale bytes
		// although its header is intact: check it before trusting it.
		last := &chunks[len(chunks)-1]
		if _, err := readPayload(path, len(chunks)-1, ra, last, nil); err != nil {
			if !errors.Is(err, errPayloadCRC) {
				return err
			}
			torn = &tornTail{chunk: len(chunks) - 1, off: last.off, bytes: st.Size() - last.off, what: errors.Unwrap(err).Error()}
			chunks = chunks[:len(chunks)-1]
		}
	}
	return r.settle(chunks, torn)
}

// settle fixes the frame count: a closed trace must agree with itself, an
// unfinished one keeps the frames that have both a chunk and a line.
func (r *Reader) settle(chunks []chunk, torn *tornTail) error {
	r.chunks = chunks
	frames := 0
	if len(chunks) > 0 {
		frames = chunks[len(chunks)-1].first + chunks[len(chunks)-1].n
	}
	if r.meta.Complete {
		switch {
		case frames != r.meta.Frames:
			return fileErr(join(r.dir, MetaFile), "says %d frames, %s holds %d", r.meta.Frames, FramesFile, frames)
		case len(r.events) != frames:
			return fileErr(join(r.dir, EventsFile), "%d lines for %d frames", len(r.events), frames)
		}
		return nil
	}
	rec := r.recovery
	if torn != nil {
		rec.TornFrameBytes, rec.TornReason = torn.bytes, fmt.Sprintf("chunk %d at byte %d: %s", torn.chunk, torn.off, torn.what)
	}
	rec.ExtraFrames = max(frames-len(r.events), 0)
	rec.ExtraEvents = max(len(r.events)-frames, 0)
	r.events = r.events[:min(frames, len(r.events))]
	rec.Frames = len(r.events)
	return nil
}

// Close releases the frames file.
func (r *Reader) Close() error {
	if r.file == nil {
		return nil
	}
	return r.file.Close()
}

// Meta returns the metadata. For an unfinished trace Frames is set to the
// frames recovered.
func (r *Reader) Meta() Meta {
	m := r.meta
	m.Frames = len(r.events)
	return m
}

// Recovery reports what was recovered from an unfinished trace, or nil
// when the trace was closed by its writer.
func (r *Reader) Recovery() *Recovery { return r.recovery }

// Len is the number of frames.
func (r *Reader) Len() int { return len(r.events) }

// Event returns frame i's line of the events file. It panics if i is out
// of range.
func (r *Reader) Event(i int) Event { return r.events[i] }

// Action returns the action applied between frame i and frame i+1. The
// last frame's action is what the user did after it, before recording
// stopped. It panics if i is out of range.
func (r *Reader) Action(i int) action.Action { return r.events[i].Action }

// Time returns when frame i was captured, from the start of the recording.
func (r *Reader) Time(i int) time.Duration { return r.events[i].Time }

// Events returns every event; the slice is shared, not to be modified.
func (r *Reader) Events() []Event { return r.events }

// FramesSize is the size of the frames file in bytes.
func (r *Reader) FramesSize() int64 {
	if r.file == nil {
		return 0
	}
	if st, err := r.file.Stat(); err == nil {
		return st.Size()
	}
	return 0
}

// chunkOf is the index of the chunk holding frame i.
func (r *Reader) chunkOf(i int) int {
	return sort.Search(len(r.chunks), func(k int) bool { return r.chunks[k].first+r.chunks[k].n > i }) // first chunk ending after i
}

func (r *Reader) checkIndex(i int) error {
	if i < 0 || i >= len(r.events) {
		return fmt.Errorf("trace: %s: frame %d out of range [0, %d)", r.dir, i, len(r.events))
	}
	return nil
}

// Frame decodes frame i. The chunk it belongs to stays cached, so reading
// neighbouring frames is cheap; the image is the caller's to keep.
func (r *Reader) Frame(i int) (*image.RGBA, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rgb, err := r.frameRGBLocked(i)
	if err != nil {
		return nil, err
	}
	return unpackRGB(rgb, r.meta.Width, r.meta.Height), nil
}

// FrameRGB copies frame i's pixels as RGB24 rows (top to bottom, 3 bytes a
// pixel) into dst, grown as needed, and returns it.
func (r *Reader) FrameRGB(i int, dst []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rgb, err := r.frameRGBLocked(i)
	if err != nil {
		return dst, err
	}
	dst = grow(dst, len(rgb))
	copy(dst, rgb)
	return dst, nil
}

// frameRGBLocked returns frame i's bytes inside the chunk cache.
func (r *Reader) frameRGBLocked(i int) ([]byte, error) {
	if err := r.checkIndex(i); err != nil {
		return nil, err
	}
	k := r.chunkOf(i)
	if k != r.cached {
		r.cached = -1
		var err error
		r.cache, r.payload, err = decodeChunk(join(r.dir, FramesFile), k, r.ra, &r.chunks[k], r.payload, r.cache)
		if err != nil {
			return nil, err
		}
		r.cached = k
	}
	size := r.meta.Width * r.meta.Height * 3
	j := i - r.chunks[k].first
	return r.cache[j*size : (j+1)*size], nil
}

// Step is one frame with its event.
type Step struct {
	Event
	Frame *image.RGBA
}

// Frames iterates over every frame in order; see Steps.
func (r *Reader) Frames() iter.Seq2[Step, error] { return r.Steps(0, r.Len()) }

// Steps iterates over frames from..to-1 (clamped to the trace), decoding
// one chunk at a time into the iterator's own buffers, so that memory stays
// at one chunk however long the trace. Each Step's image is fresh. A decode
// error is yielded once, with the Step of the frame that failed, and ends
// the iteration.
func (r *Reader) Steps(from, to int) iter.Seq2[Step, error] {
	return func(yield func(Step, error) bool) {
		from, to := max(from, 0), min(to, r.Len())
		if from >= to {
			return
		}
		var payload, raw []byte
		size := r.meta.Width * r.meta.Height * 3
		for k := r.chunkOf(from); k < len(r.chunks) && r.chunks[k].first < to; k++ {
			c := &r.chunks[k]
			var err error
			raw, payload, err = decodeChunk(join(r.dir, FramesFile), k, r.ra, c, payload, raw)
			if err != nil {
				yield(Step{Event: r.events[max(c.first, from)]}, err)
				return
			}
			for i := max(c.first, from); i < min(c.first+c.n, to); i++ {
				j := i - c.first
				img := unpackRGB(raw[j*size:(j+1)*size], r.meta.Width, r.meta.Height)
				if !yield(Step{Event: r.events[i], Frame: img}, nil) {
					return
				}
			}
		}
	}
}

// Validate decodes every frame and checks it against its chunk's CRC and
// sizes, returning the first problem. Open has already checked the
// metadata, every event line, the chunk headers, and that they agree.
func (r *Reader) Validate() error {
	var payload, raw []byte
	for k := range r.chunks {
		c := &r.chunks[k]
		if c.first >= r.Len() {
			break // frames beyond the recovered events
		}
		var err error
		raw, payload, err = decodeChunk(join(r.dir, FramesFile), k, r.ra, c, payload, raw)
		if err != nil {
			return err
		}
	}
	return nil
}

// Validate opens the trace in dir and decodes all of it, returning the
// first problem found, if any.
func Validate(dir string) error {
	r, err := Open(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Validate()
}
