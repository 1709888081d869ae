package guiworld

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Actions turns CSV rows, one per frame, into one action per frame: the
// cursor from X and Y, the buttons from the click columns, KeyDown and
// KeyUp from the key events (downs, then ups, each in file order), and
// Text from the key downs of printable ASCII keysyms (action.KeysymOf),
// upper-cased for letters while Shift is held. Keys pressed with Control,
// Alt, Super, Meta or Hyper held type nothing; Return and Tab are keys, not
// text, as in action.Script; Caps Lock is not followed.
//
// GUIWorld writes a row's events in no particular order, so a modifier
// counts for a row's key downs when it is pressed in that row, or held
// since an earlier row and not released in this one: Shift down and "h"
// down in one row type "H"; Shift up and "i" down in the next type "i".
func Actions(rows []Row) []action.Action {
	acts := make([]action.Action, len(rows))
	kb := newKeyboard()
	for i, row := range rows {
		a := action.Action{X: row.X, Y: row.Y}
		if row.Left {
			a.Buttons |= action.Left
		}
		if row.Right {
			a.Buttons |= action.Right
		}
		for _, k := range row.Keys {
			if k.Down {
				a.KeyDown = append(a.KeyDown, k.Keysym)
			} else {
				a.KeyUp = append(a.KeyUp, k.Keysym)
			}
		}
		a.Text = kb.step(a.KeyDown, a.KeyUp)
		acts[i] = a
	}
	return acts
}

// Rows turns actions into CSV rows for export at fps frames per second
// (positive, else Rows panics): row i at time i/fps, rounded to the
// microsecond; clicks from the buttons; key downs, then key ups. The CSV
// cannot hold the middle button, scrolling, or text other than what the
// keys type (see Actions), so those are lost: Actions(Rows(a, fps)) gives a
// back only for actions without them.
func Rows(actions []action.Action, fps float64) []Row {
	if !(fps > 0) || math.IsInf(fps, 1) {
		panic(fmt.Sprintf("guiworld: Rows at %v fps", fps))
	}
	rows := make([]Row, len(actions))
	for i, a := range actions {
		row := Row{
			Time: roundMicro(float64(i) / fps),
			X:    a.X, Y: a.Y,
			Left: a.Buttons.Has(action.Left), Right: a.Buttons.Has(action.Right),
		}
		for _, k := range a.KeyDown {
			row.Keys = append(row.Keys, KeyEvent{Down: true, Keysym: k})
		}
		for _, k := range a.KeyUp {
			row.Keys = append(row.Keys, KeyEvent{Down: false, Keysym: k})
		}
		rows[i] = row
	}
	return rows
}

// Modifier keys: Shift changes what letters type, the others make key
// presses commands rather than text.
var (
	shiftKeys   = []string{"Shift_L", "Shift_R"}
	commandKeys = []string{"Control_L", "Control_R", "Alt_L", "Alt_R", "Meta_L", "Meta_R", "Super_L", "Super_R", "Hyper_L", "Hyper_R"}
)

// keyboard follows the keys held across steps, to tell what key downs type.
type keyboard struct{ held map[string]bool }

func newKeyboard() *keyboard { return &keyboard{held: map[string]bool{}} }

