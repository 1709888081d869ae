package guiworld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// LogAction is one action of a computer-use log.
type LogAction struct {
	Line            int    // 1-based line where the action's object starts
	Action          string // as written: "click", "type", "key", ...
	X, Y            int    // pixels, rounded; valid when HasXY
	HasXY           bool
	Text, Key       string
	ScrollDirection string  // as written: "up", "down", "left", "right"
	ScrollAmount    int     // rounded
	Time            float64 // seconds; valid when HasTime
	HasTime         bool
}

// ReadActionLog reads a computer-use action log from r: a JSON array of
// objects, or JSON objects one after another (JSON lines). name is used in
// errors only, which read "name:LINE: problem". Timestamps, where given,
// must not decrease.
func ReadActionLog(name string, r io.Reader) ([]LogAction, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	lr := &logReader{name: name, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	if data := bytes.TrimLeft(data, " \t\r\n"); len(data) > 0 && data[0] == '[' {
		return lr.array()
	}
	return lr.stream()
}

// logReader decodes the values of a log, keeping track of lines.
type logReader struct {
	name    string
	data    []byte
	dec     *json.Decoder
	off     int // offset at which line was counted
	line    int // line number at off, less one
	actions []LogAction
	last    float64 // time of the last action with one
	hasLast bool
	inArray bool // commas separate values
}

// array reads a JSON array of actions.
func (lr *logReader) array() ([]LogAction, error) {
	lr.inArray = true
	if _, err := lr.dec.Token(); err != nil { // the '['
		return nil, lr.jsonError(err)
	}
	for lr.dec.More() {
		if err := lr.next(); err != nil {
			return nil, err
		}
	}
	if _, err := lr.dec.Token(); err != nil { // the ']'
		return nil, lr.jsonError(err)
	}
	if _, err := lr.dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s:%d: data after the array", lr.name, lr.lineAt(lr.start()))
	}
	return lr.actions, nil
}

// stream reads JSON values one after another.
func (lr *logReader) stream() ([]LogAction, error) {
	for lr.start() < len(lr.data) {
		if err := lr.next(); err != nil {
			return nil, err
		}
	}
	return lr.actions, nil
}

// start is the offset of the next value: past spaces, and the comma
// between array elements.
func (lr *logReader) start() int {
	i := int(lr.dec.InputOffset())
	for i < len(lr.data) && (isSpace(lr.data[i]) || lr.inArray && lr.data[i] == ',') {
		i++
	}
	return i
}

// isSpace reports JSON white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// lineAt is the 1-based line of offset i; offsets asked for only grow.
func (lr *logReader) lineAt(i int) int {
	i = min(i, len(lr.data))
	if i > lr.off {
		lr.line += bytes.Count(lr.data[lr.off:i], []byte("\n"))
		lr.off = i
	}
	return lr.line + 1
}

// jsonError puts a JSON syntax error in the name:LINE form.
func (lr *logReader) jsonError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s:%d: %v", lr.name, lr.lineAt(int(se.Offset)-1), err)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s:%d: unexpected end of JSON input", lr.name, lr.lineAt(len(lr.data)))
	}
	return fmt.Errorf("%s:%d: %v", lr.name, lr.lineAt(lr.start()), err)
}

// next reads the next value as an action.
func (lr *logReader) next() error {
	line := lr.lineAt(lr.start())
	var raw json.RawMessage
	if err := lr.dec.Decode(&raw); err != nil {
		return lr.jsonError(err)
	}
	a, err := parseLogAction(raw)
	if err == nil && a.HasTime {
		if lr.hasLast && a.Time < lr.last {
			err = fmt.Errorf("timestamp %v is before the previous action's %v", a.Time, lr.last)
		}
		lr.last, lr.hasLast = a.Time, true
	}
	if err != nil {
		return fmt.Errorf("%s:%d: %v", lr.name, line, err)
	}
	a.Line = line
	lr.actions = append(lr.actions, a)
	return nil
}

// parseLogAction reads the fields of one action object.
func parseLogAction(raw json.RawMessage) (LogAction, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return LogAction{}, fmt.Errorf("action is not a JSON object")
	}
	var a LogAction
	var ok bool
	var err error
	if a.Action, ok, err = stringField(obj, "action"); err != nil {
		return LogAction{}, err
	} else if !ok || a.Action == "" {
		return LogAction{}, errors.New(`no "action"`)
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"text", &a.Text}, {"key", &a.Key}, {"scroll_direction", &a.ScrollDirection}} {
		if *f.dst, _, err = stringField(obj, f.name); err != nil {
			return LogAction{}, err
		}
	}
	if a.X, a.Y, a.HasXY, err = position(obj); err != nil {
		return LogAction{}, err
	}
	if a.ScrollAmount, _, err = intField(obj, "scroll_amount", maxScroll); err != nil {
		return LogAction{}, err
	}
	if a.Time, a.HasTime, err = numberField(obj, "timestamp"); err != nil {
		return LogAction{}, err
	}
	return a, nil
}

// position reads x and y, or else "coordinate": [x, y].
func position(obj map[string]json.RawMessage) (x, y int, ok bool, err error) {
	x, hasX, err := intField(obj, "x", maxCoord)
	if err != nil {
		return 0, 0, false, err
	}
	y, hasY, err := intField(obj, "y", maxCoord)
	if err != nil {
		return 0, 0, false, err
	}
	switch {
	case hasX && hasY:
		return x, y, true, nil
	case hasX || hasY:
		return 0, 0, false, errors.New("x and y go together: one is missing")
	}
	raw, has := obj["coordinate"]
	if !has || isNull(raw) {
		return 0, 0, false, nil
	}
	var xy []json.RawMessage
	if err := json.Unmarshal(raw, &xy); err != nil || len(xy) != 2 {
		return 0, 0, false, fmt.Errorf(`field "coordinate": want [x, y], got %s`, raw)
	}
	pair := map[string]json.RawMessage{"x": xy[0], "y": xy[1]}
	if x, _, err = intField(pair, "x", maxCoord); err == nil {
		y, _, err = intField(pair, "y", maxCoord)
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf(`field "coordinate": %v`, err)
	}
	return x, y, true, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// stringField reads an optional string field; null is absent.
func stringField(obj map[string]json.RawMessage, name string) (string, bool, error) {
	raw, ok := obj[name]
	if !ok || isNull(raw) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, fmt.Errorf("field %q: want a string, got %s", name, raw)
	}
	return s, true, nil
}

// numberField reads an optional number, also written as a string; null is
// absent.
func numberField(obj map[string]json.RawMessage, name string) (float64, bool, error) {
	raw, ok := obj[name]
	if !ok || isNull(raw) {
		return 0, false, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, fmt.Errorf("field %q: %s is not a number", name, raw)
	}
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, err = strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, fmt.Errorf("field %q: %s is not a number", name, raw)
		}
	default:
		return 0, false, fmt.Errorf("field %q: %s is not a number", name, raw)
	}
	return f, true, nil
}

// intField reads an optional number, rounded, of at most limit in size.
func intField(obj map[string]json.RawMessage, name string, limit float64) (int, bool, error) {
	f, ok, err := numberField(obj, name)
	if err != nil || !ok {
		return 0, ok, err
	}
	if math.Abs(f) > limit {
		return 0, false, fmt.Errorf("field %q: %v is out of range", name, f)
	}
	return int(math.Round(f)), true, nil
}
