package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

func TestCkptContext(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "longer.safetensors")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "context", "default", out, "--frames", "4"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	got, _, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cfg.Dyn.Context != 4 {
		t.Errorf("context %d latents, want 4", got.Cfg.Dyn.Context)
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "context", "default", out, "--frames", "4"}, "exists", 1},
		{[]string{"ckpt", "context", out, filepath.Join(dir, "a.safetensors"), "--frames", "3"}, "already sees 4 latents", 1},
		{[]string{"ckpt", "context", "default", filepath.Join(dir, "b.safetensors")}, "--frames K", 2},
		{[]string{"ckpt", "context", writeTestCkpt(t), filepath.Join(dir, "c.safetensors"), "--frames", "4"}, "not an NC Studio model", 1},
		{[]string{"ckpt", "context", "default", "--frames", "4"}, "want IN and OUT", 2},
	})
}
