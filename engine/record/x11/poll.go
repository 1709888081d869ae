package x11

import (
	"sync"
	"time"

	"github.com/jezek/xgb/xproto"

	"github.com/ncstudio/ncstudio/engine/action"
)

// pollEvery is how often a Poller samples the pointer and keyboard: fast
// enough to see a quick key tap (typically 50-100 ms down) and a click.
const pollEvery = 4 * time.Millisecond

// Poller is the Input of a person's recording: it samples the pointer
// (position, buttons) and the keyboard's keymap every 4 ms on its own
// connection, and turns what changed into actions. Polling sees no wheel
// (the server reports it as instant presses of buttons 4 and 5), so scroll
// is not recorded; key presses shorter than 4 ms are missed.
type Poller struct {
	d    *Display
	g    geometry
	col  action.Collector
	stop chan struct{}
	done chan struct{}

	mu  sync.Mutex
	err error
}

// NewPoller opens its own connection to the display and starts polling.
func NewPoller(display string, o Options) (*Poller, error) {
	d, g, err := openInput(display, o)
	if err != nil {
		return nil, err
	}
	p := &Poller{d: d, g: g, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p, nil
}

// openInput opens a connection of an input's own to display and maps its
// root coordinates to o's frames.
func openInput(display string, o Options) (*Display, geometry, error) {
	d, err := Open(display)
	if err != nil {
		return nil, geometry{}, err
	}
	g, err := o.resolve(d)
	if err != nil {
		d.Close()
		return nil, geometry{}, err
	}
	return d, g, nil
}

func (p *Poller) run() {
	defer close(p.done)
	var keys [32]byte
	var buttons action.Buttons
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		if err := p.sample(&keys, &buttons); err != nil {
			p.mu.Lock()
			p.err = err
			p.mu.Unlock()
			return
		}
	}
}

// sample records what changed since the last sample.
func (p *Poller) sample(keys *[32]byte, buttons *action.Buttons) error {
	x, y, b, err := p.d.Pointer()
	if err != nil {
		return err
	}
	km, err := p.d.Keymap()
	if err != nil {
		return err
	}
	p.col.Move(p.g.toFrame(x, y))
	if pressed := b &^ *buttons; pressed != 0 {
		p.col.Press(pressed)
	}
	if released := *buttons &^ b; released != 0 {
		p.col.Release(released)
	}
	*buttons = b
	shift := p.held(&km, 0xffe1) || p.held(&km, 0xffe2)
	for code := range 256 {
		was, is := keys[code/8]&(1<<(code%8)) != 0, km[code/8]&(1<<(code%8)) != 0
		if was == is {
			continue
		}
		name, ok := action.KeysymName(p.d.KeysymOf(xproto.Keycode(code)))
		if !ok {
			continue // a key the vocabulary has no name for
		}
		if is {
			p.col.KeyDown(name)
			if r := p.d.textOf(xproto.Keycode(code), shift); r != 0 {
				p.col.Type(string(r))
			}
		} else {
			p.col.KeyUp(name)
		}
	}
	*keys = km
	return nil
}

// held reports whether the key of a keysym is down in km.
func (p *Poller) held(km *[32]byte, keysym uint32) bool {
	code, _, ok := p.d.keycodeOf(keysym)
	return ok && km[code/8]&(1<<(code%8)) != 0
}

// Taken is the input since the last call.
func (p *Poller) Taken() (action.Action, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.col.Step(), p.err
}

// Begin does nothing: a person acts on their own.
func (p *Poller) Begin() error { return nil }

// Close stops polling.
func (p *Poller) Close() {
	close(p.stop)
	<-p.done
	p.d.Close()
}

// textOf is the printable ASCII character a keycode types (with Shift:
// its second keysym), 0 if none.
func (d *Display) textOf(code xproto.Keycode, shift bool) rune {
	i := (int(code) - int(d.minKeycode)) * d.perKeycode
	if code < d.minKeycode || i+1 >= len(d.keysyms) {
		return 0
	}
	ks := uint32(d.keysyms[i])
	if shift && d.perKeycode > 1 && d.keysyms[i+1] != 0 {
		ks = uint32(d.keysyms[i+1])
	}
	if ks >= 0x20 && ks < 0x7f {
		return rune(ks)
	}
	return 0
}
