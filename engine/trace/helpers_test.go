package trace

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

func testMeta(w, h int) Meta {
	return Meta{
		Kind: GUI, Width: w, Height: h, FPS: 15, Source: "test",
		Created: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Cursor:  Cursor{Sprite: "arrow", HotX: 1, HotY: 2},
		Tags:    map[string]string{"agent": "test"},
	}
}

// desktopFrame draws frame i of a deterministic toy desktop: flat colours,
// a window that slides, text-like rows that change every 10 frames, a
// moving cursor and a small noisy patch. It compresses like real screens.
func desktopFrame(i, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(r image.Rectangle, c color.RGBA) {
		r = r.Intersect(img.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(img.Rect, color.RGBA{0, 110, 120, 255})
	win := image.Rect(0, 0, w/2, h/2).Add(image.Pt(w/8+i%(w/4), h/6))
	fill(win, color.RGBA{245, 245, 245, 255})
	fill(image.Rect(win.Min.X, win.Min.Y, win.Max.X, win.Min.Y+6), color.RGBA{40, 60, 160, 255})
	rng := rand.New(rand.NewPCG(uint64(i/10), 1))
	for y := win.Min.Y + 9; y+4 < win.Max.Y; y += 6 {
		for x := win.Min.X + 3; x+3 < win.Max.X; x += 4 {
			if rng.IntN(3) > 0 {
				fill(image.Rect(x, y, x+3, y+4), color.RGBA{20, 20, 20, 255})
			}
		}
	}
	noise := rand.New(rand.NewPCG(uint64(i), 2))
	for y := h - 6; y < h-1; y++ {
		for x := w - 20; x < w-1; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(noise.Uint32()), uint8(noise.Uint32()), uint8(noise.Uint32()), 255})
		}
	}
	// The cursor is where the previous step's action left it.
	a := desktopAction(max(i-1, 0), w, h)
	fill(image.Rect(a.X, a.Y, a.X+6, a.Y+10), color.RGBA{0, 0, 0, 255})
	return img
}

// desktopAction is the deterministic action after frame i of desktopFrame.
func desktopAction(i, w, h int) action.Action {
	a := action.Action{X: (i * 7) % w, Y: (i * 3) % h}
	if i%20 >= 15 {
		a.Buttons = action.Left
	}
	if i%13 == 0 {
		a.KeyDown, a.KeyUp, a.Text = []string{"a"}, []string{"a"}, "a"
	}
	if i%17 == 0 {
		a.Scroll = -1
	}
	return a
}

func randomFrame(rng *rand.Rand, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff // alpha is not stored: frames are opaque
	}
	return img
}

var keysyms = []string{"a", "Z", "Return", "BackSpace", "Shift_L", "U20AC", "9"}

func randomAction(rng *rand.Rand, w, h int) action.Action {
	a := action.Action{X: rng.IntN(w), Y: rng.IntN(h), Buttons: action.Buttons(rng.IntN(8))}
	for range rng.IntN(3) {
		a.KeyDown = append(a.KeyDown, keysyms[rng.IntN(len(keysyms))])
	}
	for range rng.IntN(3) {
		a.KeyUp = append(a.KeyUp, keysyms[rng.IntN(len(keysyms))])
	}
	a.Text = []string{"", "", "x", "<&>\"\\", "héllo €", "\n\t"}[rng.IntN(6)]
	a.Scroll = rng.IntN(5) - 2
	return a
}

// writeTrace writes n frames made by frame and act, closes the writer and
// returns the trace's directory.
func writeTrace(t testing.TB, meta Meta, n int, frame func(i int) *image.RGBA, act func(i int) action.Action) string {
	t.Helper()
	dir := t.TempDir() + "/test.nctrace"
	w, err := Create(dir, meta)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := w.Append(frame(i), act(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// abandon stops a writer as a killed process would: buffered frames are
// lost and meta.json stays unfinished.
func abandon(w *Writer) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range []*time.Timer{w.timer, w.syncTimer} {
		if t != nil {
			t.Stop()
		}
	}
	w.closed = true
	w.closeFiles()
}

func sameRGB(a, b *image.RGBA) bool {
	if a.Rect.Dx() != b.Rect.Dx() || a.Rect.Dy() != b.Rect.Dy() {
		return false
	}
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			p := a.RGBAAt(a.Rect.Min.X+x, a.Rect.Min.Y+y)
			q := b.RGBAAt(b.Rect.Min.X+x, b.Rect.Min.Y+y)
			if p.R != q.R || p.G != q.G || p.B != q.B {
				return false
			}
		}
	}
	return true
}
