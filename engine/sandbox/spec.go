package sandbox

import (
	_ "embed"
	"fmt"
	"image/color"
	"os"
	"slices"
	"strings"
)

// Spec is the declarative description of a sandbox desktop: what is on it and
// what each icon and menu item opens. It is read from JSON (see
// docs/SANDBOX_SPEC.md); DefaultSpec is the one that ships embedded.
//
// Sizes and positions are in base pixels of a 256x192 screen; other screen
// sizes scale them.
type Spec struct {
	Name      string     `json:"name"`
	Wallpaper Wallpaper  `json:"wallpaper"`
	Icons     []Icon     `json:"icons"`
	Windows   []Window   `json:"windows"`
	Menu      []MenuItem `json:"menu"`
	// Clock is the wall-clock time at the first frame, "HH:MM:SS". The
	// desktop's time then advances one frame period per step, so traces are
	// deterministic.
	Clock string `json:"clock"`

	clockStart int // seconds after midnight, parsed from Clock
}

// Wallpaper is a vertical gradient from Top to Bottom, optionally with a
// pattern drawn over it.
type Wallpaper struct {
	Top    string `json:"top"`
	Bottom string `json:"bottom"`
	// Pattern is "", "dots" or "grid".
	Pattern string `json:"pattern"`

	top, bottom color.RGBA
}

// Icon is a desktop icon. Double-clicking it opens the window Opens.
type Icon struct {
	Label string `json:"label"`
	Color string `json:"color"`
	// Picture is the pictogram drawn on the icon: "document", "calculator",
	// "clock", "folder", "note", "terminal" or "star".
	Picture string `json:"picture"`
	Opens   string `json:"opens"`

	color color.RGBA
}

// Window kinds.
const (
	KindEditor     = "editor"     // typed text appears, with a blinking caret
	KindCalculator = "calculator" // a four-function calculator with buttons
	KindCounter    = "counter"    // a number with -, reset and + buttons
	KindClock      = "clock"      // an analogue and digital clock
	KindText       = "text"       // a static text
)

var windowKinds = []string{KindEditor, KindCalculator, KindCounter, KindClock, KindText}

