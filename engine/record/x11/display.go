// Package x11 records and drives real X11 desktops: screen capture through
// GetImage, the pointer's position and shape through XFixes, the user's
// input by polling the pointer and keymap, and synthetic input through
// XTest. It talks the X protocol directly (github.com/jezek/xgb), so it
// needs no C libraries and no window manager.
package x11

import (
	"fmt"
	"image"
	"io"
	"log"
	"os"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"

	"github.com/ncstudio/ncstudio/engine/action"
)

// Display is a connection to an X server. Its methods are not safe for
// concurrent use; open one Display per goroutine.
type Display struct {
	Name          string
	Width, Height int // the root window (the whole screen)

	conn       *xgb.Conn
	root       xproto.Window
	minKeycode xproto.Keycode
	perKeycode int
	keysyms    []xproto.Keysym // keycode-major, perKeycode per keycode
}

// xgb logs to stderr, e.g. a missing ~/.Xauthority on every connection to
// an Xvfb; its errors also come back as errors, which we report.
func init() { xgb.Logger = log.New(io.Discard, "", 0) }

// Open connects to the X display name ("" for $DISPLAY) and initialises
// XFixes and XTest.
func Open(name string) (*Display, error) {
	if name == "" {
		name = os.Getenv("DISPLAY")
	}
	if name == "" {
		return nil, fmt.Errorf("x11: no display: DISPLAY is not set and no --display given")
	}
	conn, err := xgb.NewConnDisplay(name)
	if err != nil {
		return nil, fmt.Errorf("x11: cannot connect to display %s: %w", name, err)
	}
	d := &Display{Name: name, conn: conn}
	if err := d.init(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("x11: display %s: %w", name, err)
	}
	return d, nil
}

func (d *Display) init() error {
	setup := xproto.Setup(d.conn)
	screen := setup.DefaultScreen(d.conn)
	d.root = screen.Root
	d.Width, d.Height = int(screen.WidthInPixels), int(screen.HeightInPixels)
	if setup.ImageByteOrder != xproto.ImageOrderLSBFirst {
		return fmt.Errorf("the server sends MSB-first images; only LSB-first is supported")
	}
	if screen.RootDepth != 24 && screen.RootDepth != 32 {
		return fmt.Errorf("root depth %d; only 24- and 32-bit screens are supported", screen.RootDepth)
	}
	if err := xfixes.Init(d.conn); err != nil {
		return fmt.Errorf("no XFixes extension (the cursor's shape and position): %w", err)
	}
	// XFixes needs its version negotiated before use.
	if _, err := xfixes.QueryVersion(d.conn, 4, 0).Reply(); err != nil {
		return fmt.Errorf("XFixes: %w", err)
	}
	if err := xtest.Init(d.conn); err != nil {
		return fmt.Errorf("no XTEST extension (synthetic input): %w", err)
	}
	d.minKeycode = setup.MinKeycode
	km, err := xproto.GetKeyboardMapping(d.conn, setup.MinKeycode, byte(setup.MaxKeycode-setup.MinKeycode+1)).Reply()
	if err != nil {
		return fmt.Errorf("keyboard mapping: %w", err)
	}
	d.perKeycode, d.keysyms = int(km.KeysymsPerKeycode), km.Keysyms
	return nil
}

// Close ends the connection.
func (d *Display) Close() { d.conn.Close() }

// Grab copies the screen's rectangle r (root coordinates) into dst, which
// must be r's size.
func (d *Display) Grab(r image.Rectangle, dst *image.RGBA) error {
	if r.Dx() != dst.Rect.Dx() || r.Dy() != dst.Rect.Dy() {
		return fmt.Errorf("x11: grab of %v into a %v image", r, dst.Rect)
	}
	// GetImage replies are limited in size: grab in bands of rows.
	const bandBytes = 4 << 20
	rows := max(1, bandBytes/(4*r.Dx()))
	for y := r.Min.Y; y < r.Max.Y; y += rows {
		h := min(rows, r.Max.Y-y)
		img, err := xproto.GetImage(d.conn, xproto.ImageFormatZPixmap, xproto.Drawable(d.root),
			int16(r.Min.X), int16(y), uint16(r.Dx()), uint16(h), 0xffffffff).Reply()
		if err != nil {
			return fmt.Errorf("x11: GetImage: %w", err)
		}
		if len(img.Data) < 4*r.Dx()*h {
			return fmt.Errorf("x11: GetImage returned %d bytes for %dx%d pixels (not 32 bits per pixel?)", len(img.Data), r.Dx(), h)
		}
		// BGRX, little-endian, to RGBA.
		for row := range h {
			src := img.Data[4*r.Dx()*row:]
			out := dst.Pix[dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y-r.Min.Y+row):]
			for x := range r.Dx() {
				out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = src[4*x+2], src[4*x+1], src[4*x], 255
			}
		}
	}
	return nil
}

// Cursor is the pointer's image and position.
type Cursor struct {
	X, Y       int         // the hotspot's position on the screen
	Image      *image.RGBA // the sprite (premultiplied alpha, as image.RGBA)
	HotX, HotY int
	Serial     uint32 // changes when the cursor's image changes
}

