package guiworld

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseKeyEvents reads a Key Events field: a Python list literal of
// ('keydown'|'keyup', keysym) tuples. Errors give byte offsets into s.
func parseKeyEvents(s string) ([]KeyEvent, error) {
	p := &pyParser{s: s}
	p.space()
	if p.done() {
		return nil, nil // an empty field: no events
	}
	if !p.accept('[') {
		return nil, p.expected("[")
	}
	var events []KeyEvent
	for {
		p.space()
		if p.accept(']') {
			break
		}
		ev, err := p.event()
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
		p.space()
		if p.accept(',') {
			continue
		}
		if !p.accept(']') {
			return nil, p.expected(", or ]")
		}
		break
	}
	p.space()
	if !p.done() {
		return nil, p.expected("end after ]")
	}
	return events, nil
}

// pyParser reads Python literals from s; i is the next byte.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) done() bool { return p.i >= len(p.s) }

// space skips spaces, tabs and line breaks.
func (p *pyParser) space() {
	for !p.done() && strings.IndexByte(" \t\r\n\f\v", p.s[p.i]) >= 0 {
		p.i++
	}
}

// accept consumes c if it is next.
func (p *pyParser) accept(c byte) bool {
	if !p.done() && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) expected(what string) error {
	return fmt.Errorf("expected %s at byte %d of %q", what, p.i, p.s)
}

// event reads one ('keydown'|'keyup', keysym) tuple.
func (p *pyParser) event() (KeyEvent, error) {
	if !p.accept('(') {
		return KeyEvent{}, p.expected("(")
	}
	p.space()
	at := p.i
	kind, err := p.str()
	if err != nil {
		return KeyEvent{}, err
	}
	p.space()
	if !p.accept(',') {
		return KeyEvent{}, p.expected(",")
	}
	p.space()
	sym, err := p.str()
	if err != nil {
		return KeyEvent{}, err
	}
	p.space()
	if p.accept(',') {
		p.space()
	}
	if !p.accept(')') {
		return KeyEvent{}, p.expected(")")
	}
	switch strings.ToLower(kind) {
	case "keydown":
		return KeyEvent{Down: true, Keysym: sym}, nil
	case "keyup":
		return KeyEvent{Down: false, Keysym: sym}, nil
	}
	return KeyEvent{}, fmt.Errorf("event %q at byte %d of %q is not keydown or keyup", kind, at, p.s)
}

// str reads a quoted string with Python's escapes.
func (p *pyParser) str() (string, error) {
	start := p.i
	if p.done() || p.s[p.i] != '\'' && p.s[p.i] != '"' {
		return "", p.expected("a quoted string")
	}
	quote := p.s[p.i]
	p.i++
	var b strings.Builder
	for {
		if p.done() {
			return "", fmt.Errorf("string at byte %d of %q has no end", start, p.s)
		}
		switch c := p.s[p.i]; c {
		case quote:
			p.i++
			if !utf8.ValidString(b.String()) {
				return "", fmt.Errorf("string at byte %d of %q is not valid UTF-8", start, p.s)
			}
			return b.String(), nil
		case '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// simpleEscapes are Python's one-letter string escapes.
var simpleEscapes = map[byte]string{
	'\\': `\`, '\'': `'`, '"': `"`, '\n': "", // backslash-newline continues the line
	'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
}

// hexDigits is how many hex digits Python's \x, \u and \U take.
var hexDigits = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// escape reads the escape sequence at p.i (a backslash) into b.
func (p *pyParser) escape(b *strings.Builder) error {
	at := p.i
	p.i++
	if p.done() {
		return fmt.Errorf("string escape at byte %d of %q has no end", at, p.s)
	}
	c := p.s[p.i]
	p.i++
	if s, ok := simpleEscapes[c]; ok {
		b.WriteString(s)
		return nil
	}
	var r rune
	switch c {
	case '0', '1', '2', '3', '4', '5', '6', '7': // up to three octal digits
		r = rune(c - '0')
		for n := 1; n < 3 && !p.done() && p.s[p.i] >= '0' && p.s[p.i] <= '7'; n++ {
			r = r*8 + rune(p.s[p.i]-'0')
			p.i++
		}
	case 'x', 'u', 'U': // exactly 2, 4 or 8 hex digits
		n := hexDigits[c]
		if p.i+n > len(p.s) {
			return fmt.Errorf("bad \\%c escape at byte %d of %q", c, at, p.s)
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil {
			return fmt.Errorf("bad \\%c escape at byte %d of %q", c, at, p.s)
		}
		p.i += n
		r = rune(v)
	default: // Python keeps unknown escapes as they are
		b.WriteByte('\\')
		b.WriteByte(c)
		return nil
	}
	if !utf8.ValidRune(r) {
		return fmt.Errorf("escape at byte %d of %q is not a character", at, p.s)
	}
	b.WriteRune(r)
	return nil
}

// formatKeyEvents writes a Key Events field the way Python writes a list
// of tuples of strings, always with single quotes.
func formatKeyEvents(events []KeyEvent) (string, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, ev := range events {
		if err := validKeysym(ev.Keysym); err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		kind := "keyup"
		if ev.Down {
			kind = "keydown"
		}
		fmt.Fprintf(&b, "('%s', %s)", kind, pyQuote(ev.Keysym))
	}
	b.WriteByte(']')
	return b.String(), nil
}

// pyQuote writes s as a single-quoted Python string literal, escaping
// quotes, backslashes and characters that do not print, as repr does.
func pyQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
