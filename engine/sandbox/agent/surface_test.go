package agent

import (
	"image"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

// fixedSurface is a screen with two windows that never change.
type fixedSurface struct{}

func (fixedSurface) Size() (int, int)    { return 320, 240 }
func (fixedSurface) FPS() float64        { return 15 }
func (fixedSurface) Pointer() (int, int) { return 10, 10 }
func (fixedSurface) Windows() []Window {
	return []Window{
		{Frame: image.Rect(20, 20, 150, 120), TitleBar: image.Rect(20, 20, 150, 32)},
		{Frame: image.Rect(160, 100, 300, 220)},
	}
}
func (s fixedSurface) Targets() []image.Rectangle { return []image.Rectangle{s.Windows()[0].TitleBar} }

// TestSurfaceAgents: every kind stays on the screen and, over a few
// thousand steps, clicks, double-clicks, right-clicks, drags title bars
// and types.
func TestSurfaceAgents(t *testing.T) {
	for _, kind := range []string{"random", "goal", "mixed"} {
		a, err := NewForSurface(kind, 7)
		if err != nil {
			t.Fatal(err)
		}
		var prev action.Action
		prev.X, prev.Y = 10, 10
		left, right, text, titleDrags := 0, 0, 0, 0
		for range 3000 {
			act := a.Next(fixedSurface{})
			if act.X < 0 || act.Y < 0 || act.X >= 320 || act.Y >= 240 {
				t.Fatalf("%s: off screen: %v", kind, act)
			}
			p := act.Pressed(prev)
			if p.Has(action.Left) {
				left++
				if (image.Point{act.X, act.Y}).In(image.Rect(20, 20, 150, 32)) {
					titleDrags++
				}
			}
			if p.Has(action.Right) {
				right++
			}
			text += len(act.Text)
			prev = act
		}
		if left < 20 || right < 2 || text < 10 || (kind != "random" && titleDrags < 3) {
			t.Errorf("%s: %d left presses (%d on the title bar), %d right, %d characters typed", kind, left, titleDrags, right, text)
		}
	}
	if _, err := NewForSurface("lazy", 1); err == nil {
		t.Error("unknown kind accepted")
	}
}
