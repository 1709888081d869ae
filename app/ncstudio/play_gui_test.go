package main

import (
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"
)

// TestPlayWindowGUI opens `ncstudio play` on the default checkpoint, moves
// the mouse over it with real X events and checks the screenshots: the
// neural desktop is drawn, the mouse crosshair overlay sits where the
// mouse is, and F6 switches to the split view (three panels on the
// window's background).
func TestPlayWindowGUI(t *testing.T) {
	bin := buildForGUI(t)
	const quitAfter = 25 * time.Second
	g := startGUI(t, bin, "^NC Studio play", "play", "--quit-after", quitAfter.String())
	geo := g.geometry()
	w, h := geo["WIDTH"], geo["HEIGHT"]
	if w < 128 || h < 96 {
		t.Fatalf("window %dx%d", w, h)
	}
	shots := t.TempDir()
	shot := func(name string) image.Image { return g.shot(shots, name) }
	// Keyboard focus follows the pointer without a window manager.
	mx, my := w/2, h/3
	g.xdo("mousemove", "--window", g.win, fmt.Sprint(mx-60), fmt.Sprint(my-40))
	time.Sleep(500 * time.Millisecond)
	g.xdo("mousemove", "--window", g.win, fmt.Sprint(mx), fmt.Sprint(my))
	var img image.Image
	for deadline := time.Now().Add(20 * time.Second); ; {
		time.Sleep(time.Second)
		img = shot("play")
		if near(img, mx, my, 8, colourMouse) && distinctColours(img) > 64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mouse crosshair near (%d,%d) or an empty frame (%d colours)\n%s", mx, my, distinctColours(img), g.output.String())
		}
	}
	if isBackground(img.At(10, h/2)) {
		t.Errorf("single view: the frame does not fill the window's width")
	}

	g.xdo("key", "F6")
	for deadline := time.Now().Add(15 * time.Second); ; {
		time.Sleep(time.Second)
		img = shot("split")
		if isBackground(img.At(10, h/2)) && !isBackground(img.At(w/2, h/2)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("F6 did not switch to the split view\n%s", g.output.String())
		}
	}
	g.waitQuit(quitAfter)
}

// The overlay colours of the mouse crosshair and of the ring around the
// cursor the model drew (viewer/overlay.go).
var (
	colourMouse       = color.RGBA{0, 230, 90, 255}
	colourModelCursor = color.RGBA{255, 60, 60, 255}
)

// near reports a pixel of colour c within r pixels of (x, y).
func near(img image.Image, x, y, r int, c color.RGBA) bool {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if color.RGBAModel.Convert(img.At(x+dx, y+dy)) == c {
				return true
			}
		}
	}
	return false
}

// isBackground reports the play window's clear colour.
func isBackground(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 == 31 && g>>8 == 31 && b>>8 == 36
}
