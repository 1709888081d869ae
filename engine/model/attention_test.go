package model

import (
	"image"
	"math"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
)

// After a step, the maps cover the token grid for every block and action
// token: a distribution over the action tokens with internal injection, a
// share of the attention with contextual; none for the other modes.
func TestActionAttention(t *testing.T) {
	for _, mode := range InjectionModes {
		t.Run(mode, func(t *testing.T) {
			cfg, _ := Preset("tiny")
			cfg.Dyn.Injection = mode
			m, err := New(cpu.New(), cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			s, err := m.NewSession(image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height)), 1)
			if err != nil {
				t.Fatal(err)
			}
			s.Step(action.Action{X: 10, Y: 10, Buttons: action.Left})
			aa := m.Dyn.ActionAttention()
			if mode != Internal && mode != Contextual {
				if aa != nil {
					t.Fatalf("%s injection has action attention maps", mode)
				}
				return
			}
			if aa == nil || len(aa.Maps) != cfg.Dyn.Layers || len(aa.Maps[0]) != cfg.Dyn.actionTokens() || aa.GridW*aa.GridH != cfg.Tokens() {
				t.Fatalf("maps %+v", aa)
			}
			for l, maps := range aa.Maps {
				for tok := range cfg.Tokens() {
					var sum float64
					for _, mp := range maps {
						if v := float64(mp[tok]); v < 0 || v > 1 {
							t.Fatalf("block %d token %d: weight %v", l, tok, v)
						}
						sum += float64(mp[tok])
					}
					if mode == Internal && math.Abs(sum-1) > 1e-4 {
						t.Fatalf("block %d token %d: cross-attention weights sum to %v", l, tok, sum)
					}
					if mode == Contextual && !(sum > 0 && sum < 1) {
						t.Fatalf("block %d token %d: share on the action tokens %v", l, tok, sum)
					}
				}
			}
		})
	}
}
