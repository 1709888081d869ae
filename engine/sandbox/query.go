package sandbox

import (
	"fmt"
	"image"
)

// What agents, tests and the studio can ask of a desktop. Rectangles are in
// frame pixels.

// IconInfo describes one desktop icon.
type IconInfo struct {
	Label    string
	Opens    string // the window id it opens
	Picture  image.Rectangle
	LabelBox image.Rectangle
	Selected bool
}

// WindowInfo describes one open window.
type WindowInfo struct {
	ID, Kind, Title string
	Rect            image.Rectangle // the whole window
	TitleBar        image.Rectangle
	CloseBox        image.Rectangle
	Content         image.Rectangle
	Focused         bool
	// Text is an editor's or text window's text; Display is a calculator's
	// or counter's display.
	Text    string
	Display string
}

// MenuInfo describes the right-click menu.
type MenuInfo struct {
	Open  bool
	Rect  image.Rectangle
	Items []image.Rectangle // one per spec menu item
	Hover int               // the item under the cursor, -1 for none
}

// Icons lists the desktop's icons in spec order.
func (d *Desktop) Icons() []IconInfo {
	out := make([]IconInfo, len(d.icons))
	for i, ic := range d.spec.Icons {
		pic, label := d.iconParts(i)
		out[i] = IconInfo{Label: ic.Label, Opens: ic.Opens, Picture: d.toFrame(pic), LabelBox: d.toFrame(label), Selected: i == d.selected}
	}
	return out
}

// Windows lists the open windows from the bottom of the stack to the top.
func (d *Desktop) Windows() []WindowInfo {
	out := make([]WindowInfo, len(d.windows))
	for i, w := range d.windows {
		out[i] = d.windowInfo(w)
	}
	return out
}

// Window describes the open window with the given id.
func (d *Desktop) Window(id string) (WindowInfo, bool) {
	for _, w := range d.windows {
		if w.spec.ID == id {
			return d.windowInfo(w), true
		}
	}
	return WindowInfo{}, false
}

func (d *Desktop) windowInfo(w *window) WindowInfo {
	info := WindowInfo{
		ID: w.spec.ID, Kind: w.spec.Kind, Title: w.spec.Title,
		Rect: d.toFrame(w.rect), TitleBar: d.toFrame(d.titleBar(w)), CloseBox: d.toFrame(d.closeBox(w)),
		Content: d.toFrame(d.content(w)), Focused: w == d.focus,
	}
	switch w.spec.Kind {
	case KindEditor, KindText:
		info.Text = string(w.ed.text)
	case KindCalculator:
		info.Display = w.calc.shown()
	case KindCounter:
		info.Display = fmt.Sprint(w.n)
	}
	return info
}

// Key is a calculator or counter button.
type Key struct {
	Label string
	Rect  image.Rectangle
}

// Keys lists the buttons of an open calculator or counter, row by row; nil
// for other windows.
func (d *Desktop) Keys(id string) []Key {
	for _, w := range d.windows {
		if w.spec.ID == id {
			_, labels, rects := d.keypad(w)
			var keys []Key
			for i, l := range labels {
				keys = append(keys, Key{l, d.toFrame(rects[i])})
			}
			return keys
		}
	}
	return nil
}

// Menu describes the right-click menu.
func (d *Desktop) Menu() MenuInfo {
	if d.menu == nil {
		return MenuInfo{Hover: -1}
	}
	m := MenuInfo{Open: true, Rect: d.toFrame(d.menu.rect), Hover: d.menu.hover}
	for i := range d.spec.Menu {
		m.Items = append(m.Items, d.toFrame(d.menuItem(i)))
	}
	return m
}

// TargetKind says what a left press at a point would hit.
type TargetKind int

const (
	OnDesktop TargetKind = iota
	OnIcon
	OnTitleBar
	OnCloseBox
	OnContent // a window's content, away from its buttons
	OnKey     // a calculator or counter button
	OnMenuItem
	OnMenu // the menu's border
)

// Target is what is under a frame pixel.
type Target struct {
	Kind   TargetKind
	Window string // for window targets
	Index  int    // icon or menu item index
	Key    string // for OnKey
}

// Hit reports what a left press at frame pixel (x, y) would hit, taking
// stacking into account: agents use it to aim at visible parts only.
func (d *Desktop) Hit(x, y int) Target {
	p := d.toInternal(x, y)
	if d.menu != nil && p.In(d.menu.rect) {
		if i := d.menuItemAt(p); i >= 0 {
			return Target{Kind: OnMenuItem, Index: i}
		}
		return Target{Kind: OnMenu}
	}
	if w := d.windowAt(p); w != nil {
		t := Target{Kind: OnContent, Window: w.spec.ID}
		switch {
		case p.In(d.closeBox(w)):
			t.Kind = OnCloseBox
		case p.In(d.titleBar(w)):
			t.Kind = OnTitleBar
		default:
			if k, ok := d.keyAt(w, p); ok {
				t.Kind, t.Key = OnKey, k
			}
		}
		return t
	}
	if i := d.iconAt(p); i >= 0 {
		return Target{Kind: OnIcon, Index: i}
	}
	return Target{Kind: OnDesktop}
}
