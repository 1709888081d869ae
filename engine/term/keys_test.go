package term

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

// TestInputRoundTrip: terminal input bytes read as keys, turned into one
// action per key and encoded again, give back the same bytes.
func TestInputRoundTrip(t *testing.T) {
	inputs := []string{
		"ls -la\r",
		"python3 -c \"print(23+58)\"\r",
		"\x1b[A\x1b[B\x1b[C\x1b[D\x7f\t",
		"\x03\x04\x1a",         // Ctrl+C, Ctrl+D, Ctrl+Z
		"\x1bb\x1bf",           // Alt+b, Alt+f (readline word moves)
		"\x1b[3~\x1b[5~\x1bOP", // Delete, Page_Up, F1
		"héllo €",
		"\x1b",
	}
	for _, in := range inputs {
		keys, rest := ParseInput([]byte(in))
		keys = append(keys, FlushInput(rest)...)
		var enc InputEncoder
		var out []byte
		for _, k := range keys {
			out = append(out, enc.Encode(KeysAction([]Key{k}))...)
		}
		if !bytes.Equal(out, []byte(in)) {
			t.Errorf("%q: keys %+v encode to %q", in, keys, out)
		}
		// All keys of one step encode the same.
		var enc2 InputEncoder
		if out := enc2.Encode(KeysAction(keys)); !bytes.Equal(out, []byte(in)) {
			t.Errorf("%q in one step: %q", in, out)
		}
	}
}

func TestParseInputKeys(t *testing.T) {
	keys, rest := ParseInput([]byte("A\x03\x1b[1"))
	if len(rest) != 3 || len(keys) != 2 {
		t.Fatalf("keys %+v rest %q", keys, rest)
	}
	a := KeysAction(keys)
	if a.Text != "A" || !slices.Equal(a.KeyDown, []string{"Shift_L", "A", "Control_L", "c"}) ||
		!slices.Equal(a.KeyUp, []string{"A", "Shift_L", "c", "Control_L"}) {
		t.Errorf("action %+v", a)
	}
	keys, rest = ParseInput(append(rest, '~'))
	if len(rest) != 0 || len(keys) != 1 || keys[0].Sym != "Home" {
		t.Errorf("continued: keys %+v rest %q", keys, rest)
	}
}

func TestEncodeAppCursor(t *testing.T) {
	e := InputEncoder{AppCursor: true}
	if got := e.Encode(KeysAction([]Key{{Sym: "Up"}, {Sym: "Return"}})); string(got) != "\x1bOA\r" {
		t.Errorf("got %q", got)
	}
}

// Text without key events in the same step as an Enter (a character a
// toolkit delivers only as a typed rune, typed just before Return) goes
// before the Enter, not after it.
func TestEncodeTextBeforeEnter(t *testing.T) {
	var e InputEncoder
	got := string(e.Encode(action.Action{KeyDown: []string{"Return"}, KeyUp: []string{"Return"}, Text: ")"}))
	if got != ")\r" {
		t.Errorf("Encode = %q, want %q", got, ")\r")
	}
	if got := string(e.Encode(action.Action{KeyDown: []string{"Left"}, Text: "x"})); got != "\x1b[Dx" {
		t.Errorf("Encode without Enter = %q, want %q", got, "\x1b[Dx")
	}
}
