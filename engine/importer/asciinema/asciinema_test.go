// testdata/v1.cast, v2.cast and v3.cast are written by hand after the specs
// at https://docs.asciinema.org/manual/asciicast/. Their times are binary
// fractions so that sums compare exactly.
//
// testdata/asciinema-rec.cast is a real recording, made on Debian 12 with
// asciinema 2.2.0 (apt package asciinema 2.2.0-1) and util-linux script
// 2.38.1, typing into an interactive bash through script's pseudo-terminal:
//
//	(sleep 1; printf 'echo hello\r'; sleep 0.5; printf 'printf "\\e[31mred\\e[0m\\n"\r'; sleep 0.5; printf 'exit\r'; sleep 1) |
//	TERM=xterm-256color script -qec 'asciinema rec -q --stdin --cols 40 --rows 12 -i 2 -t "bash demo" -c "env -i PS1=\"$ \" TERM=xterm-256color bash --norc --noprofile -i" /tmp/rec.cast' /dev/null
//
// and copying /tmp/rec.cast here. asciinema 2.2.0 writes v2, records no
// resize or marker events and leaves "command" out of the header.
package asciinema

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadSamples(t *testing.T) {
	const red = "\x1b[1;31mred\x1b[0m \x1b[38;5;33mblue\x1b[0m"
	tests := []struct {
		file string
		want Cast
	}{
		{"v1.cast", Cast{
			Version: 1, Cols: 80, Rows: 24, TermType: "xterm-256color",
			Title: "v1 sample", Command: "/bin/bash", Duration: 1.875,
			Events: []Event{
				{0.25, 'o', "$ ", 0},
				{0.75, 'o', "ls --color\r\n", 0},
				{0.875, 'o', "\x1b[01;34mbin\x1b[0m  \x1b[01;32mrun.sh\x1b[0m\r\n$ ", 0},
				{1.875, 'o', "exit\r\n", 0},
			},
		}},
		{"v2.cast", Cast{
			Version: 2, Cols: 80, Rows: 24, TermType: "xterm-256color",
			Title: "v2 sample", Command: "/bin/bash", IdleTimeLimit: 1.5, Duration: 5,
			Events: []Event{
				{0.25, 'o', "$ ", 2},
				{1, 'i', "l", 3},
				{1.0625, 'o', "l", 4},
				{1.25, 'i', "s\r", 5},
				{1.3125, 'o', "s\r\n" + red + "\r\n$ ", 6},
				{4.5, 'm', "after a pause", 8}, // after a blank line
				{4.75, 'r', "100x30", 9},
				{5, 'o', "\x1b[2J\x1b[H$ ", 10},
			},
		}},
		{"v3.cast", Cast{
			Version: 3, Cols: 80, Rows: 24, TermType: "xterm-256color",
			Title: "v3 sample", Command: "/bin/bash", IdleTimeLimit: 2, Duration: 4.9375,
			Events: []Event{
				{0.25, 'o', "$ ", 3},
				{1, 'i', "echo été\r", 4},
				{1.0625, 'o', "echo été\r\n\x1b[32mété\x1b[0m\r\n$ ", 5},
				{4.0625, 'm', "chapter 2", 6},
				{4.5625, 'r', "120x40", 8},
				{4.8125, 'o', "\x1b[7mreverse\x1b[27m\r\n", 10},
				{4.9375, 'x', "0", 11},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*c, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *c, tt.want)
			}
		})
	}
}

