// Package asciinema reads asciinema terminal recordings (asciicast files,
// versions 1, 2 and 3) into one form: the initial terminal size, some
// metadata and a list of events stamped with their time since the start.
// It only parses; turning the output into screen frames is left to others.
//
// Formats: https://docs.asciinema.org/manual/asciicast/v1 (and v2, v3).
package asciinema

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Limits that keep a damaged or hostile file from using up memory.
const (
	maxLine = 16 << 20  // longest line
	maxFile = 256 << 20 // largest file
	maxSide = 1000      // most columns or rows of a terminal
)

// Cast is a terminal recording.
type Cast struct {
	Version       int    // 1, 2 or 3
	Cols, Rows    int    // initial terminal size (v3: from the "term" object)
	TermType      string // e.g. "xterm-256color" (v1/v2 env.TERM, v3 term.type, else env.TERM), may be empty
	Title         string
	Command       string
	IdleTimeLimit float64 // seconds, 0 when the file sets none; Read does not apply it, see LimitIdle
	Duration      float64 // seconds: the last event's time (v1 sum of delays)
	Events        []Event // in time order
}

// Event is one recorded event.
type Event struct {
	Time float64 // seconds since the start (v3's relative intervals are summed up; v1's delays too)
	Code byte    // 'o' output, 'i' input, 'r' resize, 'm' marker, 'x' exit (v3)
	Data string
	Line int // 1-based line of the file it came from (v1: 0)
}

// knownCodes are the event codes each version defines. Events with another
// one-letter code are dropped without error: the specs leave room for new
// codes, and a player ignores those it does not know.
var knownCodes = [...]string{1: "o", 2: "oirm", 3: "oirmx"}

// ReadFile reads the cast file at path.
func ReadFile(path string) (*Cast, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(path, f)
}

// Read reads a cast file of any version from r; name is used in errors only.
// Errors name the file and, where it helps, the line.
func Read(name string, r io.Reader) (*Cast, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	p := &parser{name: name, sc: sc}
	line, err := p.next()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(line) {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
			// Likely v1: one JSON document, pretty-printed over many lines.
			return p.v1(line)
		}
		var v any
		return nil, p.errorf("not an asciicast header: %v", json.Unmarshal(line, &v))
	}
	var h header
	if err := p.header(line, &h); err != nil {
		return nil, err
	}
	switch *h.Version {
	case 1:
		return p.v1(line)
	case 2, 3:
		return p.ndjson(&h)
	}
	return nil, fmt.Errorf("%s: version %d is not supported (1, 2 or 3)", name, *h.Version)
}

// header holds the header fields of all versions; pointers tell a missing
// field from a zero one.
type header struct {
	Version       *int              `json:"version"`
	Width         *int              `json:"width"`  // v1, v2
	Height        *int              `json:"height"` // v1, v2
	Term          *term             `json:"term"`   // v3
	Env           map[string]any    `json:"env"`
	Title         string            `json:"title"`
	Command       string            `json:"command"`
	IdleTimeLimit *float64          `json:"idle_time_limit"` // v2, v3
	Stdout        []json.RawMessage `json:"stdout"`          // v1
}

type term struct {
	Cols *int   `json:"cols"`
	Rows *int   `json:"rows"`
	Type string `json:"type"`
}

// parser reads a file line by line and makes errors that name the file and
// the current line.
type parser struct {
	name string
	sc   *bufio.Scanner
	line int   // number of the line last read
	size int64 // bytes read so far
}

// next returns the next line without its end of line, or io.EOF.
func (p *parser) next() ([]byte, error) {
	if !p.sc.Scan() {
		err := p.sc.Err()
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, p.errorAt(p.line+1, "line is longer than %d MiB", maxLine>>20)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		return nil, io.EOF
	}
	p.line++
	p.size += int64(len(p.sc.Bytes())) + 1
	if p.size > maxFile {
		return nil, p.errorf("file is larger than %d MiB", maxFile>>20)
	}
	return p.sc.Bytes(), nil
}

func (p *parser) errorf(format string, args ...any) error {
	return p.errorAt(p.line, format, args...)
}

// errorAt makes an error for line n, or for the whole file when n is 0.
func (p *parser) errorAt(n int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if n == 0 {
		return fmt.Errorf("%s: %s", p.name, msg)
	}
	return fmt.Errorf("%s:%d: %s", p.name, n, msg)
}

