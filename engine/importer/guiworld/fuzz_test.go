package guiworld

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzReadCSV(f *testing.F) {
	f.Add(readSample(f, "sample.csv"))
	f.Add([]byte(hdr))
	f.Add([]byte("Timestamp, Timestamp_formated, X, Y, Left Click, Right Click, Key Events\r\n" +
		`1.05, 1:50, 3.0, -4, True, 0, "[ (""keydown"", '\x41\u00e9\\'), ('keyup','\''),]"` + "\r\n"))
	f.Add([]byte(hdr + "0.0669,0:66,0,0,0,0,\n1.9996,1:1000,0,0,false,1.0,[]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadCSV("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].Time < rows[i-1].Time || rows[i].Line <= rows[i-1].Line {
				t.Fatalf("rows %d and %d out of order: %+v, %+v", i-1, i, rows[i-1], rows[i])
			}
		}
		var b bytes.Buffer
		if err := WriteCSV(&b, rows); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		back, err := ReadCSV("rt.csv", bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("re-reading: %v in\n%s", err, b.String())
		}
		if !reflect.DeepEqual(withoutLines(back), withoutLines(rows)) {
			t.Fatalf("re-read\n got  %+v\n want %+v", back, rows)
		}
		// Actions' text follows from the keys, so they survive the CSV.
		acts := Actions(rows)
		if got := Actions(Rows(acts, FPS)); !reflect.DeepEqual(got, acts) {
			t.Fatalf("Actions(Rows(a))\n got  %v\n want %v", got, acts)
		}
	})
}

func FuzzReadActionLog(f *testing.F) {
	f.Add(readSample(f, "sample.jsonl"))
	f.Add(readSample(f, "sample.json"))
	f.Add([]byte(`{"action":"key","key":"ctrl+shift+t a+ ++ F5 pgdn","timestamp":"1.5"}` + "\n" +
		`{"action":"type","text":"A\r\nb é\u0001","coordinate":[5,"6"]}`))
	f.Add([]byte(`[{"action":"left_mouse_down","x":-1,"y":1e6},{"action":"scroll","scroll_direction":"UP","scroll_amount":-2,"timestamp":-1}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		log, err := ReadActionLog("fuzz.jsonl", bytes.NewReader(data))
		if err != nil {
			return
		}
		last, hasLast := 0.0, false
		for i, a := range log {
			if a.Action == "" || a.Line < 1 || i > 0 && a.Line < log[i-1].Line {
				t.Fatalf("action %d: %+v", i, a)
			}
			if a.HasTime {
				if hasLast && a.Time < last {
					t.Fatalf("action %d: time %v after %v", i, a.Time, last)
				}
				if a.Time*FPS > 1e4 {
					return // keep LogActions small
				}
				last, hasLast = a.Time, true
			}
		}
		const w, h = 64, 48
		acts, _, err := LogActions(log, FPS, w, h)
		if err != nil {
			t.Fatalf("LogActions: %v", err)
		}
		for i, a := range acts {
			if a.X < 0 || a.X >= w || a.Y < 0 || a.Y >= h {
				t.Fatalf("action %d off the screen: %v", i, a)
			}
		}
		// The text of key steps follows from the keys, so it survives the CSV.
		want := withoutLost(acts)
		for i := range want {
			if len(want[i].KeyDown) == 0 {
				want[i].Text = ""
			}
		}
		if got := Actions(Rows(acts, FPS)); !reflect.DeepEqual(got, want) {
			t.Fatalf("Actions(Rows(a))\n got  %v\n want %v", got, want)
		}
	})
}
