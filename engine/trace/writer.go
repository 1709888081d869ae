package trace

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/atomicfile"
)

// Chunking: a chunk is written when it holds chunkFrames frames, when one
// more frame would pass chunkRaw uncompressed bytes, or flushEvery after its
// first frame, whichever comes first. Written data is synced to disk
// syncEvery after the last sync at the latest, and not more often, so that
// fast recorders are not slowed down by the disk.
const (
	chunkFrames = 64
	chunkRaw    = 32 << 20
	flushEvery  = time.Second
	syncEvery   = time.Second
)

// ErrClosed is returned by a Writer's methods after Close.
var ErrClosed = errors.New("trace: writer is closed")

// Writer records a trace. Its methods may be called from several
// goroutines; a background timer also flushes a chunk that has waited a
// second. After the first write error the Writer refuses further frames and
// Close leaves the trace unfinished, so its files stay a valid prefix.
type Writer struct {
	mu         sync.Mutex
	dir        string
	meta       Meta
	frameBytes int

	frames, events *os.File
	enc            *zstd.Encoder
	chunk          bytes.Buffer // header space + the open chunk's compressed frames
	lines          bytes.Buffer // the open chunk's event lines
	rgb            []byte       // one frame packed as RGB
	inChunk        int          // frames in the open chunk
	gen            int          // chunks flushed, to match timers to chunks
	n              int          // frames appended
	last           time.Duration
	timer          *time.Timer // flushes the open chunk
	syncTimer      *time.Timer // syncs what was written, when pending
	lastSync       time.Time
	err            error // first write error: the writer is stopped
	closed         bool
}

// Create starts a trace in the directory dir, which must not exist or be
// empty. meta.Width, Height, Kind and FPS are required; Version, Frames and
// Complete are set by the writer, and Created defaults to now. When
// meta.Cursor.Image is set it is stored as CursorFile.
func Create(dir string, meta Meta) (*Writer, error) {
	meta.Version, meta.Frames, meta.Complete = Version, 0, false
	if meta.Created.IsZero() {
		meta.Created = time.Now().UTC().Truncate(time.Millisecond)
	}
	if meta.Cursor.Image != nil && meta.Cursor.Sprite == "" {
		meta.Cursor.Sprite = CursorFile
	}
	if err := meta.check(join(dir, MetaFile)); err != nil {
		return nil, err
	}
	if err := makeEmptyDir(dir); err != nil {
		return nil, fileErr(dir, "%v", pathless(err))
	}
	w := &Writer{dir: dir, meta: meta, frameBytes: meta.Width * meta.Height * 3}
	w.rgb = make([]byte, w.frameBytes)
	if err := w.start(); err != nil {
		w.closeFiles()
		return nil, err
	}
	return w, nil
}

// start writes the sprite and the unfinished metadata, then creates the
// empty data files: a directory with meta.json is a trace from then on.
func (w *Writer) start() error {
	if img := w.meta.Cursor.Image; img != nil {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			return fileErr(join(w.dir, CursorFile), "%v", err)
		}
		if err := writeFileAtomic(w.dir, CursorFile, b.Bytes()); err != nil {
			return err
		}
	}
	if err := w.writeMeta(); err != nil {
		return err
	}
	var err error
	if w.frames, err = createExcl(w.dir, FramesFile); err != nil {
		return err
	}
	if w.events, err = createExcl(w.dir, EventsFile); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(w.dir); err != nil {
		return fileErr(w.dir, "sync: %v", pathless(err))
	}
	// One goroutine-free encoder per writer; its window spans two frames so
	// that a frame compresses against the one before it.
	w.enc, err = zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(windowFor(w.frameBytes)))
	if err != nil {
		return fmt.Errorf("trace: zstd: %v", err)
	}
	w.lastSync = time.Now()
	return nil
}

// windowFor is the zstd window for frames of n bytes: the next power of two
// of 2n, between 1 MiB and 64 MiB.
func windowFor(n int) int {
	return 1 << min(max(bits.Len(uint(2*n-1)), 20), 26)
}

// Meta returns the trace's metadata as it stands (Frames counts the
// frames appended so far).
func (w *Writer) Meta() Meta {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.meta
	m.Frames = w.n
	return m
}

// Len is the number of frames appended.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Append adds the next frame and the action the user performed after it,
// timed at index/fps.
func (w *Writer) Append(frame *image.RGBA, a action.Action) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := time.Duration(math.Round(float64(w.n)/w.meta.FPS*1e6)) * time.Microsecond
	return w.appendLocked(max(t, w.last), frame, a)
}

// AppendAt is Append with the frame's capture time t since the start of
// the recording (stored with microsecond resolution; never decreasing).
func (w *Writer) AppendAt(t time.Duration, frame *image.RGBA, a action.Action) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.appendLocked(t.Round(time.Microsecond), frame, a)
}