// header decodes a header object into h. Errors are reported at the
// current line, or for the whole file when it is 0 (a multi-line v1 file).
func (p *parser) header(doc []byte, h *header) error {
	if !bytes.HasPrefix(bytes.TrimSpace(doc), []byte("{")) {
		return p.errorf("not an asciicast header: not a JSON object")
	}
	if err := json.Unmarshal(doc, h); err != nil {
		return p.errorAt(syntaxLine(doc, err, p.line), "not an asciicast header: %v", err)
	}
	if h.Version == nil {
		return p.errorf("not an asciicast header: no version")
	}
	return nil
}

// syntaxLine returns the line of doc that a JSON syntax error points at, or
// line when err is no syntax error or doc is a single line.
func syntaxLine(doc []byte, err error, line int) int {
	var se *json.SyntaxError
	if line == 0 && errors.As(err, &se) && se.Offset <= int64(len(doc)) {
		return 1 + bytes.Count(doc[:se.Offset], []byte("\n"))
	}
	return line
}

// v1 reads the rest of a v1 file, whose first line is first: the whole file
// is one JSON object with the output in "stdout".
func (p *parser) v1(first []byte) (*Cast, error) {
	doc := bytes.Clone(first)
	for {
		line, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		doc = append(append(doc, '\n'), line...)
	}
	p.line = 0 // errors from here on concern the whole document
	var h header
	if err := p.header(doc, &h); err != nil {
		return nil, err
	}
	if v := *h.Version; v != 1 {
		if v == 2 || v == 3 {
			return nil, p.errorAt(1, "a version %d header must be on one line", v)
		}
		return nil, p.errorf("version %d is not supported (1, 2 or 3)", v)
	}
	c, err := p.cast(&h)
	if err != nil {
		return nil, err
	}
	if h.Stdout == nil {
		return nil, p.errorf("no stdout")
	}
	c.Events = make([]Event, 0, len(h.Stdout))
	var t float64
	for i, raw := range h.Stdout {
		var frame []json.RawMessage
		if json.Unmarshal(raw, &frame) != nil || len(frame) != 2 {
			return nil, p.errorf("stdout[%d] is not [delay, data]: %s", i, clip(raw))
		}
		delay, err := number(frame[0])
		if err != nil {
			return nil, p.errorf("stdout[%d]: delay %s", i, err)
		}
		if delay < 0 {
			return nil, p.errorf("stdout[%d]: delay %v is negative", i, delay)
		}
		if t += delay; math.IsInf(t, 0) {
			return nil, p.errorf("stdout[%d]: time is not finite", i)
		}
		data, ok := str(frame[1])
		if !ok {
			return nil, p.errorf("stdout[%d]: data %s is not a string", i, clip(frame[1]))
		}
		c.Events = append(c.Events, Event{Time: t, Code: 'o', Data: data})
	}
	c.Duration = t
	return c, nil
}

// ndjson reads the events of a v2 or v3 file, one JSON array a line,
// after its header h.
func (p *parser) ndjson(h *header) (*Cast, error) {
	c, err := p.cast(h)
	if err != nil {
		return nil, err
	}
	v3 := c.Version == 3
	timeName := "time" // what the first element of an event is
	if v3 {
		timeName = "interval"
	}
	var now float64 // time of the previous event, kept or not
	for {
		line, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 || v3 && line[0] == '#' {
			continue
		}
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("[")) {
			return nil, p.errorf("event is not a JSON array: %s", clip(line))
		}
		var ev []json.RawMessage
		if err := json.Unmarshal(line, &ev); err != nil {
			return nil, p.errorf("event: %v", err)
		}
		if len(ev) != 3 {
			return nil, p.errorf("event has %d elements, want 3: [time, code, data]", len(ev))
		}

		t, err := number(ev[0])
		switch {
		case err != nil:
			return nil, p.errorf("event %s %s", timeName, err)
		case t < 0:
			return nil, p.errorf("event %s %v is negative", timeName, t)
		case v3:
			// v3 stamps each event with the time since the previous one.
			if t += now; math.IsInf(t, 0) {
				return nil, p.errorf("event time is not finite")
			}
		case t < now:
			return nil, p.errorf("event time %v goes back before %v", t, now)
		}
		now = t

		code, ok := str(ev[1])
		if !ok || len(code) != 1 || !isLetter(code[0]) {
			return nil, p.errorf("event code %s is not a one-letter string", clip(ev[1]))
		}
		data, ok := str(ev[2])
		if !ok {
			return nil, p.errorf("event data %s is not a string", clip(ev[2]))
		}
		if !strings.Contains(knownCodes[c.Version], code) {
			continue
		}
		if code == "r" {
			if _, _, err := Resize(data); err != nil {
				return nil, p.errorf("%v", err)
			}
		}
		c.Events = append(c.Events, Event{Time: t, Code: code[0], Data: data, Line: p.line})
	}
	if n := len(c.Events); n > 0 {
		c.Duration = c.Events[n-1].Time
	}
	return c, nil
}

