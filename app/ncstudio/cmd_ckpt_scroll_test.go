package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

func TestCkptScroll(t *testing.T) {
	dir := t.TempDir()
	save := func(preset string) string {
		cfg, _ := model.Preset(preset)
		cfg.Dyn.ScrollShifts = nil // as trained before scroll inputs
		m, _ := model.New(cpu.New(), cfg, 1)
		path := filepath.Join(dir, preset+".safetensors")
		if err := m.Save(path, nil); err != nil {
			t.Fatal(err)
		}
		return path
	}
	term, tiny := save("terminal"), save("tiny")
	out := filepath.Join(dir, "scroll.safetensors")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "scroll", term, out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	got, _, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	// One to three text rows of 16 pixels on the 4x-reduced latent.
	if !slices.Equal(got.Cfg.Dyn.ScrollShifts, []int{4, 8, 12}) {
		t.Errorf("scroll shifts %v, want [4 8 12] (one to three 16-pixel text rows)", got.Cfg.Dyn.ScrollShifts)
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "scroll", term, out}, "exists", 1},
		{[]string{"ckpt", "scroll", out, filepath.Join(dir, "a.safetensors")}, "already has scroll inputs", 1},
		{[]string{"ckpt", "scroll", tiny, filepath.Join(dir, "b.safetensors")}, "not a terminal model", 2},
		{[]string{"ckpt", "scroll", writeTestCkpt(t), filepath.Join(dir, "c.safetensors"), "--shifts", "2"}, "not an NC Studio model", 1},
		{[]string{"ckpt", "scroll", tiny, filepath.Join(dir, "e.safetensors"), "--shifts", "2,x"}, "whole numbers", 2},
		{[]string{"ckpt", "scroll", tiny, filepath.Join(dir, "f.safetensors"), "--shifts", "12"}, "scroll_shifts", 1},
		{[]string{"ckpt", "scroll", term}, "want IN and OUT", 2},
	})
	if err := dispatch([]string{"ckpt", "scroll", tiny, filepath.Join(dir, "d.safetensors"), "--shifts", "2,4"}, &stdout, &stderr); err != nil {
		t.Errorf("--shifts 2,4 on a desktop model: %v", err)
	}
}