func (w *Writer) appendLocked(t time.Duration, frame *image.RGBA, a action.Action) error {
	switch {
	case w.closed:
		return ErrClosed
	case w.err != nil:
		return w.err
	case frame == nil || frame.Rect.Dx() != w.meta.Width || frame.Rect.Dy() != w.meta.Height:
		return fmt.Errorf("trace: frame %d: size %v, want %dx%d", w.n, sizeOf(frame), w.meta.Width, w.meta.Height)
	case t < w.last:
		return fmt.Errorf("trace: frame %d: time %v before the previous frame's %v", w.n, t, w.last)
	case t > maxTime*time.Second:
		return fmt.Errorf("trace: frame %d: time %v too large", w.n, t)
	}
	if err := checkAction(a, w.meta.Width, w.meta.Height); err != nil {
		return fmt.Errorf("trace: frame %d: %v", w.n, err)
	}
	if w.inChunk == 0 {
		w.chunk.Reset()
		w.chunk.Write(make([]byte, headerSize)) // filled in at flush
		w.enc.Reset(&w.chunk)
		gen := w.gen
		w.timer = time.AfterFunc(flushEvery, func() { w.timedFlush(gen) })
	}
	packRGB(w.rgb, frame)
	if _, err := w.enc.Write(w.rgb); err != nil {
		return w.fail(fmt.Errorf("trace: zstd: %v", err))
	}
	if err := appendEvent(&w.lines, Event{Index: w.n, Time: t, Action: a}); err != nil {
		return w.fail(fmt.Errorf("trace: frame %d: %v", w.n, err))
	}
	w.n++
	w.inChunk++
	w.last = t
	if w.inChunk >= chunkFrames || (w.inChunk+1)*w.frameBytes > chunkRaw {
		return w.flushLocked()
	}
	return nil
}

func sizeOf(img *image.RGBA) string {
	if img == nil {
		return "nil"
	}
	return fmt.Sprintf("%dx%d", img.Rect.Dx(), img.Rect.Dy())
}

// Flush writes the open chunk and its event lines now.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	return w.flushLocked()
}

// timedFlush runs on the timer started by chunk gen's first frame.
func (w *Writer) timedFlush(gen int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if gen == w.gen && !w.closed && w.inChunk > 0 && w.err == nil {
		w.flushLocked() // an error is kept in w.err for the next call
	}
}

// flushLocked writes the open chunk, then its event lines: a reader that
// finds more frames than lines (or the reverse) keeps the common prefix.
func (w *Writer) flushLocked() error {
	if w.err != nil || w.inChunk == 0 {
		return w.err
	}
	w.timer.Stop()
	if err := w.enc.Close(); err != nil {
		return w.fail(fmt.Errorf("trace: zstd: %v", err))
	}
	b := w.chunk.Bytes()
	putHeader(b, w.n-w.inChunk, w.inChunk, w.meta.Width, w.meta.Height, b[headerSize:])
	if _, err := w.frames.Write(b); err != nil {
		return w.fail(fileErr(join(w.dir, FramesFile), "write: %v", pathless(err)))
	}
	if _, err := w.events.Write(w.lines.Bytes()); err != nil {
		return w.fail(fileErr(join(w.dir, EventsFile), "write: %v", pathless(err)))
	}
	w.lines.Reset()
	w.inChunk = 0
	w.gen++
	wait := syncEvery - time.Since(w.lastSync)
	if wait <= 0 {
		return w.syncLocked()
	}
	if w.syncTimer == nil {
		w.syncTimer = time.AfterFunc(wait, w.timedSync)
	} else {
		w.syncTimer.Reset(wait) // a pending sync runs then, too
	}
	return nil
}

// timedSync syncs data written since the last sync, when no later flush did.
func (w *Writer) timedSync() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed && w.err == nil && time.Since(w.lastSync) >= syncEvery/2 {
		w.syncLocked()
	}
}

func (w *Writer) syncLocked() error {
	for _, f := range []*os.File{w.frames, w.events} {
		if err := f.Sync(); err != nil {
			return w.fail(fileErr(f.Name(), "sync: %v", pathless(err)))
		}
	}
	w.lastSync = time.Now()
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

// Close writes what is buffered, syncs the data files and replaces
// meta.json with its final version (frame count, Complete) atomically. If a
// write failed earlier, Close returns that error and leaves the trace
// unfinished: it still opens with the frames written before the failure.
// Closing twice returns the first Close's result.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.closed = true
	for _, t := range []*time.Timer{w.timer, w.syncTimer} {
		if t != nil {
			t.Stop()
		}
	}
	if w.flushLocked() == nil && w.syncLocked() == nil {
		w.meta.Frames, w.meta.Complete = w.n, true
		if err := w.writeMeta(); err != nil {
			w.err = err
		}
	}
	if err := w.closeFiles(); err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) closeFiles() error {
	var first error
	for _, f := range []*os.File{w.frames, w.events} {
		if f == nil {
			continue
		}
		if err := f.Close(); err != nil && first == nil {
			first = fileErr(f.Name(), "close: %v", pathless(err))
		}
	}
	return first
}

// writeMeta replaces meta.json atomically.
func (w *Writer) writeMeta() error {
	b, err := encodeMeta(&w.meta)
	if err != nil {
		return fileErr(join(w.dir, MetaFile), "%v", err)
	}
	return writeFileAtomic(w.dir, MetaFile, b)
}

// writeFileAtomic replaces dir/name with data: readers see the old or the
// new file, never a mix.
func writeFileAtomic(dir, name string, data []byte) error {
	path := join(dir, name)
	err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(data); return err })
	if err != nil {
		return fileErr(path, "%v", pathless(err))
	}
	return nil
}

func createExcl(dir, name string) (*os.File, error) {
	f, err := os.OpenFile(join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fileErr(join(dir, name), "%v", pathless(err))
	}
	return f, nil
}

// makeEmptyDir creates dir, or accepts it when it exists and is empty.
func makeEmptyDir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	entries, rerr := os.ReadDir(dir)
	if rerr != nil {
		return rerr
	}
	if len(entries) > 0 {
		return errors.New("already exists and is not empty")
	}
	return nil
}

// join names a file of a trace directory for messages and system calls.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return filepath.Join(dir, name)
}

// pathless drops the path an os error repeats: Error already names the file.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
