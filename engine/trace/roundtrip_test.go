package trace

import (
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

func TestRoundTrip(t *testing.T) {
	const w, h, n = 64, 48, 150 // three chunks: 64 + 64 + 22 frames
	rng := rand.New(rand.NewPCG(1, 2))
	sprite := image.NewNRGBA(image.Rect(0, 0, 5, 7))
	for i := range sprite.Pix {
		sprite.Pix[i] = uint8(rng.Uint32())
	}
	meta := testMeta(w, h)
	meta.Cursor = Cursor{HotX: 4, HotY: 6, Image: sprite}
	meta.Created = time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.FixedZone("CET", 3600))

	dir := filepath.Join(t.TempDir(), "rt.nctrace")
	wr, err := Create(dir, meta)
	if err != nil {
		t.Fatal(err)
	}
	frames := make([]*image.RGBA, n)
	events := make([]Event, n)
	var at time.Duration
	for i := range n {
		frames[i] = randomFrame(rng, w, h)
		at += time.Duration(rng.IntN(100_000)) * time.Microsecond // equal times allowed
		events[i] = Event{Index: i, Time: at, Action: randomAction(rng, w, h)}
		// Half the frames come as sub-images of a larger picture.
		img := frames[i]
		if i%2 == 1 {
			big := image.NewRGBA(image.Rect(-3, -2, w+5, h+1))
			r := image.Rect(1, 1, w+1, h+1)
			for y := range h {
				copy(big.Pix[big.PixOffset(1, 1+y):], img.Pix[y*img.Stride:y*img.Stride+4*w])
			}
			img = big.SubImage(r).(*image.RGBA)
		}
		if err := wr.AppendAt(at, img, events[i].Action); err != nil {
			t.Fatal(err)
		}
	}
	if got := wr.Len(); got != n {
		t.Fatalf("writer Len = %d, want %d", got, n)
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Recovery() != nil {
		t.Errorf("Recovery() = %v for a closed trace", r.Recovery())
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	got := r.Meta()
	if !got.Created.Equal(meta.Created) {
		t.Errorf("Created = %v, want %v", got.Created, meta.Created)
	}
	if !sameRGB(toRGBA(got.Cursor.Image), toRGBA(sprite)) {
		t.Error("cursor sprite differs")
	}
	want := meta
	want.Version, want.Frames, want.Complete = Version, n, true
	want.Cursor.Sprite = CursorFile
	got.Created, want.Created = time.Time{}, time.Time{}
	got.Cursor.Image, want.Cursor.Image = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("meta = %+v\nwant %+v", got, want)
	}
	if r.Len() != n || len(r.chunks) != 3 {
		t.Fatalf("Len %d in %d chunks, want %d in 3", r.Len(), len(r.chunks), n)
	}
	for _, i := range rng.Perm(n) { // random access
		img, err := r.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(img.Pix, frames[i].Pix) {
			t.Fatalf("frame %d differs", i)
		}
		if e := r.Event(i); !reflect.DeepEqual(e, events[i]) {
			t.Fatalf("event %d = %+v, want %+v", i, e, events[i])
		}
	}
	rgb, err := r.FrameRGB(77, nil)
	if err != nil || len(rgb) != w*h*3 || rgb[3*5+1] != frames[77].Pix[4*5+1] {
		t.Fatalf("FrameRGB: %d bytes, %v", len(rgb), err)
	}
	count := 0
	for s, err := range r.Steps(60, 130) { // crosses two chunk boundaries
		if err != nil {
			t.Fatal(err)
		}
		i := 60 + count
		if s.Index != i || !reflect.DeepEqual(s.Event, events[i]) || !reflect.DeepEqual(s.Frame.Pix, frames[i].Pix) {
			t.Fatalf("step %d: index %d or content differs", i, s.Index)
		}
		count++
	}
	if count != 70 {
		t.Fatalf("Steps(60, 130) yielded %d steps", count)
	}
	count = 0
	for range r.Frames() {
		count++
		if count == 5 {
			break // stopping early must be fine
		}
	}
}

func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

func TestAppendTimesFollowFPS(t *testing.T) {
	meta := testMeta(8, 8)
	meta.FPS = 30
	dir := writeTrace(t, meta, 4, func(int) *image.RGBA { return image.NewRGBA(image.Rect(0, 0, 8, 8)) },
		func(int) action.Action { return action.Action{} })
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i, want := range []time.Duration{0, 33333 * time.Microsecond, 66667 * time.Microsecond, 100 * time.Millisecond} {
		if got := r.Time(i); got != want {
			t.Errorf("Time(%d) = %v, want %v", i, got, want)
		}
	}
	line, _ := os.ReadFile(filepath.Join(dir, EventsFile))
	if first := strings.SplitN(string(line), "\n", 2)[0]; first != `{"i":0,"t":0,"x":0,"y":0}` {
		t.Errorf("first line %s", first)
	}
}

func TestEmptyTrace(t *testing.T) {
	dir := writeTrace(t, testMeta(8, 8), 0, nil, nil)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 0 || !r.Meta().Complete {
		t.Fatalf("Len %d complete %v", r.Len(), r.Meta().Complete)
	}
	if _, err := r.Frame(0); err == nil {
		t.Fatal("Frame(0) of an empty trace succeeded")
	}
	for range r.Frames() {
		t.Fatal("Frames yielded a step")
	}
}

func TestWriterRejects(t *testing.T) {
	meta := testMeta(16, 8)
	dir := filepath.Join(t.TempDir(), "x.nctrace")
	w, err := Create(dir, meta)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 16, 8))
	cases := []struct {
		frame *image.RGBA
		a     action.Action
		at    time.Duration
		want  string
	}{
		{image.NewRGBA(image.Rect(0, 0, 8, 16)), action.Action{}, 0, "frame 0: size 8x16, want 16x8"},
		{nil, action.Action{}, 0, "size nil"},
		{frame, action.Action{X: 16}, 0, "cursor (16, 0) outside the 16x8 frame"},
		{frame, action.Action{Y: -1}, 0, "cursor (0, -1) outside"},
		{frame, action.Action{Buttons: 9}, 0, "unknown button bits 0x8 in buttons 9"},
		{frame, action.Action{KeyDown: []string{"a b"}}, 0, `key name "a b" is not an X keysym name`},
		{frame, action.Action{KeyUp: []string{""}}, 0, `key name "" is not 1 to 64`},
	}
	for _, c := range cases {
		if err := w.AppendAt(c.at, c.frame, c.a); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AppendAt(%v): err %v, want %q", c.a, err, c.want)
		}
	}
	if err := w.AppendAt(time.Second, frame, action.Action{}); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendAt(time.Second-time.Millisecond, frame, action.Action{}); err == nil || !strings.Contains(err.Error(), "before the previous frame's 1s") {
		t.Errorf("decreasing time: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(frame, action.Action{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := Create(dir, meta); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Create over a trace: %v", err)
	}
	bad := []struct {
		edit func(m *Meta)
		want string
	}{
		{func(m *Meta) { m.Kind = "tv" }, `kind "tv"`},
		{func(m *Meta) { m.Width = 0 }, "frame size 0x8"},
		{func(m *Meta) { m.Width, m.Height = 16384, 16384 }, "exceeds"},
		{func(m *Meta) { m.FPS = 0 }, "fps 0"},
		{func(m *Meta) { m.Cursor.HotX = 300 }, "hotspot (300, 2)"},
		{func(m *Meta) { m.Cursor.Sprite = CursorFile }, "without its image"},
		{func(m *Meta) { m.Cursor.Image = image.NewGray(image.Rect(0, 0, 300, 2)); m.Cursor.Sprite = "" }, "sprite 300x2"},
	}
	for _, b := range bad {
		m := testMeta(16, 8)
		b.edit(&m)
		d := filepath.Join(t.TempDir(), "bad.nctrace")
		if _, err := Create(d, m); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Create: err %v, want %q", err, b.want)
		}
		if _, err := os.Stat(d); err == nil {
			t.Errorf("Create with bad meta (%s) left a directory", b.want)
		}
	}
}