// step returns the text a step's key downs type, and notes the keys held
// after it (downs happen before ups).
func (k *keyboard) step(down, up []string) string {
	active := func(mods []string) bool {
		for _, m := range mods {
			if slices.Contains(down, m) || k.held[m] && !slices.Contains(up, m) {
				return true
			}
		}
		return false
	}
	shift, command := active(shiftKeys), active(commandKeys)
	for _, s := range down {
		k.held[s] = true
	}
	for _, s := range up {
		delete(k.held, s)
	}
	if command {
		return ""
	}
	var b strings.Builder
	for _, s := range down {
		if r, ok := action.RuneOf(s); ok {
			if shift {
				r = unicode.ToUpper(r) // other keysyms already name the shifted symbol
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LogActions lays a computer-use log out on frames at fps frames per
// second, on a screen of width x height pixels, one action per frame.
//
// An action with a timestamp starts at frame round(timestamp*fps), the
// timestamp taken as seconds since the recording (frame 0) started; one
// without starts right after the previous action's steps. An action never
// starts before the previous one's steps are over: it comes late instead.
// Frames between actions are idle: the cursor and buttons stay. (Time
// passes up to a skipped action's timestamp too.)
//
// Each action takes these steps:
//   - click, left_click, right_click, middle_click: a press step and a
//     release step at x, y (or where the cursor is); double_click and
//     triple_click: two or three clicks;
//   - left_mouse_down, left_mouse_up: one press or release step;
//   - mouse_move: one step moving to x, y; drag, left_click_drag: press
//     Left where the cursor is, move to x, y, release: three steps;
//   - scroll: one step with Scroll = +scroll_amount for up, -scroll_amount
//     for down (an amount of 0, or none, is 1), at x, y;
//   - type: one step per character, keys down and up within the step, with
//     Shift_L for the characters a US keyboard types with Shift, as in
//     action.Script; "\n" (and "\r\n", "\r") is Return and "\t" Tab, with no
//     text; printable characters without a key (é) are a Text-only step,
//     other characters are dropped;
//   - key: xdotool-style combinations separated by spaces ("ctrl+c",
//     "ctrl+shift+t Return"), each a step with its keys down, modifiers
//     first, then a step with them up, in reverse order; common names
//     (ctrl, alt, shift, super/cmd/win, enter, esc, tab, backspace, space,
//     delete, home, end, pageup, up, f5, ...) become X keysyms, single
//     characters their key's keysym, other names stay as written (X
//     keysyms: "Return", "KP_Enter"); the key may also be given in "text",
//     as Anthropic's computer-use tool does;
//   - wait: one idle step; screenshot, cursor_position: no step.
//
// Text comes from the keys as Actions has it, so that a log written out
// with Rows reads back the same. Positions are clamped into the screen;
// the cursor starts at the log's first position, or the screen's center.
//
// skipped counts by name (as written) the actions that make no input:
// unknown ones, scrolls left or right or without a direction, and
// mouse_move, drag, type or key without what they need. err is for a bad
// fps or screen, or a log that spans more than 4194304 frames.
func LogActions(log []LogAction, fps float64, width, height int) (acts []action.Action, skipped map[string]int, err error) {
	if !(fps > 0) || math.IsInf(fps, 1) {
		return nil, nil, fmt.Errorf("guiworld: LogActions at %v fps", fps)
	}
	if width <= 0 || height <= 0 {
		return nil, nil, fmt.Errorf("guiworld: LogActions on a %dx%d screen", width, height)
	}
	l := &layout{w: width, h: height, kb: newKeyboard()}
	l.s.X, l.s.Y = width/2, height/2
	if i := slices.IndexFunc(log, func(a LogAction) bool { return a.HasXY }); i >= 0 {
		l.move(log[i])
	}
	for _, a := range log {
		if a.HasTime {
			f := math.Round(a.Time * fps)
			if f > maxFrames {
				return nil, nil, fmt.Errorf("guiworld: action at line %d: timestamp %v s is frame %.0f, past the limit of %d", a.Line, a.Time, f, maxFrames)
			}
			if f > 0 { // also not NaN
				l.s.Wait(int(f) - len(l.s.Actions))
			}
		}
		ok, err := l.do(a)
		if err == nil && len(l.s.Actions) > maxFrames {
			err = errTooLong
		}
		if err != nil {
			return nil, nil, fmt.Errorf("guiworld: action at line %d: %v", a.Line, err)
		}
		if !ok {
			if skipped == nil {
				skipped = map[string]int{}
			}
			skipped[a.Action]++
		}
	}
	return l.s.Actions, skipped, nil
}

var errTooLong = fmt.Errorf("the log spans more than %d frames", maxFrames)

// layout builds the steps of a log.
type layout struct {
	s    action.Script
	w, h int
	kb   *keyboard
}

// do appends the steps of a; ok is false for an action that makes no input.
func (l *layout) do(a LogAction) (ok bool, err error) {
	switch strings.ToLower(a.Action) {
	case "click", "left_click":
		l.click(a, action.Left, 1)
	case "double_click":
		l.click(a, action.Left, 2)
	case "triple_click":
		l.click(a, action.Left, 3)
	case "right_click":
		l.click(a, action.Right, 1)
	case "middle_click":
		l.click(a, action.Middle, 1)
	case "left_mouse_down":
		l.move(a)
		l.s.Press(action.Left)
	case "left_mouse_up":
		l.move(a)
		l.s.Release(action.Left)
	case "mouse_move":
		if !a.HasXY {
			return false, nil
		}
		l.move(a)
		l.s.Emit(action.Action{})
	case "drag", "left_click_drag":
		if !a.HasXY {
			return false, nil
		}
		l.s.Press(action.Left)
		l.move(a)
		l.s.Emit(action.Action{})
		l.s.Release(action.Left)
	case "scroll":
		return l.scroll(a), nil
	case "type":
		return l.typeText(a.Text)
	case "key":
		key := a.Key
		if key == "" {
			key = a.Text
		}
		return l.keys(key)
	case "wait":
		l.s.Emit(action.Action{})
	case "screenshot", "cursor_position": // they only look
	default:
		return false, nil
	}
	return true, nil
}

// move puts the cursor at a's position, if it has one, within the screen.
func (l *layout) move(a LogAction) {
	if a.HasXY {
		l.s.X, l.s.Y = min(max(a.X, 0), l.w-1), min(max(a.Y, 0), l.h-1)
	}
}

func (l *layout) click(a LogAction, b action.Buttons, n int) {
	l.move(a)
	for range n {
		l.s.Click(b)
	}
}

func (l *layout) scroll(a LogAction) bool {
	n := a.ScrollAmount
	if n == 0 {
		n = 1
	}
	switch strings.ToLower(a.ScrollDirection) {
	case "up":
	case "down":
		n = -n
	default: // our actions have no horizontal scroll
		return false
	}
	l.move(a)
	l.s.Emit(action.Action{Scroll: n})
	return true
}

// room checks that n more steps fit in the limit.
func (l *layout) room(n int) error {
	if len(l.s.Actions)+n > maxFrames {
		return errTooLong
	}
	return nil
}

// keyStep appends a step of key downs and ups with the text they type.
func (l *layout) keyStep(down, up []string) {
	l.s.Emit(action.Action{KeyDown: down, KeyUp: up, Text: l.kb.step(down, up)})
}

// typeText types text one character a step.
func (l *layout) typeText(text string) (bool, error) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if text == "" {
		return false, nil
	}
	if err := l.room(utf8.RuneCountInString(text)); err != nil {
		return false, err
	}
	for _, r := range text {
		sym, shift, ok := action.KeysymOf(r)
		switch {
		case ok && shift:
			l.keyStep([]string{"Shift_L", sym}, []string{sym, "Shift_L"})
		case ok:
			l.keyStep([]string{sym}, []string{sym})
		case unicode.IsPrint(r):
			l.s.Emit(action.Action{Text: string(r)})
		}
	}
	return true, nil
}

// keys presses and releases the key combinations of spec, a step each.
func (l *layout) keys(spec string) (bool, error) {
	var chords [][]string
	for _, f := range strings.Fields(spec) {
		c := chord(f)
		if c == nil {
			return false, nil
		}
		chords = append(chords, c)
	}
	if len(chords) == 0 {
		return false, nil
	}
	if err := l.room(2 * len(chords)); err != nil {
		return false, err
	}
	for _, c := range chords {
		up := slices.Clone(c)
		slices.Reverse(up)
		l.keyStep(c, nil)
		l.keyStep(nil, up)
	}
	return true, nil
}
