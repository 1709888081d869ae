package trace

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
)

// flatFrame is frame i of a trace with few flat colours: a background and a
// box that moves and changes colour, so that every frame differs.
func flatFrame(i, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{30, 90, 140, 255}
	box := image.Rect(0, 0, 10, 8).Add(image.Pt(2+i%(w-12), 5))
	fg := color.RGBA{uint8(200 + i%7), 200, 40, 255}
	for y := range h {
		for x := range w {
			if image.Pt(x, y).In(box) {
				img.SetRGBA(x, y, fg)
			} else {
				img.SetRGBA(x, y, bg)
			}
		}
	}
	return img
}

// flatAction moves the cursor right along y = 30 and clicks at step 10.
func flatAction(i, w, h int) action.Action {
	a := action.Action{X: min(5+i, w-1), Y: 30}
	if i == 10 || i == 11 {
		a.Buttons = action.Left
	}
	return a
}

func flatTrace(t *testing.T, n int, fps float64) *Reader {
	t.Helper()
	meta := testMeta(64, 48)
	meta.FPS = fps
	dir := writeTrace(t, meta, n, func(i int) *image.RGBA { return flatFrame(i, 64, 48) },
		func(i int) action.Action { return flatAction(i, 64, 48) })
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func isOverlay(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
	for _, o := range append(append([]color.RGBA{}, trailColours...), clickColours...) {
		if got == o {
			return true
		}
	}
	return false
}

// composite replays a GIF's frames (disposal "none") and returns the
// screen after each.
func composite(g *gif.GIF) []*image.RGBA {
	screen := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	var out []*image.RGBA
	for _, fr := range g.Image {
		for y := fr.Rect.Min.Y; y < fr.Rect.Max.Y; y++ {
			for x := fr.Rect.Min.X; x < fr.Rect.Max.X; x++ {
				screen.Set(x, y, fr.At(x, y))
			}
		}
		out = append(out, image.NewRGBA(screen.Rect))
		copy(out[len(out)-1].Pix, screen.Pix)
	}
	return out
}

func TestExportGIF(t *testing.T) {
	r := flatTrace(t, 40, 15)
	var buf bytes.Buffer
	calls, last := 0, 0
	err := ExportGIF(r, &buf, ExportOptions{Progress: func(done, total int) { calls, last = calls+1, done; _ = total }})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 40 || last != 40 {
		t.Errorf("progress called %d times, last %d", calls, last)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if g.Config.Width != 64 || g.Config.Height != 48 || len(g.Image) != 40 || g.LoopCount != 0 {
		t.Fatalf("GIF %dx%d with %d frames, loop %d", g.Config.Width, g.Config.Height, len(g.Image), g.LoopCount)
	}
	total := 0
	for i, d := range g.Delay {
		if d < 6 || d > 7 { // 15 fps: 6.67 hundredths
			t.Errorf("frame %d delay %d", i, d)
		}
		total += d
	}
	if total != 267 { // 40 frames at 15 fps
		t.Errorf("total delay %d, want 267", total)
	}
	if g.Image[1].Rect == g.Image[0].Rect {
		t.Errorf("frame 1 is not cropped to what changed: %v", g.Image[1].Rect)
	}
	for i, screen := range composite(g) {
		src := flatFrame(i, 64, 48)
		overlay := 0
		for y := range 48 {
			for x := range 64 {
				switch c := screen.RGBAAt(x, y); {
				case c == src.RGBAAt(x, y):
				case isOverlay(c):
					overlay++
				default:
					t.Fatalf("frame %d pixel (%d,%d) = %v, want %v or an overlay colour", i, x, y, c, src.RGBAAt(x, y))
				}
			}
		}
		if i >= 2 && overlay == 0 {
			t.Errorf("frame %d has no cursor trail", i)
		}
		// The click in step 10 shows as a left-button ring from frame 11.
		ringPixels := 0
		for y := range 48 {
			for x := range 64 {
				if screen.RGBAAt(x, y) == clickColours[0] {
					ringPixels++
				}
			}
		}
		if want := i >= 11 && i < 11+8; (ringPixels > 0) != want {
			t.Errorf("frame %d: %d click ring pixels", i, ringPixels)
		}
	}
}

func TestExportGIFSkipsFastFrames(t *testing.T) {
	r := flatTrace(t, 30, 100) // 1/100 s apart: below what viewers show
	var buf bytes.Buffer
	if err := ExportGIF(r, &buf, ExportOptions{From: 5, To: 25, Scale: 0.5}); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range g.Delay {
		if d < gifDelayMin {
			t.Errorf("delay %d below %d", d, gifDelayMin)
		}
		total += d
	}
	if g.Config.Width != 32 || g.Config.Height != 24 || len(g.Image) != 10 || total != 20 {
		t.Fatalf("GIF %dx%d, %d frames over %d/100 s; want 32x24, 10 frames over 20", g.Config.Width, g.Config.Height, len(g.Image), total)
	}
}

func TestExportRanges(t *testing.T) {
	r := flatTrace(t, 10, 15)
	for _, o := range []ExportOptions{{From: -1}, {From: 10}, {From: 5, To: 5}, {To: 11}, {Scale: -1}, {Scale: 1e-3}, {Scale: 5000}} {
		if err := ExportGIF(r, new(bytes.Buffer), o); err == nil {
			t.Errorf("ExportGIF(%+v) succeeded", o)
		}
	}
}

func TestExportPNGs(t *testing.T) {
	r := flatTrace(t, 12, 15)
	dir := filepath.Join(t.TempDir(), "pngs")
	n, err := ExportPNGs(r, dir, ExportOptions{From: 3, To: 7, Scale: 2})
	if err != nil || n != 4 {
		t.Fatalf("exported %d: %v", n, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Fatalf("%d files", len(entries))
	}
	for i := 3; i < 7; i++ {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("frame_%06d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		src := flatFrame(i, 64, 48)
		if img.Bounds() != image.Rect(0, 0, 128, 96) {
			t.Fatalf("bounds %v", img.Bounds())
		}
		for y := range 96 {
			for x := range 128 {
				if color.RGBAModel.Convert(img.At(x, y)) != src.RGBAAt(x/2, y/2) {
					t.Fatalf("frame %d pixel (%d,%d) differs", i, x, y)
				}
			}
		}
	}
}

func TestScaleAverages(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 2, 2))
	copy(src.Pix, []byte{0, 0, 0, 255, 100, 0, 0, 255, 0, 200, 0, 255, 0, 0, 40, 255})
	if got := scaleRGBA(src, 1, 1).Pix; !bytes.Equal(got, []byte{25, 50, 10, 255}) {
		t.Fatalf("scaled to %v", got)
	}
}

func TestMedianCut(t *testing.T) {
	// Few flat colours come back exactly.
	img := image.NewRGBA(image.Rect(0, 0, 100, 10))
	want := map[color.RGBA]bool{}
	for x := range 100 {
		c := color.RGBA{uint8(x * 37), uint8(x * 11), uint8(255 - x*2), 255}
		want[c] = true
		for y := range 10 {
			img.SetRGBA(x, y, c)
		}
	}
	var h histogram
	h.add(img)
	pal := medianCut(&h, 245)
	m := newMapper(pal)
	for c := range want {
		if got := m.pal[m.index(c.R, c.G, c.B)]; got != c {
			t.Fatalf("%v maps to %v", c, got)
		}
	}
	// Many colours are cut down to the budget, each entry close to its
	// pixels, both when counted exactly and in bins.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{64, 256} {
		noisy := randomFrame(rng, size, size)
		h = histogram{}
		h.add(noisy)
		if h.overflow != (size*size > maxExact) {
			t.Fatalf("%dx%d: overflow %v", size, size, h.overflow)
		}
		checkCut(t, &h, noisy)
	}
	if got := medianCut(&histogram{}, 10); len(got) != 0 {
		t.Errorf("empty histogram gave %d colours", len(got))
	}
}

func checkCut(t *testing.T, h *histogram, noisy *image.RGBA) {
	pal := medianCut(h, 64)
	if len(pal) != 64 {
		t.Fatalf("%d colours, want 64", len(pal))
	}
	m := newMapper(pal)
	worst := 0
	for i := 0; i < len(noisy.Pix); i += 4 {
		p := noisy.Pix[i : i+3]
		c := m.pal[m.index(p[0], p[1], p[2])]
		d := max(abs(int(c.R)-int(p[0])), abs(int(c.G)-int(p[1])), abs(int(c.B)-int(p[2])))
		worst = max(worst, d)
	}
	if worst > 100 {
		t.Errorf("worst channel error %d with 64 colours", worst)
	}
}

// TestLineOctants draws random segments in every direction: each must end,
// and paint exactly max(|dx|, |dy|) + 1 pixels with a one-pixel brush.
func TestLineOctants(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	done := make(chan string)
	go func() {
		for range 2000 {
			p := image.NewPaletted(image.Rect(0, 0, 64, 64), color.Palette{color.Black, color.White})
			x0, y0, x1, y1 := rng.IntN(64), rng.IntN(64), rng.IntN(64), rng.IntN(64)
			line(p, x0, y0, x1, y1, 1, 1)
			painted := bytes.Count(p.Pix, []byte{1})
			if want := max(abs(x1-x0), abs(y1-y0)) + 1; painted != want || p.ColorIndexAt(x0, y0) != 1 || p.ColorIndexAt(x1, y1) != 1 {
				done <- fmt.Sprintf("(%d,%d)-(%d,%d): %d pixels, want %d, ends painted %v %v",
					x0, y0, x1, y1, painted, want, p.ColorIndexAt(x0, y0), p.ColorIndexAt(x1, y1))
				return
			}
		}
		done <- ""
	}()
	select {
	case msg := <-done:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("line did not return")
	}
}
