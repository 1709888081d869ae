// testdata/sample.csv is written by hand in the GUIWorld layout, the way
// pandas writes it (QUOTE_MINIMAL, Python list literals from str()): ten
// frames at 15 fps with a click, Shift+h then i, a keysym that is a quote
// (written "'" and '\”), Return, and a right button.
package guiworld

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readSample(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func down(k string) KeyEvent { return KeyEvent{Down: true, Keysym: k} }
func up(k string) KeyEvent   { return KeyEvent{Down: false, Keysym: k} }

// withoutLines is rows with Line cleared, for comparing what was read
// with what was written.
func withoutLines(rows []Row) []Row {
	if len(rows) == 0 {
		return nil
	}
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Line = 0
		out[i] = r
	}
	return out
}

var sampleRows = []Row{
	{Line: 2, Time: 0, X: 512, Y: 384},
	{Line: 3, Time: 0.066667, X: 515, Y: 380},
	{Line: 4, Time: 0.133333, X: 520, Y: 376, Left: true},
	{Line: 5, Time: 0.2, X: 520, Y: 376},
	{Line: 6, Time: 0.266667, X: 520, Y: 376, Keys: []KeyEvent{down("Shift_L"), down("h")}},
	{Line: 7, Time: 0.333333, X: 520, Y: 376, Keys: []KeyEvent{up("h"), up("Shift_L"), down("i")}},
	{Line: 8, Time: 0.4, X: 520, Y: 376, Keys: []KeyEvent{up("i"), down("'")}},
	{Line: 9, Time: 0.466667, X: 520, Y: 376, Keys: []KeyEvent{up("'"), down("Return")}},
	{Line: 10, Time: 0.533333, X: 600, Y: 300, Right: true, Keys: []KeyEvent{up("Return")}},
	{Line: 11, Time: 0.6, X: 600, Y: 300},
}

func TestReadSampleCSV(t *testing.T) {
	rows, err := ReadCSV("sample.csv", bytes.NewReader(readSample(t, "sample.csv")))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, sampleRows) {
		t.Errorf("got  %+v\nwant %+v", rows, sampleRows)
	}
}

