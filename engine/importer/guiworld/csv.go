package guiworld

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Row is one row of a GUIWorld CSV: the input during one video frame.
type Row struct {
	Line        int     // 1-based line in the file where the row starts (for errors); 0 when not read
	Time        float64 // seconds since the recording started (the Timestamp column)
	X, Y        int     // cursor position in pixels
	Left, Right bool    // buttons held
	Keys        []KeyEvent
}

// KeyEvent is a key going down or up.
type KeyEvent struct {
	Down   bool
	Keysym string // X keysym name as written: "a", "Shift_L", "Return", or any string
}

// header is the GUIWorld CSV header.
var header = []string{"Timestamp", "Timestamp_formated", "X", "Y", "Left Click", "Right Click", "Key Events"}

// Column indexes.
const (
	colTime = iota
	colFormatted
	colX
	colY
	colLeft
	colRight
	colKeys
)

// ReadCSV reads a GUIWorld CSV file from r; name is used in errors only,
// which read "name:LINE: problem".
func ReadCSV(name string, r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, with a clearer message
	cr.TrimLeadingSpace = true
	rec, line, err := readRecord(cr)
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	if !isHeader(rec) {
		return nil, fmt.Errorf("%s:%d: header is %q, want %s", name, line, rec, strings.Join(header, ", "))
	}
	var rows []Row
	prev := 0.0
	for {
		rec, line, err := readRecord(cr)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		row, err := parseRow(rec)
		if err == nil && row.Time < prev {
			err = fmt.Errorf("Timestamp %s is before the previous row's %s", formatSeconds(row.Time), formatSeconds(prev))
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		row.Line, prev = line, row.Time
		rows = append(rows, row)
	}
}

// readRecord reads one record and the line it starts on.
func readRecord(cr *csv.Reader) ([]string, int, error) {
	rec, err := cr.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := cr.FieldPos(0)
	return rec, line, nil
}

// csvError puts a CSV syntax error in the name:LINE form.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

func isHeader(rec []string) bool {
	if len(rec) != len(header) {
		return false
	}
	for i, h := range rec {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF") // byte order mark, as Excel writes
		}
		if strings.TrimSpace(h) != header[i] {
			return false
		}
	}
	return true
}

// parseRow reads the fields of one data row.
func parseRow(rec []string) (Row, error) {
	if len(rec) != len(header) {
		return Row{}, fmt.Errorf("row has %d fields, want %d", len(rec), len(header))
	}
	var row Row
	var err error
	if row.Time, err = parseTime(rec[colTime]); err != nil {
		return Row{}, err
	}
	if err = checkFormatted(strings.TrimSpace(rec[colFormatted]), row.Time); err != nil {
		return Row{}, err
	}
	for _, c := range []struct {
		col int
		dst *int
	}{{colX, &row.X}, {colY, &row.Y}} {
		if *c.dst, err = parseInt(rec[c.col]); err != nil {
			return Row{}, fmt.Errorf("column %s: %v", header[c.col], err)
		}
	}
	for _, c := range []struct {
		col int
		dst *bool
	}{{colLeft, &row.Left}, {colRight, &row.Right}} {
		if *c.dst, err = parseBool(rec[c.col]); err != nil {
			return Row{}, fmt.Errorf("column %s: %v", header[c.col], err)
		}
	}
	if row.Keys, err = parseKeyEvents(rec[colKeys]); err != nil {
		return Row{}, fmt.Errorf("%s: %v", header[colKeys], err)
	}
	return row, nil
}

// parseTime reads a Timestamp, rounded to the microsecond.
func parseTime(s string) (float64, error) {
	s = strings.TrimSpace(s)
	t, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("column Timestamp: %q is not a number", s)
	case math.IsNaN(t) || math.IsInf(t, 0) || t > maxTime:
		return 0, fmt.Errorf("Timestamp %q is not between 0 and %g s", s, maxTime)
	case t < 0:
		return 0, fmt.Errorf("Timestamp %s is negative", s)
	}
	return roundMicro(t), nil
}