func TestReadRecording(t *testing.T) {
	c, err := ReadFile("testdata/asciinema-rec.cast")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || c.Cols != 40 || c.Rows != 12 || c.TermType != "xterm-256color" ||
		c.Title != "bash demo" || c.IdleTimeLimit != 2 || c.Duration != 1.935293 {
		t.Errorf("header: %+v", *c)
	}
	var codes, input, output strings.Builder
	for _, e := range c.Events {
		codes.WriteByte(e.Code)
		switch e.Code {
		case 'i':
			input.WriteString(e.Data)
		case 'o':
			output.WriteString(e.Data)
		}
	}
	if got := codes.String(); got != "oioiooioo" {
		t.Errorf("event codes %q", got)
	}
	if got, want := input.String(), "echo hello\rprintf \"\\e[31mred\\e[0m\\n\"\rexit\r"; got != want {
		t.Errorf("input %q, want %q", got, want)
	}
	for _, want := range []string{"hello\r\n", "\x1b[31mred\x1b[0m\r\n", "\x1b[?2004h$ "} {
		if !strings.Contains(output.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	checkInvariants(t, c)
}

func TestReadErrors(t *testing.T) {
	const (
		v2 = `{"version": 2, "width": 80, "height": 24}` + "\n"
		v3 = `{"version": 3, "term": {"cols": 80, "rows": 24}}` + "\n"
	)
	v1 := func(stdout string) string {
		return "{\n  \"version\": 1,\n  \"width\": 80,\n  \"height\": 24,\n  \"stdout\": " + stdout + "\n}\n"
	}
	tests := []struct{ name, in, want string }{
		{"empty", "", "demo.cast: empty file"},
		{"text", "hello\n", "demo.cast:1: not an asciicast header: invalid character 'h' looking for beginning of value"},
		{"array header", "[1, 2]\n", "demo.cast:1: not an asciicast header: not a JSON object"},
		{"no version", `{"width": 80}`, "demo.cast:1: not an asciicast header: no version"},
		{"version 4", `{"version": 4}`, "demo.cast: version 4 is not supported (1, 2 or 3)"},
		{"comment first", "# v3\n" + v3, "demo.cast:1: not an asciicast header: invalid character '#' looking for beginning of value"},
		{"multi-line v2 header", "{\n\"version\": 2}\n", "demo.cast:1: a version 2 header must be on one line"},

		// Header fields.
		{"no width", `{"version": 2, "height": 24}`, "demo.cast:1: header has no width"},
		{"zero height", `{"version": 2, "width": 80, "height": 0}`, "demo.cast:1: height 0 is not in 1..1000"},
		{"wide", `{"version": 2, "width": 1001, "height": 24}`, "demo.cast:1: width 1001 is not in 1..1000"},
		{"no term", `{"version": 3, "width": 80, "height": 24}`, "demo.cast:1: header has no term"},
		{"no rows", `{"version": 3, "term": {"cols": 80}}`, "demo.cast:1: header has no term.rows"},
		{"negative cols", `{"version": 3, "term": {"cols": -1, "rows": 24}}`, "demo.cast:1: term.cols -1 is not in 1..1000"},
		{"negative idle limit", `{"version": 2, "width": 80, "height": 24, "idle_time_limit": -1}`, "demo.cast:1: idle_time_limit -1 is negative"},

		// v2 events.
		{"not an array", v2 + `{"t": 1}`, `demo.cast:2: event is not a JSON array: {"t": 1}`},
		{"bad JSON", v2 + `[1, "o", "x"`, "demo.cast:2: event: unexpected end of JSON input"},
		{"two elements", v2 + `[1, "o"]`, "demo.cast:2: event has 2 elements, want 3: [time, code, data]"},
		{"time a string", v2 + `["1", "o", "x"]`, `demo.cast:2: event time "1" is not a number`},
		{"time null", v2 + `[null, "o", "x"]`, `demo.cast:2: event time null is not a number`},
		{"time huge", v2 + `[1e400, "o", "x"]`, "demo.cast:2: event time 1e400 is not finite"},
		{"time negative", v2 + `[-0.5, "o", "x"]`, "demo.cast:2: event time -0.5 is negative"},
		{"time goes back", v2 + "[1, \"o\", \"a\"]\n\n[3.4, \"o\", \"b\"]\n[1.2, \"o\", \"c\"]\n", "demo.cast:5: event time 1.2 goes back before 3.4"},
		{"long code", v2 + `[1, "out", "x"]`, `demo.cast:2: event code "out" is not a one-letter string`},
		{"empty code", v2 + `[1, "", "x"]`, `demo.cast:2: event code "" is not a one-letter string`},
		{"digit code", v2 + `[1, "1", "x"]`, `demo.cast:2: event code "1" is not a one-letter string`},
		{"number code", v2 + `[1, 111, "x"]`, `demo.cast:2: event code 111 is not a one-letter string`},
		{"data a number", v2 + `[1, "o", 5]`, "demo.cast:2: event data 5 is not a string"},
		{"data null", v2 + `[1, "o", null]`, "demo.cast:2: event data null is not a string"},
		{"resize", v2 + `[1, "r", "80 24"]`, `demo.cast:2: resize "80 24" is not COLSxROWS`},
		{"resize zero", v2 + `[1, "r", "0x24"]`, `demo.cast:2: resize "0x24" is not in 1..1000`},
		{"v2 comment", v2 + "# no comments in v2\n", "demo.cast:2: event is not a JSON array: # no comments in v2"},
		{"long data quoted short", v2 + `[1, "o", ` + strings.Repeat("7", 100) + `]`,
			"demo.cast:2: event data " + strings.Repeat("7", 40) + "... is not a string"},

		// v3 events.
		{"negative interval", v3 + "# c\n[0.5, \"o\", \"a\"]\n[-0.25, \"o\", \"b\"]\n", "demo.cast:4: event interval -0.25 is negative"},
		{"interval sum overflows", v3 + "[1e308, \"o\", \"a\"]\n[1e308, \"o\", \"b\"]\n", "demo.cast:3: event time is not finite"},
		{"interval not a number", v3 + `[true, "o", "a"]`, "demo.cast:2: event interval true is not a number"},
		{"bad resize", v3 + `[1, "r", "x"]`, `demo.cast:2: resize "x" is not COLSxROWS`},

		// v1.
		{"v1 no stdout", `{"version": 1, "width": 80, "height": 24}`, "demo.cast: no stdout"},
		{"v1 no width", "{\n\"version\": 1,\n\"height\": 24}", "demo.cast: header has no width"},
		{"v1 entry not a pair", v1(`[[0.5, "a"], [0.5]]`), "demo.cast: stdout[1] is not [delay, data]: [0.5]"},
		{"v1 entry an object", v1(`[{"d": 1}]`), `demo.cast: stdout[0] is not [delay, data]: {"d": 1}`},
		{"v1 delay a string", v1(`[["0.5", "a"]]`), `demo.cast: stdout[0]: delay "0.5" is not a number`},
		{"v1 delay negative", v1(`[[-1, "a"]]`), "demo.cast: stdout[0]: delay -1 is negative"},
		{"v1 data a number", v1(`[[1, 2]]`), "demo.cast: stdout[0]: data 2 is not a string"},
		{"v1 sum overflows", v1(`[[1e308, "a"], [1e308, "b"]]`), "demo.cast: stdout[1]: time is not finite"},
		{"v1 syntax error", v1(`[[1, "a"],`), "demo.cast:6: not an asciicast header: invalid character '}' looking for beginning of value"},
		{"v1 trailing data", v1(`[]`) + "[1, \"o\", \"x\"]\n", "demo.cast:7: not an asciicast header: invalid character '[' after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Read("demo.cast", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error; got %+v", *c)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got  %s\n want %s", err, tt.want)
			}
		})
	}
}

