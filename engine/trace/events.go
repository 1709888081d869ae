package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Event is one line of events.jsonl: frame Index was captured at Time after
// the start, and Action is what the user did between it and the next frame.
type Event struct {
	Index  int
	Time   time.Duration
	Action action.Action
}

// eventLine is an event as written: the action's fields flattened next to
// the index and the time in seconds.
type eventLine struct {
	I int     `json:"i"`
	T float64 `json:"t"`
	action.Action
}

// Times are stored in seconds with microsecond resolution.
func toSeconds(t time.Duration) float64 { return float64(t/time.Microsecond) / 1e6 }

func fromSeconds(s float64) time.Duration {
	return time.Duration(math.Round(s*1e6)) * time.Microsecond
}

// maxTime bounds event times (about 31 years) so conversions cannot overflow.
const maxTime = 1e9

// appendEvent encodes e as one line, newline included.
func appendEvent(buf *bytes.Buffer, e Event) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(eventLine{I: e.Index, T: toSeconds(e.Time), Action: e.Action})
}

// checkAction reports why a is not a valid action in a width x height frame.
func checkAction(a action.Action, width, height int) error {
	if a.X < 0 || a.Y < 0 || a.X >= width || a.Y >= height {
		return fmt.Errorf("cursor (%d, %d) outside the %dx%d frame", a.X, a.Y, width, height)
	}
	if unknown := a.Buttons &^ (action.Left | action.Middle | action.Right); unknown != 0 {
		return fmt.Errorf("unknown button bits %#x in buttons %d", uint8(unknown), a.Buttons)
	}
	for _, keys := range [][]string{a.KeyDown, a.KeyUp} {
		for _, k := range keys {
			if err := checkKeysym(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkKeysym accepts X keysym names: letters, digits and underscores
// ("a", "Return", "Shift_L", "U20AC").
func checkKeysym(k string) error {
	if k == "" || len(k) > 64 {
		return fmt.Errorf("key name %q is not 1 to 64 characters", k)
	}
	for _, c := range []byte(k) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return fmt.Errorf("key name %q is not an X keysym name", k)
		}
	}
	return nil
}

// decodeEvent parses and checks one line that should describe frame want,
// captured no earlier than prev. Keys are matched exactly, as JSON says
// (encoding/json alone would also take "X" for "x").
func decodeEvent(line []byte, want int, prev time.Duration, width, height int) (Event, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(line, &fields); err != nil {
		return Event{}, fmt.Errorf("bad JSON: %v", err)
	}
	if fields == nil {
		return Event{}, errors.New("bad JSON: not an object")
	}
	// get decodes the value of key into v; it reports whether key is there.
	get := func(key string, v any) (bool, error) {
		raw, ok := fields[key]
		if !ok || string(raw) == "null" {
			return false, nil
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return true, fmt.Errorf("%q: %v", key, err)
		}
		return true, nil
	}
	var i, x, y, buttons int
	var t float64
	var a action.Action
	for _, f := range []struct {
		key      string
		v        any
		required bool
	}{
		{"i", &i, true}, {"t", &t, true}, {"x", &x, true}, {"y", &y, true},
		{"buttons", &buttons, false}, {"key_down", &a.KeyDown, false}, {"key_up", &a.KeyUp, false},
		{"text", &a.Text, false}, {"scroll", &a.Scroll, false},
	} {
		ok, err := get(f.key, f.v)
		if err != nil {
			return Event{}, err
		}
		if f.required && !ok {
			return Event{}, fmt.Errorf("missing %q", f.key)
		}
	}
	if i != want {
		return Event{}, fmt.Errorf("frame index %d, want %d", i, want)
	}
	if !(t >= 0 && t <= maxTime) { // also catches NaN
		return Event{}, fmt.Errorf("time %v s outside [0, %g]", t, float64(maxTime))
	}
	e := Event{Index: want, Time: fromSeconds(t)}
	if e.Time < prev {
		return Event{}, fmt.Errorf("time %v before the previous line's %v", e.Time, prev)
	}
	if buttons < 0 || buttons > 0xff {
		return Event{}, fmt.Errorf("buttons %d outside 0..7", buttons)
	}
	a.X, a.Y, a.Buttons = x, y, action.Buttons(buttons)
	e.Action = a
	return e, checkAction(e.Action, width, height)
}

// eventsTail says what readEvents ignored after the last complete line.
type eventsTail struct {
	bytes int64 // length of an unterminated last line (a torn write)
}

// readEvents parses events.jsonl for width x height frames. An unterminated
// last line is a torn write: returned in the tail when torn is allowed (an
// unfinished trace), an error otherwise. path names the file in errors.
func readEvents(path string, r io.Reader, width, height int, tornOK bool) ([]Event, eventsTail, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var events []Event
	var prev time.Duration
	var long []byte // a line longer than the reader's buffer, being joined
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(long)+len(line) > maxLine {
				return nil, eventsTail{}, lineErr(path, n, "line longer than %d bytes", maxLine)
			}
			long = append(long, line...)
			line, err = br.ReadSlice('\n')
		}
		if long != nil {
			line, long = append(long, line...), nil
		}
		if err == io.EOF {
			if len(line) == 0 {
				return events, eventsTail{}, nil
			}
			if !tornOK {
				return nil, eventsTail{}, lineErr(path, n, "last line has no newline (torn write)")
			}
			return events, eventsTail{bytes: int64(len(line))}, nil
		}
		if err != nil {
			return nil, eventsTail{}, fileErr(path, "%v", err)
		}
		if len(line) > maxLine {
			return nil, eventsTail{}, lineErr(path, n, "line longer than %d bytes", maxLine)
		}
		e, err := decodeEvent(line, n-1, prev, width, height)
		if err != nil {
			return nil, eventsTail{}, lineErr(path, n, "%v", err)
		}
		events = append(events, e)
		prev = e.Time
	}
}
