package x11

import (
	"fmt"
	"image"

	"github.com/jezek/xgb/xproto"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
)

// Driver performs an agent's actions on a display through XTest, as the
// Input of a recording: each step it asks the agent for an action (in
// frame pixels), moves the pointer, presses and releases buttons and keys,
// and waits until the server has taken them.
type Driver struct {
	d     *Display
	g     geometry
	fps   float64
	agent *agent.SurfaceAgent
	cur   action.Action // the action performed last
}

// NewDriver drives d with ag over the region and frame size of o.
func NewDriver(d *Display, o Options, ag *agent.SurfaceAgent) (*Driver, error) {
	g, err := o.resolve(d)
	if err != nil {
		return nil, err
	}
	dr := &Driver{d: d, g: g, fps: o.FPS, agent: ag}
	x, y, b, err := d.Pointer()
	if err != nil {
		return nil, err
	}
	dr.cur.X, dr.cur.Y = g.toFrame(x, y)
	dr.cur.Buttons = b
	return dr, nil
}

// Taken is the action performed last.
func (dr *Driver) Taken() (action.Action, error) { return dr.cur, nil }

// Begin performs the agent's next action.
func (dr *Driver) Begin() error {
	a := dr.agent.Next(dr)
	if err := dr.perform(dr.cur, a); err != nil {
		return err
	}
	dr.cur = a
	return dr.d.Sync()
}

// xButtons are the X button numbers of action buttons.
var xButtons = []struct {
	b  action.Buttons
	no byte
}{{action.Left, 1}, {action.Middle, 2}, {action.Right, 3}}

// perform sends what changed from prev to a.
func (dr *Driver) perform(prev, a action.Action) error {
	if a.X != prev.X || a.Y != prev.Y {
		if err := dr.d.Move(dr.g.toRoot(a.X, a.Y)); err != nil {
			return err
		}
	}
	for _, k := range a.KeyDown {
		if err := dr.key(k, true); err != nil {
			return err
		}
	}
	for _, b := range xButtons {
		if a.Pressed(prev).Has(b.b) {
			if err := dr.d.Button(b.no, true); err != nil {
				return err
			}
		}
		if a.Released(prev).Has(b.b) {
			if err := dr.d.Button(b.no, false); err != nil {
				return err
			}
		}
	}
	for _, k := range a.KeyUp {
		if err := dr.key(k, false); err != nil {
			return err
		}
	}
	wheel, n := byte(4), a.Scroll // X: button 4 scrolls up, 5 down
	if n < 0 {
		wheel, n = 5, -n
	}
	for range n {
		if err := dr.d.Button(wheel, true); err != nil {
			return err
		}
		if err := dr.d.Button(wheel, false); err != nil {
			return err
		}
	}
	return nil
}

func (dr *Driver) key(name string, down bool) error {
	code, ok := action.KeysymCode(name)
	if !ok {
		return fmt.Errorf("x11: key %q has no X keysym", name)
	}
	return dr.d.Key(code, down)
}

// The agent's view of the display (agent.Surface), in frame pixels.

func (dr *Driver) Size() (int, int)    { return dr.g.w, dr.g.h }
func (dr *Driver) FPS() float64        { return dr.fps }
func (dr *Driver) Pointer() (int, int) { return dr.cur.X, dr.cur.Y }

// Windows are the mapped top-level windows in the region; a window whose
// client sits lower than its frame's top (a window manager's frame) has
// that strip as its title bar.
func (dr *Driver) Windows() []agent.Window {
	tops, err := dr.d.topLevel()
	if err != nil {
		return nil
	}
	var ws []agent.Window
	for _, t := range tops {
		r := t.frame.Intersect(dr.g.region)
		if r.Dx() < 16 || r.Dy() < 16 || r == dr.g.region {
			continue
		}
		w := agent.Window{Frame: dr.frameRect(r)}
		if t.titleH > 0 {
			w.TitleBar = dr.frameRect(image.Rect(t.frame.Min.X, t.frame.Min.Y, t.frame.Max.X, t.frame.Min.Y+t.titleH).Intersect(dr.g.region))
		}
		ws = append(ws, w)
	}
	return ws
}

// Targets are the windows' title bars.
func (dr *Driver) Targets() []image.Rectangle {
	var rs []image.Rectangle
	for _, w := range dr.Windows() {
		if !w.TitleBar.Empty() {
			rs = append(rs, w.TitleBar)
		}
	}
	return rs
}

func (dr *Driver) frameRect(r image.Rectangle) image.Rectangle {
	x0, y0 := dr.g.toFrame(r.Min.X, r.Min.Y)
	x1, y1 := dr.g.toFrame(r.Max.X-1, r.Max.Y-1)
	return image.Rect(x0, y0, x1+1, y1+1)
}

// topWindow is a top-level window in root coordinates.
type topWindow struct {
	id     xproto.Window
	frame  image.Rectangle
	titleH int // height of the strip above its first child, 0 if none
}

// topLevel lists the viewable children of the root, bottom to top.
func (d *Display) topLevel() ([]topWindow, error) {
	tree, err := xproto.QueryTree(d.conn, d.root).Reply()
	if err != nil {
		return nil, err
	}
	var out []topWindow
	for _, w := range tree.Children {
		attr, err := xproto.GetWindowAttributes(d.conn, w).Reply()
		if err != nil || attr.MapState != xproto.MapStateViewable || attr.OverrideRedirect {
			continue
		}
		geo, err := xproto.GetGeometry(d.conn, xproto.Drawable(w)).Reply()
		if err != nil {
			continue
		}
		b := int(geo.BorderWidth)
		t := topWindow{id: w, frame: image.Rect(int(geo.X), int(geo.Y), int(geo.X)+int(geo.Width)+2*b, int(geo.Y)+int(geo.Height)+2*b)}
		// The client is the frame's largest child (a title bar is a child too).
		if sub, err := xproto.QueryTree(d.conn, w).Reply(); err == nil {
			best := 0
			for _, c := range sub.Children {
				cg, err := xproto.GetGeometry(d.conn, xproto.Drawable(c)).Reply()
				if err == nil && int(cg.Width)*int(cg.Height) > best {
					best = int(cg.Width) * int(cg.Height)
					t.titleH = 0
					if cg.Y > 4 {
						t.titleH = int(cg.Y) + b
					}
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// Window is a top-level window that has a title.
type Window struct {
	Title string
	Rect  image.Rectangle // root coordinates, the window manager's frame included
}

// Windows lists the viewable top-level windows that have a title: their
// own, or under a window manager's frame, their client's.
func (d *Display) Windows() []Window {
	tops, err := d.topLevel()
	if err != nil {
		return nil
	}
	var out []Window
	for _, t := range tops {
		title := d.titleOf(t.id)
		if title == "" {
			if sub, err := xproto.QueryTree(d.conn, t.id).Reply(); err == nil {
				for _, c := range sub.Children {
					if title = d.titleOf(c); title != "" {
						break
					}
				}
			}
		}
		if title != "" {
			out = append(out, Window{Title: title, Rect: t.frame})
		}
	}
	return out
}

// WindowsNamed returns the frames of the top-level windows titled name.
func (d *Display) WindowsNamed(name string) []image.Rectangle {
	var rs []image.Rectangle
	for _, w := range d.Windows() {
		if w.Title == name {
			rs = append(rs, w.Rect)
		}
	}
	return rs
}

// titleOf is a window's WM_NAME, "" if it has none.
func (d *Display) titleOf(w xproto.Window) string {
	p, err := xproto.GetProperty(d.conn, false, w, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 256).Reply()
	if err != nil {
		return ""
	}
	return string(p.Value)
}
