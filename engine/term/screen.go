// Package term is NC Studio's terminal: a VT/xterm emulator (hinshun/vt10x)
// whose screen is drawn into frames with an embedded monospace font and a
// colour theme, a reader that reads such frames back into characters cell
// by cell, and the translation between the bytes a terminal receives as
// input and the key actions of a trace.
package term

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hinshun/vt10x"
)

// vt10x's glyph attribute bits (unexported there).
const (
	attrUnderline = 1 << 1
	attrBold      = 1 << 2
)

// MaxSize bounds a terminal's columns and rows.
const MaxSize = 1000

// Screen is a terminal emulator: programs' output goes in through Write,
// and Grid is what the screen shows. Not safe for concurrent Writes; Grid
// may be called while another goroutine writes.
type Screen struct {
	vt      vt10x.Terminal
	pending []byte // an incomplete UTF-8 sequence from the last Write
}

// NewScreen is a cols x rows terminal. Answers to queries that programs
// send (cursor position, device attributes) go to reply, which may be nil.
func NewScreen(cols, rows int, reply io.Writer) (*Screen, error) {
	if err := CheckSize(cols, rows); err != nil {
		return nil, err
	}
	if reply == nil {
		reply = io.Discard
	}
	return &Screen{vt: vt10x.New(vt10x.WithSize(cols, rows), vt10x.WithWriter(reply))}, nil
}

// CheckSize reports a terminal size outside 1..MaxSize.
func CheckSize(cols, rows int) error {
	if cols < 1 || rows < 1 || cols > MaxSize || rows > MaxSize {
		return fmt.Errorf("term: size %dx%d outside 1..%d", cols, rows, MaxSize)
	}
	return nil
}

// Write feeds program output to the emulator. A UTF-8 sequence split
// between two writes (as PTY reads split them) is held until it completes.
func (s *Screen) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.pending) > 0 {
		p = append(s.pending, p...)
		s.pending = nil
	}
	// Hold back the tail if it is the start of a multi-byte rune.
	for k := 1; k <= utf8.UTFMax-1 && k <= len(p); k++ {
		b := p[len(p)-k]
		if b < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(b) {
			if !utf8.FullRune(p[len(p)-k:]) {
				s.pending = append([]byte(nil), p[len(p)-k:]...)
				p = p[:len(p)-k]
			}
			break
		}
	}
	if _, err := s.vt.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// Resize changes the terminal's size.
func (s *Screen) Resize(cols, rows int) error {
	if err := CheckSize(cols, rows); err != nil {
		return err
	}
	s.vt.Resize(cols, rows)
	return nil
}

// Size is the terminal's columns and rows.
func (s *Screen) Size() (cols, rows int) { return s.vt.Size() }

// Cell is one character cell of a Grid.
type Cell struct {
	Char rune
	// FG and BG are emulator colour values (see Theme), after inverse video
	// and bold brightening.
	FG, BG          uint32
	Bold, Underline bool
}

// Grid is a snapshot of the screen.
type Grid struct {
	Cols, Rows       int
	Cells            []Cell // row by row
	CursorX, CursorY int
	CursorVisible    bool
}

// At is the cell in column x, row y.
func (g *Grid) At(x, y int) Cell { return g.Cells[y*g.Cols+x] }

// Grid is the screen now.
func (s *Screen) Grid() *Grid {
	s.vt.Lock()
	defer s.vt.Unlock()
	cols, rows := s.vt.Size()
	g := &Grid{Cols: cols, Rows: rows, Cells: make([]Cell, cols*rows)}
	for y := range rows {
		for x := range cols {
			c := s.vt.Cell(x, y)
			ch := c.Char
			if ch == 0 {
				ch = ' '
			}
			g.Cells[y*cols+x] = Cell{Char: ch, FG: uint32(c.FG), BG: uint32(c.BG),
				Bold: c.Mode&attrBold != 0, Underline: c.Mode&attrUnderline != 0}
		}
	}
	cur := s.vt.Cursor()
	g.CursorX, g.CursorY = min(cur.X, cols-1), min(cur.Y, rows-1)
	g.CursorVisible = s.vt.CursorVisible()
	return g
}

// Lines is the grid's text, one string per row, trailing blanks removed.
func (g *Grid) Lines() []string {
	lines := make([]string, g.Rows)
	var b strings.Builder
	for y := range g.Rows {
		b.Reset()
		for x := range g.Cols {
			b.WriteRune(g.At(x, y).Char)
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}
