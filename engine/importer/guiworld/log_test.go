// testdata/sample.jsonl and sample.json are computer-use logs written by
// hand: JSON lines with a blank line, an unknown action and an extra field;
// a pretty-printed array in the style of Anthropic's computer-use tool
// ("coordinate", the key in "text").
package guiworld

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadActionLogSamples(t *testing.T) {
	tests := []struct {
		file string
		want []LogAction
	}{
		{"sample.jsonl", []LogAction{
			{Line: 1, Action: "mouse_move", X: 100, Y: 200, HasXY: true, Time: 0, HasTime: true},
			{Line: 2, Action: "click", X: 120, Y: 210, HasXY: true, Time: 0.5, HasTime: true},
			{Line: 4, Action: "type", Text: "Hi!", Time: 1, HasTime: true},
			{Line: 5, Action: "key", Key: "ctrl+s", Time: 2, HasTime: true},
			{Line: 6, Action: "scroll", X: 2000, Y: -5, HasXY: true, ScrollDirection: "down", ScrollAmount: 3, Time: 2.5, HasTime: true},
			{Line: 7, Action: "right_click", Time: 3, HasTime: true},
			{Line: 8, Action: "zoom", X: 1, Y: 2, HasXY: true, Time: 3.2, HasTime: true},
			{Line: 9, Action: "double_click", X: 50, Y: 60, HasXY: true},
			{Line: 10, Action: "drag", X: 300, Y: 400, HasXY: true, Time: 4, HasTime: true},
			{Line: 11, Action: "wait"},
		}},
		{"sample.json", []LogAction{
			{Line: 2, Action: "left_click", X: 10, Y: 20, HasXY: true, Time: 0.2, HasTime: true},
			{Line: 3, Action: "type", Text: "ok\n"},
			{Line: 4, Action: "key", Text: "Return"},
			{Line: 5, Action: "scroll", ScrollDirection: "up", ScrollAmount: 2},
			{Line: 10, Action: "screenshot"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			log, err := ReadActionLog(tt.file, bytes.NewReader(readSample(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(log, tt.want) {
				t.Errorf("got  %+v\nwant %+v", log, tt.want)
			}
		})
	}
}

func TestReadActionLogLiberal(t *testing.T) {
	tests := []struct {
		name, in string
		want     []LogAction
	}{
		{"empty", "", nil},
		{"empty array", " [ ]\n", nil},
		{"BOM, CRLF, objects over lines", "\uFEFF{\"action\":\"click\"}\r\n{\r\n\"action\": \"wait\"}\r\n",
			[]LogAction{{Line: 1, Action: "click"}, {Line: 2, Action: "wait"}}},
		{"nulls, strings as numbers", `{"action":"click","x":null,"y":null,"coordinate":["12.6",2],"text":null,"timestamp":"1.5"}`,
			[]LogAction{{Line: 1, Action: "click", X: 13, Y: 2, HasXY: true, Time: 1.5, HasTime: true}}},
		{"x and y before coordinate", `{"action":"click","x":3,"y":4,"coordinate":[1,2]}`,
			[]LogAction{{Line: 1, Action: "click", X: 3, Y: 4, HasXY: true}}},
		{"equal times, negative times", `[{"action":"a","timestamp":-1},{"action":"b"},{"action":"c","timestamp":-1}]`,
			[]LogAction{{Line: 1, Action: "a", Time: -1, HasTime: true}, {Line: 1, Action: "b"}, {Line: 1, Action: "c", Time: -1, HasTime: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := ReadActionLog("demo.jsonl", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(log, tt.want) {
				t.Errorf("got  %+v\nwant %+v", log, tt.want)
			}
		})
	}
}

func TestReadActionLogErrors(t *testing.T) {
	const ok = `{"action": "wait"}` + "\n"
	tests := []struct{ name, in, want string }{
		{"syntax", ok + ok + `{"action": "click",}` + "\n", `demo.jsonl:3: invalid character '}' looking for beginning of object key string`},
		{"truncated", ok + `{"action": "click"` + "\n", `demo.jsonl:3: unexpected end of JSON input`},
		{"not an object", ok + "\n[1]\n", `demo.jsonl:3: action is not a JSON object`},
		{"null", "null", `demo.jsonl:1: action is not a JSON object`},
		{"no action", ok + `{"x": 1, "y": 2}`, `demo.jsonl:2: no "action"`},
		{"empty action", `{"action": ""}`, `demo.jsonl:1: no "action"`},
		{"action type", `{"action": 3}`, `demo.jsonl:1: field "action": want a string, got 3`},
		{"text type", `{"action": "type", "text": ["a"]}`, `demo.jsonl:1: field "text": want a string, got ["a"]`},
		{"x type", `{"action": "click", "x": true, "y": 1}`, `demo.jsonl:1: field "x": true is not a number`},
		{"x string", `{"action": "click", "x": "left", "y": 1}`, `demo.jsonl:1: field "x": "left" is not a number`},
		{"x alone", `{"action": "click", "x": 1}`, `demo.jsonl:1: x and y go together: one is missing`},
		{"x range", `{"action": "click", "x": 1e300, "y": 1}`, `demo.jsonl:1: field "x": 1e+300 is out of range`},
		{"coordinate", `{"action": "click", "coordinate": [1]}`, `demo.jsonl:1: field "coordinate": want [x, y], got [1]`},
		{"coordinate type", `{"action": "click", "coordinate": [1, "a"]}`, `demo.jsonl:1: field "coordinate": field "y": "a" is not a number`},
		{"scroll_amount", `{"action": "scroll", "scroll_amount": {}}`, `demo.jsonl:1: field "scroll_amount": {} is not a number`},
		{"timestamp", `{"action": "wait", "timestamp": "noon"}`, `demo.jsonl:1: field "timestamp": "noon" is not a number`},
		{"timestamp NaN", `{"action": "wait", "timestamp": "NaN"}`, `demo.jsonl:1: field "timestamp": "NaN" is not a number`},
		{"decreasing", `{"action": "wait", "timestamp": 2}` + "\n" + ok + `{"action": "wait", "timestamp": 1.5}`, `demo.jsonl:3: timestamp 1.5 is before the previous action's 2`},
		{"array element", "[\n  {\"action\": \"wait\"},\n  {\"action\": \"wait\",\n   \"timestamp\": 1},\n  {\"x\": 1}\n]", `demo.jsonl:5: no "action"`},
		{"array syntax", "[\n  {\"action\": \"wait\"}\n  {\"action\": \"wait\"}\n]", `demo.jsonl:3: expected comma after array element`},
		{"array unclosed", "[\n  {\"action\": \"wait\"},\n", `demo.jsonl:3: unexpected end of JSON input`},
		{"after array", "[]\n\n[]", `demo.jsonl:3: data after the array`},
		{"comma between lines", ok + ",\n" + ok, `demo.jsonl:2: invalid character ',' looking for beginning of value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := ReadActionLog("demo.jsonl", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, log %+v", log)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got  %s\n want %s", err, tt.want)
			}
		})
	}
}