// Window is a window an icon or menu item can open.
type Window struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	// Color is the title bar's colour when the window has focus.
	Color string `json:"color"`
	// Background is the colour of the window's content area.
	Background string `json:"background"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	// X and Y place the window's top-left corner when it opens; when both are
	// 0 it opens in the cascade slot of the number of windows open.
	X int `json:"x"`
	Y int `json:"y"`
	// Text is the initial text of an editor and the content of a text window.
	Text string `json:"text"`

	color, background color.RGBA
}

// MenuItem is an entry of the desktop's right-click menu. It either opens a
// window or does one of the desktop actions.
type MenuItem struct {
	Label string `json:"label"`
	Opens string `json:"opens"`
	// Do is "close-all" (close every window) or "cascade" (stack the open
	// windows from the top-left).
	Do string `json:"do"`
}

var menuActions = []string{"close-all", "cascade"}

var pictures = []string{"document", "calculator", "clock", "folder", "note", "terminal", "star"}

var wallpaperPatterns = []string{"", "dots", "grid"}

// Limits of a spec, so that everything fits on a 256x192 screen.
const (
	maxIcons     = 10
	maxLabel     = 8
	maxTitle     = 24
	maxMenuItems = 8
	maxMenuLabel = 16
	maxText      = 2000
	minWindowW   = 60
	minWindowH   = 40
)

//go:embed default.json
var defaultSpecJSON []byte

// DefaultSpecJSON returns the embedded default spec's source, for users to
// copy and edit.
func DefaultSpecJSON() []byte { return slices.Clone(defaultSpecJSON) }

// DefaultSpec returns the embedded default spec.
func DefaultSpec() *Spec {
	s, err := ParseSpec("default.json", defaultSpecJSON)
	if err != nil {
		panic("sandbox: embedded default spec: " + err.Error())
	}
	return s
}

// LoadSpec reads and checks a spec file.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSpec(path, data)
}

// ParseSpec parses and checks a spec. name is used in errors, which give the
// line and column of the offending value ("my.json:12:14: icons[2].opens: ...").
func ParseSpec(name string, data []byte) (*Spec, error) {
	var s Spec
	pos, err := decodeStrict(data, &s)
	if err != nil {
		return nil, specError(name, data, err)
	}
	if err := s.check(); err != nil {
		return nil, specError(name, data, err.locate(pos))
	}
	return &s, nil
}

// fieldError is a problem with the value at a JSON path such as "icons[2].opens".
type fieldError struct {
	path string
	msg  string
	off  int64 // byte offset of the value, once located
}

func (e *fieldError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// locate finds the offset of e's value, or of its nearest enclosing value
// present in the file.
func (e *fieldError) locate(pos map[string]int64) *fieldError {
	for p := e.path; ; {
		if off, ok := pos[p]; ok {
			e.off = off
			return e
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return e
		}
		p = p[:i]
	}
}

func errAt(path, format string, a ...any) *fieldError {
	return &fieldError{path: path, msg: fmt.Sprintf(format, a...)}
}

// check validates s and fills in its parsed fields.
func (s *Spec) check() *fieldError {
	var err *fieldError
	color := func(path, v string, dst *color.RGBA) {
		if err != nil {
			return
		}
		c, perr := parseColor(v)
		if perr != nil {
			err = errAt(path, "%v", perr)
		}
		*dst = c
	}
	color("wallpaper.top", s.Wallpaper.Top, &s.Wallpaper.top)
	color("wallpaper.bottom", s.Wallpaper.Bottom, &s.Wallpaper.bottom)
	if err != nil {
		return err
	}
	if !slices.Contains(wallpaperPatterns, s.Wallpaper.Pattern) {
		return errAt("wallpaper.pattern", "unknown pattern %q (want one of \"\", dots, grid)", s.Wallpaper.Pattern)
	}
	if len(s.Windows) == 0 {
		return errAt("windows", "a desktop needs at least one window")
	}
	ids := map[string]bool{}
	for i := range s.Windows {
		w := &s.Windows[i]
		p := fmt.Sprintf("windows[%d]", i)
		switch {
		case !isIdent(w.ID):
			return errAt(p+".id", "id %q must be 1 to 24 letters, digits, '-' or '_'", w.ID)
		case ids[w.ID]:
			return errAt(p+".id", "id %q is used by an earlier window", w.ID)
		case !slices.Contains(windowKinds, w.Kind):
			return errAt(p+".kind", "unknown kind %q (want one of %s)", w.Kind, strings.Join(windowKinds, ", "))
		case w.Width < minWindowW || w.Width > 256 || w.Height < minWindowH || w.Height > 192:
			return errAt(p+".width", "size %dx%d is outside %dx%d to 256x192", w.Width, w.Height, minWindowW, minWindowH)
		case w.X < 0 || w.Y < 0 || w.X > 256-24 || w.Y > 192-16:
			return errAt(p+".x", "position (%d, %d) is off the 256x192 screen", w.X, w.Y)
		}
		if e := checkText(p+".title", w.Title, maxTitle, false); e != nil {
			return e
		}
		if e := checkText(p+".text", w.Text, maxText, true); e != nil {
			return e
		}
		ids[w.ID] = true
		color(p+".color", w.Color, &w.color)
		color(p+".background", w.Background, &w.background)
		if err != nil {
			return err
		}
	}
	known := func(path, id string) *fieldError {
		if !ids[id] {
			var all []string
			for _, w := range s.Windows {
				all = append(all, w.ID)
			}
			return errAt(path, "no window %q (windows are: %s)", id, strings.Join(all, ", "))
		}
		return nil
	}
	if len(s.Icons) == 0 || len(s.Icons) > maxIcons {
		return errAt("icons", "a desktop has 1 to %d icons, not %d", maxIcons, len(s.Icons))
	}
	for i := range s.Icons {
		ic := &s.Icons[i]
		p := fmt.Sprintf("icons[%d]", i)
		if e := checkText(p+".label", ic.Label, maxLabel, false); e != nil {
			return e
		}
		if ic.Label == "" {
			return errAt(p+".label", "an icon needs a label")
		}
		if !slices.Contains(pictures, ic.Picture) {
			return errAt(p+".picture", "unknown picture %q (want one of %s)", ic.Picture, strings.Join(pictures, ", "))
		}
		if e := known(p+".opens", ic.Opens); e != nil {
			return e
		}
		color(p+".color", ic.Color, &ic.color)
		if err != nil {
			return err
		}
	}
	if len(s.Menu) > maxMenuItems {
		return errAt("menu", "a menu has at most %d items, not %d", maxMenuItems, len(s.Menu))
	}
	for i, m := range s.Menu {
		p := fmt.Sprintf("menu[%d]", i)
		if e := checkText(p+".label", m.Label, maxMenuLabel, false); e != nil {
			return e
		}
		switch {
		case m.Label == "":
			return errAt(p+".label", "a menu item needs a label")
		case (m.Opens == "") == (m.Do == ""):
			return errAt(p, "a menu item has either \"opens\" or \"do\"")
		case m.Do != "" && !slices.Contains(menuActions, m.Do):
			return errAt(p+".do", "unknown action %q (want one of %s)", m.Do, strings.Join(menuActions, ", "))
		case m.Opens != "":
			if e := known(p+".opens", m.Opens); e != nil {
				return e
			}
		}
	}
	var h, m, sec int
	if n, _ := fmt.Sscanf(s.Clock, "%2d:%2d:%2d", &h, &m, &sec); n != 3 || len(s.Clock) != 8 || h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0 {
		return errAt("clock", "time %q is not HH:MM:SS", s.Clock)
	}
	s.clockStart = h*3600 + m*60 + sec
	return nil
}

// checkText accepts printable ASCII (the desktop's font), newlines where
// multiline, and at most max characters.
func checkText(path, s string, max int, multiline bool) *fieldError {
	if len(s) > max {
		return errAt(path, "%d characters, at most %d fit", len(s), max)
	}
	for i, r := range s {
		if (r < ' ' || r > '~') && !(multiline && r == '\n') {
			return errAt(path, "character %q at %d: only printable ASCII%s is drawn", r, i, map[bool]string{true: " and newlines"}[multiline])
		}
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseColor reads "#rrggbb".
func parseColor(s string) (color.RGBA, error) {
	var r, g, b uint8
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb", s)
	}
	if n, err := fmt.Sscanf(s[1:], "%02x%02x%02x", &r, &g, &b); n != 3 || err != nil {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb", s)
	}
	return color.RGBA{r, g, b, 255}, nil
}

// specError turns a decoding or checking error into "name:line:col: msg".
func specError(name string, data []byte, err error) error {
	off := int64(-1)
	switch e := err.(type) {
	case *fieldError:
		if e.off > 0 || e.path == "" {
			off = e.off
		}
	case *jsonError:
		off = e.off
	}
	if off < 0 {
		return fmt.Errorf("%s: %v", name, err)
	}
	line, col := lineCol(data, off)
	return fmt.Errorf("%s:%d:%d: %v", name, line, col, err)
}

// lineCol turns a byte offset into a 1-based line and column (in characters).
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	line, col = 1, 1
	for _, c := range data[:off] {
		switch {
		case c == '\n':
			line, col = line+1, 1
		case c&0xc0 != 0x80: // not a UTF-8 continuation byte
			col++
		}
	}
	return line, col
}
