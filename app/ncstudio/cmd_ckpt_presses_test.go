package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

func TestCkptPresses(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := model.Preset("default")
	cfg.Dyn.PressHistory = 0 // as trained before press histories
	m, _ := model.New(cpu.New(), cfg, 1)
	in := filepath.Join(dir, "in.safetensors")
	if err := m.Save(in, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "presses.safetensors")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "presses", in, out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	got, _, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cfg.Dyn.PressHistory != 8 { // half a second at 15 frames a second
		t.Errorf("press history %d steps, want 8", got.Cfg.Dyn.PressHistory)
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "presses", in, out}, "exists", 1},
		{[]string{"ckpt", "presses", out, filepath.Join(dir, "a.safetensors")}, "already has a press history", 1},
		{[]string{"ckpt", "presses", "default", filepath.Join(dir, "b.safetensors")}, "already has a press history (8 steps)", 1},
		{[]string{"ckpt", "presses", in, filepath.Join(dir, "c.safetensors"), "--steps", "40"}, "press_history", 1},
		{[]string{"ckpt", "presses", writeTestCkpt(t), filepath.Join(dir, "d.safetensors")}, "not an NC Studio model", 1},
		{[]string{"ckpt", "presses", "default"}, "want IN and OUT", 2},
	})
}
