package term

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Key is one key press a terminal received: its X keysym, the text it
// typed, and the modifiers held.
type Key struct {
	Sym       string
	Text      string
	Ctrl, Alt bool
	Shift     bool
}

// Special keys and the bytes an xterm sends for them (normal cursor mode;
// application cursor mode sends ESC O instead of ESC [ for the arrows,
// Home and End).
var specialKeys = []struct {
	sym, seq string
}{
	{"Return", "\r"}, {"Tab", "\t"}, {"BackSpace", "\x7f"}, {"Escape", "\x1b"},
	{"Up", "\x1b[A"}, {"Down", "\x1b[B"}, {"Right", "\x1b[C"}, {"Left", "\x1b[D"},
	{"Home", "\x1b[H"}, {"End", "\x1b[F"},
	{"Insert", "\x1b[2~"}, {"Delete", "\x1b[3~"}, {"Page_Up", "\x1b[5~"}, {"Page_Down", "\x1b[6~"},
	{"F1", "\x1bOP"}, {"F2", "\x1bOQ"}, {"F3", "\x1bOR"}, {"F4", "\x1bOS"},
	{"F5", "\x1b[15~"}, {"F6", "\x1b[17~"}, {"F7", "\x1b[18~"}, {"F8", "\x1b[19~"},
	{"F9", "\x1b[20~"}, {"F10", "\x1b[21~"}, {"F11", "\x1b[23~"}, {"F12", "\x1b[24~"},
}

// Other spellings of special keys that terminals send.
var specialAliases = []struct{ sym, seq string }{
	{"Return", "\n"}, {"BackSpace", "\b"}, {"KP_Enter", "\x1bOM"},
	{"Up", "\x1bOA"}, {"Down", "\x1bOB"}, {"Right", "\x1bOC"}, {"Left", "\x1bOD"},
	{"Home", "\x1bOH"}, {"End", "\x1bOF"}, {"Home", "\x1b[1~"}, {"End", "\x1b[4~"},
}

// ParseInput splits terminal input bytes into key presses. rest is an
// incomplete escape or UTF-8 sequence at the end, to prepend to the next
// input; Flush it as keys when no more input comes.
func ParseInput(p []byte) (keys []Key, rest []byte) {
	for len(p) > 0 {
		k, n := parseKey(p)
		if n == 0 {
			return keys, p
		}
		keys = append(keys, k)
		p = p[n:]
	}
	return keys, nil
}

// FlushInput reads a held-back tail as keys (a lone ESC is the Escape key).
func FlushInput(rest []byte) []Key {
	var keys []Key
	for len(rest) > 0 {
		k, n := parseKey(rest)
		switch {
		case n > 0:
		case rest[0] == 0x1b: // a lone ESC is the Escape key
			k, n = Key{Sym: "Escape"}, 1
		default: // a cut UTF-8 sequence
			k, n = Key{Sym: "other"}, 1
		}
		keys = append(keys, k)
		rest = rest[n:]
	}
	return keys
}

// parseKey reads the first key of p; n is 0 when p may be the start of a
// longer sequence.
func parseKey(p []byte) (Key, int) {
	if p[0] == 0x1b && len(p) > 1 {
		for _, tab := range [][]struct{ sym, seq string }{specialKeys, specialAliases} {
			for _, s := range tab {
				if len(s.seq) > 1 && bytes.HasPrefix(p, []byte(s.seq)) {
					return Key{Sym: s.sym}, len(s.seq)
				}
			}
		}
		if p[1] == '[' || p[1] == 'O' {
			// An unknown or incomplete CSI/SS3 sequence: it ends with a
			// byte in 0x40..0x7e.
			for i := 2; i < len(p); i++ {
				if p[i] >= 0x40 && p[i] <= 0x7e {
					return Key{Sym: "other"}, i + 1
				}
			}
			if len(p) < 8 {
				return Key{}, 0
			}
			return Key{Sym: "other"}, len(p)
		}
		k, n := parseKey(p[1:]) // Alt+key arrives as ESC key
		if n == 0 {
			return Key{}, 0
		}
		k.Alt = true
		return k, n + 1
	}
	if p[0] == 0x1b {
		return Key{}, 0 // a lone ESC may start a sequence
	}
	for _, tab := range [][]struct{ sym, seq string }{specialKeys, specialAliases} {
		for _, s := range tab {
			if len(s.seq) == 1 && p[0] == s.seq[0] {
				return Key{Sym: s.sym}, 1
			}
		}
	}
	switch c := p[0]; {
	case c == 0:
		return Key{Sym: "space", Ctrl: true}, 1
	case c < 0x20:
		return Key{Sym: string(rune('a' + c - 1)), Ctrl: true}, 1
	}
	if !utf8.FullRune(p) {
		return Key{}, 0
	}
	r, n := utf8.DecodeRune(p)
	sym, shift, ok := action.KeysymOf(r)
	if !ok {
		sym = "other"
	}
	return Key{Sym: sym, Text: string(r), Shift: shift}, n
}