// roundMicro rounds seconds to the microsecond (and -0 to 0).
func roundMicro(t float64) float64 { return math.Round(t*1e6)/1e6 + 0 }

// checkFormatted checks that a Timestamp_formated s agrees with the
// Timestamp t: within a millisecond, so that truncating writers pass.
func checkFormatted(s string, t float64) error {
	sec, ms, ok := strings.Cut(s, ":")
	if !ok || !isDigits(sec, 12) || !isDigits(ms, 9) {
		return fmt.Errorf("Timestamp_formated %q is not s:ms", s)
	}
	secN, _ := strconv.ParseInt(sec, 10, 64)
	msN, _ := strconv.ParseInt(ms, 10, 64)
	total := float64(secN*1000 + msN) // exact: under 2^53
	if math.Abs(total-t*1000) >= 1+1e-6 {
		return fmt.Errorf("Timestamp_formated %q is %s s but Timestamp is %s", s, formatSeconds(total/1000), formatSeconds(t))
	}
	return nil
}

// isDigits reports whether s is 1 to max ASCII digits.
func isDigits(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseInt reads an integer, also written as an integral decimal ("12.0").
func parseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > maxCoord {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return int(f), nil
}

// parseBool reads a click column.
func parseBool(s string) (bool, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "0", "0.0", "false":
		return false, nil
	case "1", "1.0", "true":
		return true, nil
	}
	return false, fmt.Errorf("%q is not 0 or 1", s)
}

// WriteCSV writes rows as a GUIWorld CSV file. It refuses rows that ReadCSV
// would not read back: times negative, over 1e9 s, not finite or
// decreasing (once rounded to the microsecond), keysyms not valid UTF-8.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	prev := 0.0
	for i, row := range rows {
		rec, err := formatRow(row, prev)
		if err != nil {
			return fmt.Errorf("guiworld: rows[%d]: %v", i, err)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		prev = roundMicro(row.Time)
	}
	cw.Flush()
	return cw.Error()
}

// formatRow is the fields of row, which follows a row at time prev.
func formatRow(row Row, prev float64) ([]string, error) {
	t := roundMicro(row.Time)
	switch {
	case !(t >= 0 && t <= maxTime): // also NaN
		return nil, fmt.Errorf("time %v is not between 0 and %g s", row.Time, maxTime)
	case t < prev:
		return nil, fmt.Errorf("time %v is before the previous row's %v", row.Time, prev)
	}
	keys, err := formatKeyEvents(row.Keys)
	if err != nil {
		return nil, err
	}
	return []string{
		formatSeconds(t), FormatTimestamp(t),
		strconv.Itoa(row.X), strconv.Itoa(row.Y),
		formatBool(row.Left), formatBool(row.Right),
		keys,
	}, nil
}

func formatBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// formatSeconds writes seconds with up to six decimals, in minimal form.
func formatSeconds(t float64) string {
	s := strconv.FormatFloat(t, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// FormatTimestamp writes seconds as GUIWorld's Timestamp_formated, s:ms
// with the milliseconds rounded and unpadded: 1.05 is "1:50", 1.5 is
// "1:500", 0.004 is "0:4", 1.9996 is "2:0". Negative times get a leading
// "-"; NaN and infinities are written as strconv does.
func FormatTimestamp(seconds float64) string {
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return strconv.FormatFloat(seconds, 'g', -1, 64)
	}
	sign := ""
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	ms := math.Round(seconds * 1000)
	s := math.Floor(ms / 1000)
	return sign + strconv.FormatFloat(s, 'f', 0, 64) + ":" + strconv.FormatFloat(ms-s*1000, 'f', 0, 64)
}

// validKeysym checks that a keysym can be written: Python strings hold
// text, not bytes.
func validKeysym(k string) error {
	if !utf8.ValidString(k) {
		return fmt.Errorf("keysym %q is not valid UTF-8", k)
	}
	return nil
}
