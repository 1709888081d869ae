package sandbox

import (
	"math"
	"strconv"
	"strings"
)

// The logic of the windows' little programs, apart from drawing.

// calcKeys is the calculator's keypad, row by row.
var calcKeys = [4][4]string{
	{"7", "8", "9", "/"},
	{"4", "5", "6", "*"},
	{"1", "2", "3", "-"},
	{"C", "0", "=", "+"},
}

// counterKeys is the counter's row of buttons.
var counterKeys = [3]string{"-", "0", "+"}

// calculator is a four-function pocket calculator: an accumulator, a pending
// operator and the number being entered.
type calculator struct {
	acc     float64
	op      string // pending operator, "" for none
	entry   string // digits typed since the last operator
	display string
	err     bool
}

const calcDigits = 10

func (c *calculator) shown() string {
	switch {
	case c.err:
		return "Error"
	case c.display == "":
		return "0"
	}
	return c.display
}

// press applies one key of calcKeys.
func (c *calculator) press(key string) {
	if c.err && key != "C" {
		return
	}
	switch key {
	case "C":
		*c = calculator{}
	case "+", "-", "*", "/":
		if c.entry != "" {
			c.apply()
		}
		c.op = key
	case "=":
		if c.entry != "" {
			c.apply()
		}
		c.op = "="
	default: // a digit
		if c.op == "=" { // a digit after = starts afresh
			*c = calculator{}
		}
		if c.entry == "0" {
			c.entry = ""
		}
		if len(c.entry) < calcDigits {
			c.entry += key
		}
		c.display = c.entry
	}
}

// backspace removes the last digit being entered.
func (c *calculator) backspace() {
	if c.entry != "" && !c.err {
		c.entry = c.entry[:len(c.entry)-1]
		c.display = c.entry
	}
}

// apply folds the entry into the accumulator with the pending operator.
func (c *calculator) apply() {
	v, _ := strconv.ParseFloat(c.entry, 64)
	switch c.op {
	case "+":
		v = c.acc + v
	case "-":
		v = c.acc - v
	case "*":
		v = c.acc * v
	case "/":
		if v == 0 {
			c.err = true
			return
		}
		v = c.acc / v
	}
	c.acc, c.entry = v, ""
	c.display = formatNumber(v)
	if c.display == "" {
		c.err = true
	}
}

// formatNumber writes v in at most calcDigits+2 characters, or "" when it
// does not fit.
func formatNumber(v float64) string {
	if math.IsNaN(v) || math.Abs(v) >= 1e10 {
		return ""
	}
	for prec := calcDigits; prec > 0; prec-- {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if strings.Contains(s, ".") {
			s = strconv.FormatFloat(v, 'f', prec, 64)
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		if s == "-0" {
			s = "0"
		}
		if len(s) <= calcDigits+2 {
			return s
		}
	}
	return ""
}

// editor is the text of an editor window; the caret is always at the end.
type editor struct {
	text   []byte
	scroll int // lines scrolled up from the bottom
}

const maxEditorText = 4000

func (e *editor) insert(s string) {
	for _, r := range s {
		if (r >= ' ' && r <= '~' || r == '\n') && len(e.text) < maxEditorText {
			e.text = append(e.text, byte(r))
		}
	}
	e.scroll = 0
}

func (e *editor) backspace() {
	if n := len(e.text); n > 0 {
		e.text = e.text[:n-1]
	}
	e.scroll = 0
}

// wrap breaks text into lines of at most cols characters: at newlines, and
// at the last space before the limit when there is one.
func wrap(text []byte, cols int) []string {
	cols = max(cols, 1)
	var lines []string
	for _, para := range strings.Split(string(text), "\n") {
		for len(para) > cols {
			cut := strings.LastIndexByte(para[:cols+1], ' ')
			if cut <= 0 {
				lines, para = append(lines, para[:cols]), para[cols:]
				continue
			}
			lines, para = append(lines, para[:cut]), para[cut+1:]
		}
		lines = append(lines, para)
	}
	return lines
}
