package guiworld

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

func at(x, y int, b action.Buttons) action.Action { return action.Action{X: x, Y: y, Buttons: b} }

// keys is a with key downs, ups and text.
func keys(a action.Action, down, up []string, text string) action.Action {
	a.KeyDown, a.KeyUp, a.Text = down, up, text
	return a
}

func repeat(n int, a action.Action) []action.Action {
	out := make([]action.Action, n)
	for i := range out {
		out[i] = a
	}
	return out
}

func TestActionsSample(t *testing.T) {
	rows, err := ReadCSV("sample.csv", bytes.NewReader(readSample(t, "sample.csv")))
	if err != nil {
		t.Fatal(err)
	}
	p := at(520, 376, 0)
	want := []action.Action{
		at(512, 384, 0),
		at(515, 380, 0),
		at(520, 376, action.Left),
		p,
		keys(p, []string{"Shift_L", "h"}, nil, "H"),
		keys(p, []string{"i"}, []string{"h", "Shift_L"}, "i"),
		keys(p, []string{"'"}, []string{"i"}, ""), // "'" is no keysym: the key is "apostrophe"
		keys(p, []string{"Return"}, []string{"'"}, ""),
		keys(at(600, 300, action.Right), nil, []string{"Return"}, ""),
		at(600, 300, 0),
	}
	if got := Actions(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestActionsText(t *testing.T) {
	ev := func(s string) []KeyEvent { // "+a -b" is a down, b up
		var k []KeyEvent
		for _, f := range strings.Fields(s) {
			k = append(k, KeyEvent{Down: f[0] == '+', Keysym: f[1:]})
		}
		return k
	}
	tests := []struct {
		name string
		rows []string
		want []string
	}{
		{"letters, digits, symbols", []string{"+a -a +1 +exclam +space +A", "+Return +Tab +BackSpace +comma"}, []string{"a1! A", ","}},
		{"shift held across rows", []string{"+Shift_R", "+a +b", "-a -b +c", "-Shift_R -c +d"}, []string{"", "AB", "C", "d"}},
		{"shift up with a letter down, in any order", []string{"+Shift_L +h", "+i -Shift_L -h"}, []string{"H", "i"}},
		{"shift tapped in the row", []string{"-a +a +Shift_L -Shift_L", "+a"}, []string{"A", "a"}},
		{"shift does not change symbols", []string{"+Shift_L +1 +minus +bracketleft"}, []string{"1-["}},
		{"commands type nothing", []string{"+Control_L +c", "-c +v", "-v -Control_L +Alt_R +x", "-Alt_R +x", "+Super_L +e -Super_L"}, []string{"", "", "", "x", ""}},
		{"other keysyms", []string{"+eacute +apostrophe +' +KP_1 +"}, []string{"'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows []Row
			for _, r := range tt.rows {
				rows = append(rows, Row{Keys: ev(r)})
			}
			var got []string
			for _, a := range Actions(rows) {
				got = append(got, a.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// script is actions as our recorders and agents make them.
func script() []action.Action {
	var s action.Script
	s.MoveTo(100, 50, 3)
	s.Click(action.Left)
	s.Type("Hello, World!\n~ok\t")
	s.Press(action.Right | action.Left)
	s.Key("ctrl+c") // a keysym no one sends, kept as it is
	s.Release(action.Right)
	s.Emit(action.Action{KeyDown: []string{"Control_L", "a"}})
	s.Emit(action.Action{KeyUp: []string{"a", "Control_L"}})
	s.Emit(action.Action{KeyDown: []string{"Shift_L", "A"}, KeyUp: []string{"A", "Shift_L"}, Text: "A"}) // as term.KeysAction
	s.Emit(action.Action{KeyDown: []string{"space", "x", "Shift_R"}, KeyUp: []string{"Shift_R"}, Text: " X"})
	return s.Actions
}

func TestRowsActionsRoundTrip(t *testing.T) {
	acts := script()
	rows := Rows(acts, 15)
	if got := Actions(rows); !reflect.DeepEqual(got, acts) {
		t.Fatalf("got  %v\nwant %v", got, acts)
	}
	// And through the file.
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV("rt.csv", &b)
	if err != nil {
		t.Fatal(err)
	}
	if got := Actions(back); !reflect.DeepEqual(got, acts) {
		t.Errorf("through the file: got  %v\nwant %v", got, acts)
	}
	if rows[1].Time != 0.066667 || rows[15].Time != 1 || rows[3].Left != true || rows[3].Right {
		t.Errorf("rows %+v", rows[:4])
	}
}

func TestRowsLoses(t *testing.T) {
	acts := []action.Action{
		{X: 1, Y: 2, Buttons: action.Middle | action.Right, Scroll: 3},
		{KeyDown: []string{"a"}, Text: "é"},
	}
	want := []action.Action{
		{X: 1, Y: 2, Buttons: action.Right},
		{KeyDown: []string{"a"}, Text: "a"},
	}
	if got := Actions(Rows(acts, 30)); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestLogActionsSamples(t *testing.T) {
	shift := func(k, text string) action.Action {
		return keys(at(120, 210, 0), []string{"Shift_L", k}, []string{k, "Shift_L"}, text)
	}
	var jsonl []action.Action
	for _, part := range [][]action.Action{
		repeat(8, at(100, 200, 0)),  // 0 mouse_move, then idle until 0.5 s
		{at(120, 210, action.Left)}, // 8 click
		repeat(6, at(120, 210, 0)),  // 9 release, idle until 1 s
		{shift("H", "H")},           // 15 type "Hi!"
		{keys(at(120, 210, 0), []string{"i"}, []string{"i"}, "i")},
		{shift("exclam", "!")},
		repeat(12, at(120, 210, 0)),                                  // 18 idle until 2 s
		{keys(at(120, 210, 0), []string{"Control_L", "s"}, nil, "")}, // 30 ctrl+s
		{keys(at(120, 210, 0), nil, []string{"s", "Control_L"}, "")},
		repeat(6, at(120, 210, 0)),    // 32 idle until 2.5 s (frame 37.5, rounded up)
		{{X: 1023, Y: 0, Scroll: -3}}, // 38 scroll down 3, clamped
		repeat(6, at(1023, 0, 0)),     // 39 idle until 3 s
		{at(1023, 0, action.Right)},   // 45 right_click
		{at(1023, 0, 0)},
		{at(1023, 0, 0)},                                                      // 47 idle until 3.2 s; zoom is skipped
		{at(50, 60, action.Left), at(50, 60, 0), at(50, 60, action.Left)},     // 48 double_click, no timestamp
		repeat(9, at(50, 60, 0)),                                              // 51 idle until 4 s
		{at(50, 60, action.Left), at(300, 400, action.Left), at(300, 400, 0)}, // 60 drag
		{at(300, 400, 0)},                                                     // 63 wait
	} {
		jsonl = append(jsonl, part...)
	}
	p := at(10, 20, 0)
	tests := []struct {
		file    string
		want    []action.Action
		skipped map[string]int
	}{
		{"sample.jsonl", jsonl, map[string]int{"zoom": 1}},
		{"sample.json", []action.Action{
			p, p, p, at(10, 20, action.Left), p, // click at 0.2 s: frame 3
			keys(p, []string{"o"}, []string{"o"}, "o"),
			keys(p, []string{"k"}, []string{"k"}, "k"),
			keys(p, []string{"Return"}, []string{"Return"}, ""),
			keys(p, []string{"Return"}, nil, ""),
			keys(p, nil, []string{"Return"}, ""),
			{X: 10, Y: 20, Scroll: 2},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			log, err := ReadActionLog(tt.file, bytes.NewReader(readSample(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			acts, skipped, err := LogActions(log, 15, 1024, 768)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(skipped, tt.skipped) {
				t.Errorf("skipped %v, want %v", skipped, tt.skipped)
			}
			if len(acts) != len(tt.want) {
				t.Errorf("%d actions, want %d", len(acts), len(tt.want))
			}
			for i := range min(len(acts), len(tt.want)) {
				if !reflect.DeepEqual(acts[i], tt.want[i]) {
					t.Errorf("action %d: %v, want %v", i, acts[i], tt.want[i])
				}
			}
			// What a log types reads back the same through the CSV.
			if back := Actions(Rows(acts, 15)); !reflect.DeepEqual(withoutLost(back), withoutLost(acts)) {
				t.Errorf("through Rows:\n got  %v\n want %v", back, acts)
			}
		})
	}
}

// withoutLost clears what the CSV cannot hold.
func withoutLost(acts []action.Action) []action.Action {
	out := make([]action.Action, len(acts))
	for i, a := range acts {
		a.Buttons &^= action.Middle
		a.Scroll = 0
		out[i] = a
	}
	return out
}

func TestLogActionsKinds(t *testing.T) {
	p := at(512, 384, 0)
	tests := []struct {
		name    string
		log     []LogAction
		want    []action.Action
		skipped map[string]int
	}{
		{"key names", []LogAction{{Action: "KEY", Key: "Ctrl+Shift+T  alt+F4 super cmd+plus ctrl++ Page_Down pgdn esc enter backspace"}}, []action.Action{
			keys(p, []string{"Control_L", "Shift_L", "T"}, nil, ""), keys(p, nil, []string{"T", "Shift_L", "Control_L"}, ""),
			keys(p, []string{"Alt_L", "F4"}, nil, ""), keys(p, nil, []string{"F4", "Alt_L"}, ""),
			keys(p, []string{"Super_L"}, nil, ""), keys(p, nil, []string{"Super_L"}, ""),
			keys(p, []string{"Super_L", "plus"}, nil, ""), keys(p, nil, []string{"plus", "Super_L"}, ""),
			keys(p, []string{"Control_L", "plus"}, nil, ""), keys(p, nil, []string{"plus", "Control_L"}, ""),
			keys(p, []string{"Page_Down"}, nil, ""), keys(p, nil, []string{"Page_Down"}, ""),
			keys(p, []string{"Page_Down"}, nil, ""), keys(p, nil, []string{"Page_Down"}, ""),
			keys(p, []string{"Escape"}, nil, ""), keys(p, nil, []string{"Escape"}, ""),
			keys(p, []string{"Return"}, nil, ""), keys(p, nil, []string{"Return"}, ""),
			keys(p, []string{"BackSpace"}, nil, ""), keys(p, nil, []string{"BackSpace"}, ""),
		}, nil},
		{"keys that type", []LogAction{{Action: "key", Key: "a shift+b ?"}}, []action.Action{
			keys(p, []string{"a"}, nil, "a"), keys(p, nil, []string{"a"}, ""),
			keys(p, []string{"Shift_L", "b"}, nil, "B"), keys(p, nil, []string{"b", "Shift_L"}, ""),
			keys(p, []string{"question"}, nil, "?"), keys(p, nil, []string{"question"}, ""),
		}, nil},
		{"type", []LogAction{{Action: "type", Text: "a\r\nB é\x01\t"}}, []action.Action{
			keys(p, []string{"a"}, []string{"a"}, "a"),
			keys(p, []string{"Return"}, []string{"Return"}, ""),
			keys(p, []string{"Shift_L", "B"}, []string{"B", "Shift_L"}, "B"),
			keys(p, []string{"space"}, []string{"space"}, " "),
			{X: 512, Y: 384, Text: "é"},
			keys(p, []string{"Tab"}, []string{"Tab"}, ""),
		}, nil},
		{"buttons", []LogAction{
			{Action: "middle_click", X: -5, Y: 9999, HasXY: true},
			{Action: "triple_click"},
			{Action: "left_mouse_down", X: 5, Y: 6, HasXY: true},
			{Action: "mouse_move", X: 7, Y: 8, HasXY: true},
			{Action: "left_mouse_up"},
			{Action: "left_click_drag", X: 9, Y: 10, HasXY: true},
		}, []action.Action{
			at(0, 767, action.Middle), at(0, 767, 0),
			at(0, 767, action.Left), at(0, 767, 0), at(0, 767, action.Left), at(0, 767, 0), at(0, 767, action.Left), at(0, 767, 0),
			at(5, 6, action.Left), at(7, 8, action.Left), at(7, 8, 0),
			at(7, 8, action.Left), at(9, 10, action.Left), at(9, 10, 0),
		}, nil},
		{"scroll", []LogAction{
			{Action: "scroll", ScrollDirection: "UP"},
			{Action: "scroll", ScrollDirection: "down", ScrollAmount: 5},
			{Action: "scroll", ScrollDirection: "left", ScrollAmount: 5},
			{Action: "scroll"},
		}, []action.Action{{X: 512, Y: 384, Scroll: 1}, {X: 512, Y: 384, Scroll: -5}}, map[string]int{"scroll": 2}},
		{"skipped", []LogAction{
			{Action: "mouse_move"}, {Action: "drag"}, {Action: "type"}, {Action: "key", Key: " "},
			{Action: "key", Key: "ctrl+"}, {Action: "hover"}, {Action: "hover"}, {Action: "screenshot"},
		}, nil, map[string]int{"mouse_move": 1, "drag": 1, "type": 1, "key": 2, "hover": 2}},
		{"late and early", []LogAction{
			{Action: "type", Text: "abc", Time: 0, HasTime: true},
			{Action: "click", Time: 0.1, HasTime: true}, // frame 2, after the typing
			{Action: "wait", Time: -3, HasTime: true},
		}, []action.Action{
			keys(p, []string{"a"}, []string{"a"}, "a"),
			keys(p, []string{"b"}, []string{"b"}, "b"),
			keys(p, []string{"c"}, []string{"c"}, "c"),
			at(512, 384, action.Left), p, p,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, skipped, err := LogActions(tt.log, 15, 1024, 768)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(acts, tt.want) {
				t.Errorf("got  %v\nwant %v", acts, tt.want)
			}
			if !reflect.DeepEqual(skipped, tt.skipped) {
				t.Errorf("skipped %v, want %v", skipped, tt.skipped)
			}
		})
	}
}

func TestLogActionsErrors(t *testing.T) {
	tests := []struct {
		name          string
		log           []LogAction
		fps           float64
		width, height int
		want          string
	}{
		{"fps", nil, 0, 10, 10, "guiworld: LogActions at 0 fps"},
		{"screen", nil, 15, 0, 10, "guiworld: LogActions on a 0x10 screen"},
		{"epoch time", []LogAction{{Line: 4, Action: "wait", Time: 1.7e9, HasTime: true}}, 15, 10, 10,
			"guiworld: action at line 4: timestamp 1.7e+09 s is frame 25500000000, past the limit of 4194304"},
		{"long text", []LogAction{{Line: 2, Action: "wait"}, {Line: 3, Action: "type", Text: strings.Repeat("a", maxFrames)}}, 15, 10, 10,
			"guiworld: action at line 3: the log spans more than 4194304 frames"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LogActions(tt.log, tt.fps, tt.width, tt.height)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got  %v\n want %s", err, tt.want)
			}
		})
	}
}