// cast makes a Cast from the header fields that all versions share.
func (p *parser) cast(h *header) (*Cast, error) {
	c := &Cast{Version: *h.Version, Title: h.Title, Command: h.Command}
	c.TermType, _ = h.Env["TERM"].(string)
	cols, rows, names := h.Width, h.Height, [2]string{"width", "height"}
	if c.Version == 3 {
		if h.Term == nil {
			return nil, p.errorf("header has no term")
		}
		cols, rows, names = h.Term.Cols, h.Term.Rows, [2]string{"term.cols", "term.rows"}
		if h.Term.Type != "" {
			c.TermType = h.Term.Type
		}
	}
	var err error
	if c.Cols, err = p.side(names[0], cols); err != nil {
		return nil, err
	}
	if c.Rows, err = p.side(names[1], rows); err != nil {
		return nil, err
	}
	if h.IdleTimeLimit != nil {
		if *h.IdleTimeLimit < 0 {
			return nil, p.errorf("idle_time_limit %v is negative", *h.IdleTimeLimit)
		}
		c.IdleTimeLimit = *h.IdleTimeLimit
	}
	return c, nil
}

// side checks a terminal size field of the header.
func (p *parser) side(name string, v *int) (int, error) {
	if v == nil {
		return 0, p.errorf("header has no %s", name)
	}
	if *v < 1 || *v > maxSide {
		return 0, p.errorf("%s %d is not in 1..%d", name, *v, maxSide)
	}
	return *v, nil
}

// number decodes a JSON number. Its error reads on from the field's name.
func number(raw json.RawMessage) (float64, error) {
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, fmt.Errorf("%s is not a number", clip(raw))
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil { // valid JSON, so only a number too large for a float64
		return 0, fmt.Errorf("%s is not finite", clip(raw))
	}
	return f + 0, nil // +0 turns -0 into 0
}

// str decodes a JSON string; null and other types are not strings.
func str(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// clip shortens raw input quoted in an error message.
func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// LimitIdle shortens every pause between consecutive events longer than
// limit seconds to limit (asciinema's idle_time_limit semantics; limit <= 0
// does nothing). It rewrites Event.Time and Duration. The pause before the
// first event counts too, as in asciinema's player.
func (c *Cast) LimitIdle(limit float64) {
	if !(limit > 0) {
		return
	}
	var prev, prevNew float64 // previous event's time before and after limiting
	var shift float64         // time cut so far
	for i := range c.Events {
		e := &c.Events[i]
		if gap := e.Time - prev; gap > limit {
			shift += gap - limit
		}
		prev = e.Time
		// Shifting keeps times exact where nothing is cut; max guards
		// the order against rounding.
		e.Time = max(e.Time-shift, prevNew)
		prevNew = e.Time
	}
	if n := len(c.Events); n > 0 {
		c.Duration = c.Events[n-1].Time
	}
}

// Resize parses an 'r' event's data "COLSxROWS".
func Resize(data string) (cols, rows int, err error) {
	c, r, ok := strings.Cut(data, "x")
	cols, okc := decimal(c)
	rows, okr := decimal(r)
	if !ok || !okc || !okr {
		return 0, 0, fmt.Errorf("resize %q is not COLSxROWS", clip([]byte(data)))
	}
	if cols < 1 || cols > maxSide || rows < 1 || rows > maxSide {
		return 0, 0, fmt.Errorf("resize %q is not in 1..%d", clip([]byte(data)), maxSide)
	}
	return cols, rows, nil
}

// decimal parses unsigned decimal digits, saturating at a value past maxSide.
func decimal(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = min(n*10+int(s[i]-'0'), maxSide+1)
	}
	return n, s != ""
}
