package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"time"
)

// Version is the format version this package writes and the newest it reads.
const Version = 1

// formatName identifies meta.json as an NC trace's.
const formatName = "nctrace"

// Kind says what produced the frames.
type Kind string

const (
	GUI Kind = "gui" // a graphical desktop: frames are screenshots with a cursor
	CLI Kind = "cli" // a terminal: frames are rendered character cells
)

// Meta describes a trace. It is stored in meta.json.
type Meta struct {
	// Version is the format version; Create sets it.
	Version int  `json:"version"`
	Kind    Kind `json:"kind"`
	// Width and Height are the frame size in pixels.
	Width  int `json:"width"`
	Height int `json:"height"`
	// FPS is the nominal frame rate; each event line also has its own time.
	FPS float64 `json:"fps"`
	// Source says where the frames came from, e.g. "sandbox", "x11:0",
	// "asciinema:demo.cast".
	Source string `json:"source"`
	// Created is when recording began; Create fills in the current time when
	// it is zero.
	Created time.Time `json:"created"`
	Cursor  Cursor    `json:"cursor"`
	// Frames is the number of frames, and Complete whether the writer was
	// closed. While recording (or after a crash) Complete is false and
	// Frames is 0: the data files are then the truth.
	Frames   int  `json:"frames"`
	Complete bool `json:"complete"`
	// Tags are free-form labels, e.g. {"agent": "goal", "task": "calculator"}.
	Tags map[string]string `json:"tags,omitempty"`
}

// Cursor is the pointer sprite the recorder drew into the frames at the
// logged cursor position, so that models can be supervised on it.
type Cursor struct {
	// Sprite is CursorFile when the sprite is stored in the trace, a name of a
	// sprite built into the producer (e.g. "arrow") otherwise, or empty when
	// no cursor is drawn (terminals).
	Sprite string `json:"sprite,omitempty"`
	// HotX, HotY is the sprite pixel placed at the cursor position.
	HotX int `json:"hot_x"`
	HotY int `json:"hot_y"`
	// Image is the sprite when it is stored in the trace. Create writes it to
	// CursorFile; Open reads it back.
	Image image.Image `json:"-"`
}

// metaFile is meta.json's content: the format's name, then Meta's fields.
type metaFile struct {
	Format string `json:"format"`
	Meta
}

// check reports the first inconsistency in m, for the file path.
func (m *Meta) check(path string) error {
	bad := func(format string, a ...any) error { return fileErr(path, format, a...) }
	switch {
	case m.Version < 1:
		return bad("version %d, want 1 or more", m.Version)
	case m.Version > Version:
		return bad("format version %d is newer than this reader's (%d)", m.Version, Version)
	case m.Kind != GUI && m.Kind != CLI:
		return bad("kind %q, want %q or %q", m.Kind, GUI, CLI)
	case m.Width < 1 || m.Height < 1 || m.Width > MaxSide || m.Height > MaxSide:
		return bad("frame size %dx%d outside 1..%d", m.Width, m.Height, MaxSide)
	case int64(m.Width)*int64(m.Height)*3 > MaxChunkRaw:
		return bad("frame size %dx%d exceeds %d bytes of RGB", m.Width, m.Height, MaxChunkRaw)
	case math.IsNaN(m.FPS) || m.FPS <= 0 || m.FPS > 10000:
		return bad("fps %v outside (0, 10000]", m.FPS)
	case m.Frames < 0:
		return bad("frames %d is negative", m.Frames)
	}
	c := &m.Cursor
	if c.Image != nil && c.Sprite != CursorFile {
		return bad("cursor image given with sprite %q, want %q", c.Sprite, CursorFile)
	}
	if c.Sprite == CursorFile && c.Image == nil {
		return bad("cursor sprite %q without its image", CursorFile)
	}
	w, h := maxCursorSide, maxCursorSide
	if c.Image != nil {
		w, h = c.Image.Bounds().Dx(), c.Image.Bounds().Dy()
		if w < 1 || h < 1 || w > maxCursorSide || h > maxCursorSide {
			return bad("cursor sprite %dx%d outside 1..%d", w, h, maxCursorSide)
		}
	}
	if c.HotX < 0 || c.HotY < 0 || c.HotX >= w || c.HotY >= h {
		return bad("cursor hotspot (%d, %d) outside the %dx%d sprite", c.HotX, c.HotY, w, h)
	}
	return nil
}

// encodeMeta is meta.json's bytes, indented for people to read.
func encodeMeta(m *Meta) ([]byte, error) {
	b, err := json.MarshalIndent(metaFile{Format: formatName, Meta: *m}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// readMeta reads and checks meta.json and the cursor sprite it names. dir is
// the trace directory's name for messages.
func readMeta(fsys fs.FS, dir string) (Meta, error) {
	path := join(dir, MetaFile)
	b, err := readLimited(fsys, MetaFile, maxMetaSize)
	if err != nil {
		return Meta{}, fileErr(path, "%v", pathless(err))
	}
	var mf metaFile
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&mf); err != nil {
		return Meta{}, fileErr(path, "bad JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Meta{}, fileErr(path, "bad JSON: data after the object")
	}
	if mf.Format != formatName {
		return Meta{}, fileErr(path, "format %q, want %q", mf.Format, formatName)
	}
	m := mf.Meta
	if m.Cursor.Sprite == CursorFile {
		img, err := readCursor(fsys)
		if err != nil {
			return Meta{}, fileErr(join(dir, CursorFile), "%v", pathless(err))
		}
		m.Cursor.Image = img
	}
	return m, m.check(path)
}

// readCursor decodes the cursor sprite, checking its size before decoding.
func readCursor(fsys fs.FS) (image.Image, error) {
	b, err := readLimited(fsys, CursorFile, maxCursorSize)
	if err != nil {
		return nil, err
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxCursorSide || cfg.Height > maxCursorSide {
		return nil, fmt.Errorf("sprite %dx%d outside 1..%d", cfg.Width, cfg.Height, maxCursorSide)
	}
	return png.Decode(bytes.NewReader(b))
}

// readLimited reads a whole file that must not exceed limit bytes.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}
