package sandbox

import (
	"strings"
	"testing"
)

func TestDefaultSpec(t *testing.T) {
	s := DefaultSpec()
	if len(s.Icons) < 5 {
		t.Fatalf("default spec has %d icons, want at least 5", len(s.Icons))
	}
	kinds := map[string]bool{}
	for _, w := range s.Windows {
		kinds[w.Kind] = true
	}
	for _, k := range []string{KindEditor, KindCalculator, KindClock} {
		if !kinds[k] {
			t.Errorf("default spec has no %s window", k)
		}
	}
	if len(s.Menu) == 0 {
		t.Error("default spec has no menu")
	}
}

// TestSpecErrors checks that each kind of mistake is reported at its line
// and column with a message that names the problem.
func TestSpecErrors(t *testing.T) {
	base := string(DefaultSpecJSON())
	cases := []struct {
		name, old, new string
		want           string // "line:col: message fragment"
	}{
		{"unknown field", `"clock": "09:41:00",`, `"clock": "09:41:00", "colour": "red",`, `:3:24: the spec: unknown field "colour"`},
		{"wrong type", `"width": 128`, `"width": "128"`, `:15:122: windows[0].width: want an integer, got the string "128"`},
		{"missing window", `"opens": "clock"}`, `"opens": "clocks"}`, `:8:80: icons[2].opens: no window "clocks"`},
		{"bad colour", `"color": "#f4d35e"`, `"color": "#f4d35"`, `:6:60: icons[0].color: colour "#f4d35" is not #rrggbb`},
		{"syntax", `"name": "default",`, `"name": "default"`, `:3:3: JSON syntax: invalid character '"' after object key:value pair`},
		{"duplicate id", `{"id": "calc",`, `{"id": "notes",`, `:16:12: windows[1].id: id "notes" is used by an earlier window`},
		{"unknown kind", `"kind": "clock"`, `"kind": "watch"`, `:17:31: windows[2].kind: unknown kind "watch"`},
		{"bad clock", `"09:41:00"`, `"25:00:00"`, `:3:12: clock: time "25:00:00" is not HH:MM:SS`},
		{"menu both", `{"label": "Cascade",    "do": "cascade"}`, `{"label": "Cascade", "do": "cascade", "opens": "calc"}`, `:29:5: menu[2]: a menu item has either "opens" or "do"`},
		{"non-ascii label", `"label": "Notes"`, `"label": "Nötes"`, `:6:15: icons[0].label: character 'ö'`},
		{"trailing", "\n}\n", "\n}\n{}", `:33:1: unexpected data after the top-level object`},
		{"truncated", "\n}\n", "\n", `unexpected end of file`},
		{"null", `"name": "default"`, `"name": null`, `:2:11: name: want a string, got null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(base, c.old, c.new, 1)
			if src == base {
				t.Fatalf("test case does not change the spec: %q not found", c.old)
			}
			_, err := ParseSpec("my.json", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "my.json") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func FuzzParseSpec(f *testing.F) {
	f.Add(DefaultSpecJSON())
	f.Add([]byte(`{"windows": [{"id": "a"}]}`))
	f.Add([]byte(`{"icons": [1, 2], "menu": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("fuzz.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		// Whatever parses must run and render.
		d, err := New(s, Options{Width: 96, Height: 72})
		if err != nil {
			t.Fatal(err)
		}
		for _, ic := range d.Icons() {
			c := ic.Picture.Min
			d.Step(leftDown(c.X, c.Y))
			d.Step(up(c.X, c.Y))
			d.Step(leftDown(c.X, c.Y))
			d.Step(up(c.X, c.Y))
		}
		d.Render(newFrame(d))
	})
}