// Action is the trace action of the keys pressed during one frame step:
// each key goes down and up within the step, modifiers around it.
func KeysAction(keys []Key) action.Action {
	var a action.Action
	var text strings.Builder
	for _, k := range keys {
		var mods []string
		if k.Ctrl {
			mods = append(mods, "Control_L")
		}
		if k.Alt {
			mods = append(mods, "Alt_L")
		}
		if k.Shift {
			mods = append(mods, "Shift_L")
		}
		a.KeyDown = append(append(a.KeyDown, mods...), k.Sym)
		a.KeyUp = append(a.KeyUp, k.Sym)
		for _, m := range slices.Backward(mods) {
			a.KeyUp = append(a.KeyUp, m)
		}
		if !k.Ctrl && !k.Alt {
			text.WriteString(k.Text)
		}
	}
	a.Text = text.String()
	return a
}

// InputEncoder turns actions into the bytes a terminal program reads, the
// way xterm encodes keys. It keeps which modifiers are held across steps.
type InputEncoder struct {
	// AppCursor selects application cursor mode (arrows as ESC O A).
	AppCursor bool
	ctrl, alt bool
}

// Encode is the input of one step: typed text, and for keys that type no
// text (Return, arrows, Ctrl+C, ...), their sequences, in the order pressed.
func (e *InputEncoder) Encode(a action.Action) []byte {
	var out []byte
	text := a.Text
	enter := -1 // where the first Enter's sequence starts in out
	for _, sym := range a.KeyDown {
		switch sym {
		case "Control_L", "Control_R":
			e.ctrl = true
			continue
		case "Alt_L", "Alt_R":
			e.alt = true
			continue
		}
		seq := e.keySequence(sym, &text)
		if seq == "" {
			continue
		}
		if (sym == "Return" || sym == "KP_Enter") && enter < 0 {
			enter = len(out)
		}
		if e.alt {
			out = append(out, 0x1b)
		}
		out = append(out, seq...)
	}
	// Text whose keys were not in KeyDown (pasted, or characters a toolkit
	// delivers only as typed runes) was most likely typed before an Enter
	// in the same step: it goes there, else at the end.
	if enter >= 0 {
		out = slices.Insert(out, enter, []byte(text)...)
	} else {
		out = append(out, text...)
	}
	for _, sym := range a.KeyUp {
		switch sym {
		case "Control_L", "Control_R":
			e.ctrl = false
		case "Alt_L", "Alt_R":
			e.alt = false
		}
	}
	return out
}

// keySequence is the bytes for one key; a printable key takes its
// character from the front of text, which it consumes.
func (e *InputEncoder) keySequence(sym string, text *string) string {
	for _, s := range specialKeys {
		if s.sym == sym {
			if e.AppCursor && len(s.seq) == 3 && strings.ContainsRune("ABCDHF", rune(s.seq[2])) {
				return "\x1bO" + s.seq[2:]
			}
			return s.seq
		}
	}
	if sym == "KP_Enter" {
		return "\r"
	}
	if e.ctrl {
		switch {
		case len(sym) == 1 && sym[0] >= 'a' && sym[0] <= 'z':
			return string(rune(sym[0] - 'a' + 1))
		case len(sym) == 1 && sym[0] >= 'A' && sym[0] <= 'Z':
			return string(rune(sym[0] - 'A' + 1))
		case sym == "space":
			return "\x00"
		}
	}
	// A printable key types the next character of the step's text; with
	// Alt held (its text is not recorded) it types its own character.
	r, ok := action.RuneOf(sym)
	if next, n := utf8.DecodeRuneInString(*text); n > 0 && (next == r || !ok && sym == "other") {
		*text = (*text)[n:]
		return string(next)
	}
	if ok && e.alt {
		return string(r)
	}
	return ""
}