// Events with a one-letter code the version does not define are dropped,
// but their times still count.
func TestReadSkipsUnknownCodes(t *testing.T) {
	in := `{"version": 3, "term": {"cols": 80, "rows": 24}}
[0.5, "o", "a"]
[0.25, "z", "future"]
[0.25, "o", "b"]
`
	c, err := Read("u.cast", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{{0.5, 'o', "a", 2}, {1, 'o', "b", 4}}
	if !reflect.DeepEqual(c.Events, want) || c.Duration != 1 {
		t.Errorf("events %+v duration %v, want %+v", c.Events, c.Duration, want)
	}

	// "x" is a v3 code only.
	c, err = Read("u.cast", strings.NewReader(`{"version": 2, "width": 80, "height": 24}
[0.5, "o", "a"]
[0.75, "x", "0"]
`))
	if err != nil || len(c.Events) != 1 || c.Duration != 0.5 {
		t.Errorf("v2 exit event: %+v, %v", c, err)
	}
}

// A v1 file may also be one line, as any JSON writer may write it.
func TestReadV1OneLine(t *testing.T) {
	in := `{"version": 1, "width": 80, "height": 24, "stdout": [[0.5, "a"], [0, "b"]]}` + "\n"
	c, err := Read("one.cast", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{{0.5, 'o', "a", 0}, {0.5, 'o', "b", 0}}
	if !reflect.DeepEqual(c.Events, want) || c.Duration != 0.5 {
		t.Errorf("events %+v duration %v, want %+v", c.Events, c.Duration, want)
	}
}

func TestReadLongLine(t *testing.T) {
	in := `{"version": 2, "width": 80, "height": 24}` + "\n" +
		`[1, "o", "` + strings.Repeat("a", maxLine) + "\"]\n"
	_, err := Read("big.cast", strings.NewReader(in))
	if want := "big.cast:2: line is longer than 16 MiB"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestReadFileMissing(t *testing.T) {
	if _, err := ReadFile("testdata/no-such.cast"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v, want one that is fs.ErrNotExist", err)
	}
}

func TestLimitIdle(t *testing.T) {
	events := func(times ...float64) []Event {
		var es []Event
		for _, tm := range times {
			es = append(es, Event{Time: tm, Code: 'o'})
		}
		return es
	}
	tests := []struct {
		name  string
		limit float64
		in    []float64
		want  []float64
	}{
		{"no limit", 0, []float64{0.5, 10, 10.25}, []float64{0.5, 10, 10.25}},
		{"negative limit", -1, []float64{0.5, 10}, []float64{0.5, 10}},
		{"short pauses kept", 2, []float64{0.5, 1, 2.5}, []float64{0.5, 1, 2.5}},
		{"long pauses cut", 1, []float64{0.5, 10, 10.25, 20}, []float64{0.5, 1.5, 1.75, 2.75}},
		{"first pause cut", 1, []float64{5, 5.5}, []float64{1, 1.5}},
		{"equal times", 1, []float64{3, 3, 3}, []float64{1, 1, 1}},
		{"no events", 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cast{Events: events(tt.in...)}
			if n := len(tt.in); n > 0 {
				c.Duration = tt.in[n-1]
			}
			c.LimitIdle(tt.limit)
			var wantDur float64
			if n := len(tt.want); n > 0 {
				wantDur = tt.want[n-1]
			}
			if got := c.Events; !reflect.DeepEqual(got, events(tt.want...)) || c.Duration != wantDur {
				t.Errorf("got %v duration %v, want %v", got, c.Duration, tt.want)
			}
		})
	}

	// The header's limit applied to a sample: the v2 pause of 3.1875 s
	// (1.3125 to 4.5) becomes 1.5 s.
	c, err := ReadFile("testdata/v2.cast")
	if err != nil {
		t.Fatal(err)
	}
	c.LimitIdle(c.IdleTimeLimit)
	if got := c.Events[5].Time - c.Events[4].Time; got != 1.5 {
		t.Errorf("pause after limiting %v, want 1.5", got)
	}
	if c.Duration != 3.3125 {
		t.Errorf("duration after limiting %v, want 3.3125", c.Duration)
	}
}

func TestResize(t *testing.T) {
	tests := []struct {
		in         string
		cols, rows int
		ok         bool
	}{
		{"80x24", 80, 24, true},
		{"1x1", 1, 1, true},
		{"1000x1000", 1000, 1000, true},
		{"1001x24", 0, 0, false},
		{"0x24", 0, 0, false},
		{"99999999999999999999x24", 0, 0, false},
		{"80X24", 0, 0, false},
		{"80x", 0, 0, false},
		{"x24", 0, 0, false},
		{"+80x24", 0, 0, false},
		{" 80x24", 0, 0, false},
		{"80x24x1", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		cols, rows, err := Resize(tt.in)
		if cols != tt.cols || rows != tt.rows || (err == nil) != tt.ok {
			t.Errorf("Resize(%q) = %d, %d, %v", tt.in, cols, rows, err)
		}
	}
}

// checkInvariants fails t unless c is what Read may return.
func checkInvariants(t *testing.T, c *Cast) {
	t.Helper()
	if c.Version < 1 || c.Version > 3 {
		t.Fatalf("version %d", c.Version)
	}
	if c.Cols < 1 || c.Cols > maxSide || c.Rows < 1 || c.Rows > maxSide {
		t.Fatalf("size %dx%d", c.Cols, c.Rows)
	}
	if c.IdleTimeLimit < 0 || math.IsInf(c.IdleTimeLimit, 0) || math.IsNaN(c.IdleTimeLimit) {
		t.Fatalf("idle time limit %v", c.IdleTimeLimit)
	}
	prev, line := 0.0, 0
	for i, e := range c.Events {
		if !(e.Time >= prev) || math.IsInf(e.Time, 0) {
			t.Fatalf("event %d at %v after %v", i, e.Time, prev)
		}
		prev = e.Time
		if !strings.ContainsRune(knownCodes[c.Version], rune(e.Code)) {
			t.Fatalf("event %d has code %q in version %d", i, e.Code, c.Version)
		}
		if c.Version == 1 && e.Line != 0 || c.Version > 1 && e.Line <= line {
			t.Fatalf("event %d on line %d after line %d", i, e.Line, line)
		}
		line = e.Line
		if e.Code == 'r' {
			if _, _, err := Resize(e.Data); err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
		}
	}
	if c.Duration != prev {
		t.Fatalf("duration %v, last event at %v", c.Duration, prev)
	}
}

func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.cast")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read("fuzz.cast", bytes.NewReader(b))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.cast:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkInvariants(t, c)
		c.LimitIdle(0.5)
		checkInvariants(t, c)
	})
}