// Cursor asks XFixes for the cursor's current image and position.
func (d *Display) Cursor() (Cursor, error) {
	r, err := xfixes.GetCursorImage(d.conn).Reply()
	if err != nil {
		return Cursor{}, fmt.Errorf("x11: cursor image: %w", err)
	}
	c := Cursor{X: int(r.X), Y: int(r.Y), HotX: int(r.Xhot), HotY: int(r.Yhot), Serial: r.CursorSerial,
		Image: image.NewRGBA(image.Rect(0, 0, int(r.Width), int(r.Height)))}
	// XFixes images are premultiplied ARGB, as Go's RGBA images are.
	for i, argb := range r.CursorImage[:min(len(r.CursorImage), int(r.Width)*int(r.Height))] {
		c.Image.Pix[4*i], c.Image.Pix[4*i+1], c.Image.Pix[4*i+2], c.Image.Pix[4*i+3] = uint8(argb>>16), uint8(argb>>8), uint8(argb), uint8(argb>>24)
	}
	return c, nil
}

// Pointer is the pointer's position and the buttons held.
func (d *Display) Pointer() (x, y int, b action.Buttons, err error) {
	r, err := xproto.QueryPointer(d.conn, d.root).Reply()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("x11: pointer: %w", err)
	}
	for _, m := range []struct {
		mask uint16
		b    action.Buttons
	}{{xproto.KeyButMaskButton1, action.Left}, {xproto.KeyButMaskButton2, action.Middle}, {xproto.KeyButMaskButton3, action.Right}} {
		if r.Mask&m.mask != 0 {
			b |= m.b
		}
	}
	return int(r.RootX), int(r.RootY), b, nil
}

// Keymap is the keyboard's state: bit k is set while keycode k is down.
func (d *Display) Keymap() ([32]byte, error) {
	r, err := xproto.QueryKeymap(d.conn).Reply()
	if err != nil {
		return [32]byte{}, fmt.Errorf("x11: keymap: %w", err)
	}
	var k [32]byte
	copy(k[:], r.Keys)
	return k, nil
}

// KeysymOf is the first keysym of a keycode (the unshifted one), 0 if none.
func (d *Display) KeysymOf(code xproto.Keycode) uint32 {
	i := (int(code) - int(d.minKeycode)) * d.perKeycode
	if code < d.minKeycode || i >= len(d.keysyms) {
		return 0
	}
	return uint32(d.keysyms[i])
}

// keycodeOf finds the keycode that types keysym ks, and whether Shift is
// needed for it (it is the keycode's second keysym).
func (d *Display) keycodeOf(ks uint32) (xproto.Keycode, bool, bool) {
	for i := 0; i+d.perKeycode <= len(d.keysyms); i += d.perKeycode {
		for level := range min(2, d.perKeycode) {
			if uint32(d.keysyms[i+level]) == ks {
				return d.minKeycode + xproto.Keycode(i/d.perKeycode), level == 1, true
			}
		}
	}
	return 0, false, false
}

// Move warps the pointer to x, y through XTest (as a user's motion).
func (d *Display) Move(x, y int) error {
	return xtest.FakeInputChecked(d.conn, xproto.MotionNotify, 0, 0, d.root, int16(x), int16(y), 0).Check()
}

// Button presses or releases mouse buttons (1 left, 2 middle, 3 right, 4
// and 5 the wheel).
func (d *Display) Button(button byte, down bool) error {
	t := byte(xproto.ButtonRelease)
	if down {
		t = xproto.ButtonPress
	}
	return xtest.FakeInputChecked(d.conn, t, button, 0, d.root, 0, 0, 0).Check()
}

// Key presses or releases the key of an X keysym. A keysym on a shifted
// level is typed with Shift held around it.
func (d *Display) Key(keysym uint32, down bool) error {
	code, shift, ok := d.keycodeOf(keysym)
	if !ok {
		return fmt.Errorf("x11: no key types keysym %#x on this keyboard", keysym)
	}
	press := func(c xproto.Keycode, down bool) error {
		t := byte(xproto.KeyRelease)
		if down {
			t = xproto.KeyPress
		}
		return xtest.FakeInputChecked(d.conn, t, byte(c), 0, d.root, 0, 0, 0).Check()
	}
	shiftCode, _, _ := d.keycodeOf(0xffe1)
	if shift && down {
		if err := press(shiftCode, true); err != nil {
			return err
		}
	}
	if err := press(code, down); err != nil {
		return err
	}
	if shift && !down {
		return press(shiftCode, false)
	}
	return nil
}

// Sync waits until the server has processed every request sent so far.
func (d *Display) Sync() error {
	_, err := xproto.GetInputFocus(d.conn).Reply()
	return err
}

// WindowRect is a window's rectangle on the screen, decorations excluded.
func (d *Display) WindowRect(w xproto.Window) (image.Rectangle, error) {
	geo, err := xproto.GetGeometry(d.conn, xproto.Drawable(w)).Reply()
	if err != nil {
		return image.Rectangle{}, fmt.Errorf("x11: window %#x: %w", w, err)
	}
	at, err := xproto.TranslateCoordinates(d.conn, w, d.root, 0, 0).Reply()
	if err != nil {
		return image.Rectangle{}, fmt.Errorf("x11: window %#x: %w", w, err)
	}
	return image.Rect(int(at.DstX), int(at.DstY), int(at.DstX)+int(geo.Width), int(at.DstY)+int(geo.Height)), nil
}
