// Package synthtest writes small synthetic traces for other packages'
// tests.
package synthtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth"
)

// Tiny writes one trace of frames frames at the tiny preset's size, played
// by agent (random, goal or mixed) with seed, into a new temporary
// directory, and returns the directory and the preset.
func Tiny(t testing.TB, agent string, seed uint64, frames int) (string, model.Config) {
	t.Helper()
	cfg, err := model.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := synth.Write(context.Background(), filepath.Join(dir, "t.nctrace"),
		synth.Options{Width: cfg.Width, Height: cfg.Height, FPS: 15, Agent: agent, Seed: seed, Frames: frames}); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}
