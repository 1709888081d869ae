package model

import (
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

// The press history's one-hots: per button, slot n-1 for a press n steps
// ago, nothing for a press further back than the history or none at all.
func TestFeaturizePresses(t *testing.T) {
	cfg := Config{Width: 64, Height: 48, Dyn: DynamicsConfig{PressHistory: 4}}
	var clock action.PressClock
	press := func(b action.Buttons) { clock.Step(action.Action{}, action.Action{Buttons: b}) }
	idle := func() { clock.Step(action.Action{}, action.Action{}) }
	press(action.Right) // 6 steps ago: beyond the history
	idle()
	press(action.Middle) // 4 steps ago: the last slot
	idle()
	press(action.Left) // 2 steps ago
	idle()
	dst := make([]float32, cfg.ActionInputs())
	for i := range dst {
		dst[i] = 7 // Featurize must clear what was there
	}
	cfg.Featurize(dst, action.Action{}, action.Action{}, clock)
	want := map[int]bool{ActionFeatures + 1: true, ActionFeatures + 4 + 3: true}
	for i := ActionFeatures; i < len(dst); i++ {
		if (dst[i] == 1) != want[i] || (dst[i] != 0 && dst[i] != 1) {
			t.Errorf("press feature %d = %g, want set %v", i-ActionFeatures, dst[i], want[i])
		}
	}
	if len(dst) != ActionFeatures+12 {
		t.Errorf("%d action inputs, want %d", len(dst), ActionFeatures+12)
	}
}