func TestReadCSVLiberal(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Row
	}{
		{"spaces after commas", "Timestamp, Timestamp_formated, X, Y, Left Click, Right Click, Key Events\n" +
			`1.05, 1:50, 3, 4, 1, 0, "[('keydown', 'a')]"` + "\n",
			[]Row{{Line: 2, Time: 1.05, X: 3, Y: 4, Left: true, Keys: []KeyEvent{down("a")}}}},
		{"BOM, CRLF, blank line, spaces around", "\uFEFFTimestamp,Timestamp_formated,X,Y,Left Click,Right Click,Key Events \r\n\r\n" +
			" 0.004 ,0:4 , 7 ,-8, 0 , 1 ,[]\r\n",
			[]Row{{Line: 3, Time: 0.004, X: 7, Y: -8, Right: true}}},
		{"pandas floats and Python booleans", hdr +
			"1.5,1:500,12.0,1e2,True,false,[]\n2,2:0,0,0,TRUE,1.0,\n",
			[]Row{{Line: 2, Time: 1.5, X: 12, Y: 100, Left: true}, {Line: 3, Time: 2, Left: true, Right: true}}},
		{"truncated and uncarried milliseconds", hdr +
			"0.0669,0:66,0,0,0,0,[]\n1.9996,1:1000,0,0,0,0,[]\n",
			[]Row{{Line: 2, Time: 0.0669}, {Line: 3, Time: 1.9996}}},
		{"times to the microsecond", hdr + "0.0666666667,0:67,0,0,0,0,[]\n",
			[]Row{{Line: 2, Time: 0.066667}}},
		{"quotes, spaces, trailing commas, escapes", hdr +
			`0,0:0,0,0,0,0,"[ ( ""KeyDown"" , ""a"" , ) ,('keyup','\'') , ('keydown', '\\'), ('keyup', 'x\ty\x41\u00e9\U0001F600\101\q'),]"` + "\n",
			[]Row{{Line: 2, Keys: []KeyEvent{down("a"), up("'"), down(`\`), up("x\tyAé\U0001F600A\\q")}}}},
		{"quoted field over lines", hdr + "0,0:0,0,0,0,0,\"[('keydown',\n 'a')]\"\n1,1:0,0,0,0,0,[]\n",
			[]Row{{Line: 2, Keys: []KeyEvent{down("a")}}, {Line: 4, Time: 1}}},
		{"header only", hdr, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadCSV("demo.csv", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("got  %+v\nwant %+v", rows, tt.want)
			}
		})
	}
}

const hdr = "Timestamp,Timestamp_formated,X,Y,Left Click,Right Click,Key Events\n"

func TestReadCSVErrors(t *testing.T) {
	const ok = "0,0:0,0,0,0,0,[]\n"
	row := func(keys string) string { return hdr + ok + "0.1,0:100,5,6,0,0," + keys + "\n" }
	tests := []struct{ name, in, want string }{
		{"empty", "", `demo.csv: empty file`},
		{"header", "Timestamp,X\n", `demo.csv:1: header is ["Timestamp" "X"], want Timestamp, Timestamp_formated, X, Y, Left Click, Right Click, Key Events`},
		{"header names", "Timestamp,Timestamp_formatted,X,Y,Left Click,Right Click,Key Events\n", `demo.csv:1: header is ["Timestamp" "Timestamp_formatted" "X" "Y" "Left Click" "Right Click" "Key Events"], want Timestamp, Timestamp_formated, X, Y, Left Click, Right Click, Key Events`},
		{"fields", hdr + "0,0:0,0,0,0,0\n", `demo.csv:2: row has 6 fields, want 7`},
		{"fields unquoted list", hdr + "0,0:0,0,0,0,0,[('keydown', 'a')]\n", `demo.csv:2: row has 8 fields, want 7`},
		{"csv quotes", hdr + "0,0:0,0,0,0,0,[(\"a\n", `demo.csv:2: bare " in non-quoted-field`},
		{"csv unclosed", hdr + "0,0:0,0,0,0,0,\"[\n", `demo.csv:2: extraneous or missing " in quoted-field`},
		{"X", hdr + strings.Repeat(ok, 5) + "0,0:0,12a,0,0,0,[]\n", `demo.csv:7: column X: "12a" is not an integer`},
		{"Y", hdr + "0,0:0,1,2.5,0,0,[]\n", `demo.csv:2: column Y: "2.5" is not an integer`},
		{"Left", hdr + "0,0:0,1,2,2,0,[]\n", `demo.csv:2: column Left Click: "2" is not 0 or 1`},
		{"Right", hdr + "0,0:0,1,2,0,yes,[]\n", `demo.csv:2: column Right Click: "yes" is not 0 or 1`},
		{"Timestamp", hdr + "1.2.3,1:200,0,0,0,0,[]\n", `demo.csv:2: column Timestamp: "1.2.3" is not a number`},
		{"Timestamp negative", hdr + "-1,0:0,0,0,0,0,[]\n", `demo.csv:2: Timestamp -1 is negative`},
		{"Timestamp NaN", hdr + "NaN,0:0,0,0,0,0,[]\n", `demo.csv:2: Timestamp "NaN" is not between 0 and 1e+09 s`},
		{"Timestamp large", hdr + "1e10,10000000000:0,0,0,0,0,[]\n", `demo.csv:2: Timestamp "1e10" is not between 0 and 1e+09 s`},
		{"formatted form", hdr + "1.5,1.5,0,0,0,0,[]\n", `demo.csv:2: Timestamp_formated "1.5" is not s:ms`},
		{"formatted sign", hdr + "1.5,1:-500,0,0,0,0,[]\n", `demo.csv:2: Timestamp_formated "1:-500" is not s:ms`},
		{"formatted", hdr + strings.Repeat(ok, 3) + "2.5,1:5,0,0,0,0,[]\n", `demo.csv:5: Timestamp_formated "1:5" is 1.005 s but Timestamp is 2.5`},
		{"formatted padded reading", hdr + "1.05,1:5,0,0,0,0,[]\n", `demo.csv:2: Timestamp_formated "1:5" is 1.005 s but Timestamp is 1.05`},
		{"decreasing", hdr + "1,1:0,0,0,0,0,[]\n0.5,0:500,0,0,0,0,[]\n", `demo.csv:3: Timestamp 0.5 is before the previous row's 1`},
		{"Key Events (", row(`"[('keydown','a'), 'b']"`), `demo.csv:3: Key Events: expected ( at byte 18 of "[('keydown','a'), 'b']"`},
		{"Key Events [", row(`"('keydown','a')"`), `demo.csv:3: Key Events: expected [ at byte 0 of "('keydown','a')"`},
		{"Key Events , or ]", row(`"[('keydown','a') ('keyup','a')]"`), `demo.csv:3: Key Events: expected , or ] at byte 17 of "[('keydown','a') ('keyup','a')]"`},
		{"Key Events end", row(`"[] []"`), `demo.csv:3: Key Events: expected end after ] at byte 3 of "[] []"`},
		{"Key Events tuple ,", row(`"[('keydown' 'a')]"`), `demo.csv:3: Key Events: expected , at byte 12 of "[('keydown' 'a')]"`},
		{"Key Events tuple )", row(`"[('keydown', 'a', 'b')]"`), `demo.csv:3: Key Events: expected ) at byte 18 of "[('keydown', 'a', 'b')]"`},
		{"Key Events string", row(`"[(keydown, 'a')]"`), `demo.csv:3: Key Events: expected a quoted string at byte 2 of "[(keydown, 'a')]"`},
		{"Key Events kind", row(`"[('keypress', 'a')]"`), `demo.csv:3: Key Events: event "keypress" at byte 2 of "[('keypress', 'a')]" is not keydown or keyup`},
		{"Key Events unterminated", row(`"[('keydown', 'a)]"`), `demo.csv:3: Key Events: string at byte 13 of "[('keydown', 'a)]" has no end`},
		{"Key Events escape end", row(`"[('keydown', 'a\"`), `demo.csv:3: Key Events: string escape at byte 15 of "[('keydown', 'a\\" has no end`},
		{"Key Events \\x", row(`"[('keydown', '\x4')]"`), `demo.csv:3: Key Events: bad \x escape at byte 14 of "[('keydown', '\\x4')]"`},
		{"Key Events \\u", row(`"[('keydown', '\u12g4')]"`), `demo.csv:3: Key Events: bad \u escape at byte 14 of "[('keydown', '\\u12g4')]"`},
		{"Key Events surrogate", row(`"[('keydown', '\ud800')]"`), `demo.csv:3: Key Events: escape at byte 14 of "[('keydown', '\\ud800')]" is not a character`},
		{"Key Events UTF-8", row("\"[('keydown', '\xff')]\""), `demo.csv:3: Key Events: string at byte 13 of "[('keydown', '\xff')]" is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadCSV("demo.csv", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, rows %+v", rows)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got  %s\n want %s", err, tt.want)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	rows := []Row{
		{Time: 0, X: 512, Y: 384},
		{Time: 1.0 / 15, X: 515, Y: 380, Left: true, Right: true},
		{Time: 1.05, Keys: []KeyEvent{down("a"), up("Shift_L")}},
		{Time: 1.9996, Keys: []KeyEvent{down("'"), up(`\`), down("a\"b"), up("\n\x00é\u200b"), down(" ,")}},
		{Time: 12345.5},
	}
	const want = hdr +
		"0,0:0,512,384,0,0,[]\n" +
		"0.066667,0:67,515,380,1,1,[]\n" +
		`1.05,1:50,0,0,0,0,"[('keydown', 'a'), ('keyup', 'Shift_L')]"` + "\n" +
		`1.9996,2:0,0,0,0,0,"[('keydown', '\''), ('keyup', '\\'), ('keydown', 'a""b'), ('keyup', '\n\x00é\u200b'), ('keydown', ' ,')]"` + "\n" +
		"12345.5,12345:500,0,0,0,0,[]\n"
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
		want string
	}{
		{"negative", []Row{{Time: -1}}, "guiworld: rows[0]: time -1 is not between 0 and 1e+09 s"},
		{"decreasing", []Row{{Time: 1}, {Time: 0.5}}, "guiworld: rows[1]: time 0.5 is before the previous row's 1"},
		{"UTF-8", []Row{{Keys: []KeyEvent{down("\xff")}}}, `guiworld: rows[0]: keysym "\xff" is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteCSV(new(bytes.Buffer), tt.rows)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got  %v\n want %s", err, tt.want)
			}
		})
	}
}

func TestCSVRoundTrip(t *testing.T) {
	for _, rows := range [][]Row{
		sampleRows,
		Rows(nil, 15),
		{
			{Time: 0.1234565, X: -3, Y: 1 << 40, Keys: []KeyEvent{down(""), up("'\"\\\r\n\t\a\x7f\u0085\U000E0001 x")}},
			{Time: 1e9, Left: true, Keys: []KeyEvent{down("日本"), down("Shift_L"), down("A")}},
		},
	} {
		var b bytes.Buffer
		if err := WriteCSV(&b, rows); err != nil {
			t.Fatal(err)
		}
		got, err := ReadCSV("rt.csv", &b)
		if err != nil {
			t.Fatalf("%v in\n%s", err, b.String())
		}
		want := withoutLines(rows)
		for i := range want {
			want[i].Time = roundMicro(want[i].Time)
		}
		if !reflect.DeepEqual(withoutLines(got), want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	for _, tt := range []struct {
		t    float64
		want string
	}{
		{0, "0:0"}, {1.05, "1:50"}, {1.5, "1:500"}, {0.004, "0:4"}, {1.9996, "2:0"},
		{0.0005, "0:1"}, {2.0 / 15, "0:133"}, {59.999, "59:999"}, {3600.25, "3600:250"},
		{-1.5, "-1:500"},
	} {
		if got := FormatTimestamp(tt.t); got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}
