// Package trace reads and writes NC traces: the screen frames of a recorded
// computer session together with the mouse and keyboard actions between
// them, which is all a neural computer learns from.
//
// A trace is a directory NAME.nctrace holding
//
//	meta.json     what the trace is (size, fps, kind, cursor sprite, ...)
//	events.jsonl  one JSON line per frame: its time and the action after it
//	frames.bin    the frames, losslessly: zstd-compressed RGB in chunks
//	cursor.png    optional: the cursor sprite drawn into GUI frames
//
// Both data files are append-only and written in self-checking pieces, so a
// recorder killed mid-recording leaves a trace that opens with every frame
// it flushed; docs/TRACE_FORMAT.md specifies the layout byte by byte.
//
// Create and Writer record a trace; Open and Reader read one, frame by
// frame or a chunk at a time; Validate checks all of it. ExportGIF and
// ExportPNGs render stretches of a trace for people, and ComputeStats
// counts what the user did.
package trace

import (
	"fmt"
	"strconv"
)

// Names of the files in a trace directory.
const (
	MetaFile   = "meta.json"
	EventsFile = "events.jsonl"
	FramesFile = "frames.bin"
	CursorFile = "cursor.png"
)

// Limits every reader enforces, so hostile files cannot make it allocate
// without bound. Writers stay well inside them.
const (
	MaxSide        = 16384     // frame width and height
	MaxChunkFrames = 4096      // frames in one chunk
	MaxChunkRaw    = 128 << 20 // uncompressed bytes in one chunk (so also one frame)
	maxLine        = 1 << 20   // bytes in one events line
	maxMetaSize    = 1 << 20   // bytes of meta.json
	maxCursorSize  = 1 << 20   // bytes of cursor.png
	maxCursorSide  = 256       // cursor sprite width and height
)

// Error is a problem found in a trace's files. It names the file and, where
// it applies, the line (events) or the chunk and its byte offset (frames).
type Error struct {
	Path   string // the file: the trace directory joined with the file name
	Line   int    // 1-based line of the events file; 0 when not about a line
	Chunk  int    // 0-based chunk of the frames file; -1 when not about a chunk
	Offset int64  // byte offset of Chunk in the frames file
	Err    error
}

func (e *Error) Error() string {
	s := "trace: " + e.Path
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Chunk >= 0 {
		s += fmt.Sprintf(": chunk %d at byte %d", e.Chunk, e.Offset)
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func fileErr(path string, format string, a ...any) error {
	return &Error{Path: path, Chunk: -1, Err: fmt.Errorf(format, a...)}
}

func lineErr(path string, line int, format string, a ...any) error {
	return &Error{Path: path, Line: line, Chunk: -1, Err: fmt.Errorf(format, a...)}
}

func chunkErr(path string, chunk int, off int64, format string, a ...any) error {
	return &Error{Path: path, Chunk: chunk, Offset: off, Err: fmt.Errorf(format, a...)}
}
