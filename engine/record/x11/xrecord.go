package x11

/*
#cgo LDFLAGS: -lX11 -lXtst
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <X11/Xlib.h>
#include <X11/Xproto.h>
#include <X11/extensions/record.h>

// One device event as the server saw it: type (KeyPress .. MotionNotify),
// detail (keycode or button), root position.
typedef struct { int type, detail, x, y; } ncs_event;

typedef struct {
	Display *ctrl, *data; // XRecord needs a connection of its own for the data
	XRecordContext ctx;
	pthread_mutex_t mu;
	ncs_event *buf;
	int len, cap, lost;
} ncs_xrec;

static void ncs_xrec_intercept(XPointer priv, XRecordInterceptData *d) {
	ncs_xrec *r = (ncs_xrec *)priv;
	if (d->category == XRecordFromServer && d->data_len * 4 >= 24) {
		unsigned char *p = d->data;
		ncs_event e = {p[0] & 0x7f, p[1], *(short *)(p + 20), *(short *)(p + 22)};
		pthread_mutex_lock(&r->mu);
		if (r->len < r->cap) {
			r->buf[r->len++] = e;
		} else {
			r->lost++;
		}
		pthread_mutex_unlock(&r->mu);
	}
	XRecordFreeData(d);
}

// ncs_xrec_open connects twice to display and prepares a context that
// records every client's key, button and motion events; NULL with a
// message in err when the display or its RECORD extension is missing.
static ncs_xrec *ncs_xrec_open(const char *display, char *err, int errlen) {
	Display *ctrl = XOpenDisplay(display), *data = XOpenDisplay(display);
	int major = 0, minor = 0;
	if (!ctrl || !data) {
		snprintf(err, errlen, "cannot open display %s", display && *display ? display : "$DISPLAY");
		goto fail;
	}
	if (!XRecordQueryVersion(ctrl, &major, &minor)) {
		snprintf(err, errlen, "the X server has no RECORD extension");
		goto fail;
	}
	XRecordRange *range = XRecordAllocRange();
	range->device_events.first = KeyPress;
	range->device_events.last = MotionNotify;
	XRecordClientSpec clients = XRecordAllClients;
	XRecordContext ctx = XRecordCreateContext(ctrl, 0, &clients, 1, &range, 1);
	XFree(range);
	if (!ctx) {
		snprintf(err, errlen, "XRecordCreateContext failed");
		goto fail;
	}
	XSync(ctrl, False);
	ncs_xrec *r = calloc(1, sizeof *r);
	r->ctrl = ctrl;
	r->data = data;
	r->ctx = ctx;
	r->cap = 1 << 16;
	r->buf = calloc(r->cap, sizeof(ncs_event));
	pthread_mutex_init(&r->mu, NULL);
	return r;
fail:
	if (ctrl) XCloseDisplay(ctrl);
	if (data) XCloseDisplay(data);
	return NULL;
}

// ncs_xrec_run delivers events until ncs_xrec_stop; it blocks its thread.
static void ncs_xrec_run(ncs_xrec *r) {
	XRecordEnableContext(r->data, r->ctx, ncs_xrec_intercept, (XPointer)r);
}

static void ncs_xrec_stop(ncs_xrec *r) {
	XRecordDisableContext(r->ctrl, r->ctx);
	XFlush(r->ctrl);
}

// ncs_xrec_take moves up to max events into out and returns how many;
// *lost receives the events dropped because nobody took them in time.
static int ncs_xrec_take(ncs_xrec *r, ncs_event *out, int max, int *lost) {
	pthread_mutex_lock(&r->mu);
	int n = r->len < max ? r->len : max;
	memcpy(out, r->buf, n * sizeof *out);
	memmove(r->buf, r->buf + n, (r->len - n) * sizeof *out);
	r->len -= n;
	*lost = r->lost;
	r->lost = 0;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static void ncs_xrec_free(ncs_xrec *r) {
	XRecordFreeContext(r->ctrl, r->ctx);
	XCloseDisplay(r->data);
	XCloseDisplay(r->ctrl);
	free(r->buf);
	free(r);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/jezek/xgb/xproto"

	"github.com/ncstudio/ncstudio/engine/action"
)

// EventInput is the Input of a person's recording read from the X server's
// RECORD extension (through libXtst): every key, button and motion event of
// every client, in order, the wheel included (buttons 4-7 become scroll).
// Unlike the Poller it misses no short press.
type EventInput struct {
	d    *Display // keysyms and the text of keys
	g    geometry
	r    *C.ncs_xrec
	done chan struct{}

	mu    sync.Mutex
	col   action.Collector
	shift map[int]bool // held Shift keycodes
	lost  int
	buf   []C.ncs_event
}

// NewEventInput starts recording the input of display (its own
// connections); it fails where the server has no RECORD extension.
func NewEventInput(display string, o Options) (*EventInput, error) {
	d, g, err := openInput(display, o)
	if err != nil {
		return nil, err
	}
	cname := C.CString(d.Name)
	defer C.free(unsafe.Pointer(cname))
	var msg [256]C.char
	r := C.ncs_xrec_open(cname, &msg[0], C.int(len(msg)))
	if r == nil {
		d.Close()
		return nil, fmt.Errorf("x11: recording input of %s: %s", d.Name, C.GoString(&msg[0]))
	}
	in := &EventInput{d: d, g: g, r: r, done: make(chan struct{}), shift: map[int]bool{}, buf: make([]C.ncs_event, 4096)}
	go func() {
		defer close(in.done)
		runtime.LockOSThread() // the call blocks this thread until Close
		C.ncs_xrec_run(r)
	}()
	return in, nil
}

// Taken is the input since the last call.
func (in *EventInput) Taken() (action.Action, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		var lost C.int
		n := int(C.ncs_xrec_take(in.r, &in.buf[0], C.int(len(in.buf)), &lost))
		in.lost += int(lost)
		for _, e := range in.buf[:n] {
			in.apply(int(e._type), int(e.detail), int(e.x), int(e.y))
		}
		if n < len(in.buf) {
			break
		}
	}
	return in.col.Step(), nil
}

// apply adds one device event to the collector.
func (in *EventInput) apply(typ, detail, x, y int) {
	in.col.Move(in.g.toFrame(x, y))
	switch typ {
	case xproto.ButtonPress:
		switch detail {
		case 1, 2, 3:
			in.col.Press(buttonOf(detail))
		case 4:
			in.col.Scroll(1)
		case 5:
			in.col.Scroll(-1)
		}
	case xproto.ButtonRelease:
		if detail <= 3 {
			in.col.Release(buttonOf(detail))
		}
	case xproto.KeyPress, xproto.KeyRelease:
		code := xproto.Keycode(detail)
		ks := in.d.KeysymOf(code)
		if ks == 0xffe1 || ks == 0xffe2 { // Shift_L, Shift_R
			in.shift[detail] = typ == xproto.KeyPress
		}
		name, ok := action.KeysymName(ks)
		if !ok {
			return
		}
		if typ == xproto.KeyRelease {
			in.col.KeyUp(name)
			return
		}
		in.col.KeyDown(name)
		if r := in.d.textOf(code, in.shifted()); r != 0 {
			in.col.Type(string(r))
		}
	}
}

func (in *EventInput) shifted() bool {
	for _, down := range in.shift {
		if down {
			return true
		}
	}
	return false
}

// buttonOf maps X's buttons 1 (left), 2 (middle), 3 (right) to ours.
func buttonOf(b int) action.Buttons {
	return [...]action.Buttons{1: action.Left, 2: action.Middle, 3: action.Right}[b]
}

// Lost is how many events arrived faster than the recording took them
// (65536 between two frames) and were dropped.
func (in *EventInput) Lost() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.lost
}

// Begin does nothing: a person acts on their own.
func (in *EventInput) Begin() error { return nil }

// Close stops recording input.
func (in *EventInput) Close() {
	C.ncs_xrec_stop(in.r)
	<-in.done
	C.ncs_xrec_free(in.r)
	in.d.Close()
}

// PersonInput is a running Input of a person's recording.
type PersonInput interface {
	Input
	Close()
}

// NewPersonInput records a person's input on display: from the RECORD
// extension (EventInput), or where the server has none by polling
// (Poller, which sees no wheel). how says which.
func NewPersonInput(display string, o Options) (in PersonInput, how string, err error) {
	ev, err := NewEventInput(display, o)
	if err == nil {
		return ev, "X RECORD events", nil
	}
	p, perr := NewPoller(display, o)
	if perr != nil {
		return nil, "", errors.Join(err, perr)
	}
	return p, "polling every 4 ms (" + err.Error() + "; no wheel)", nil
}
