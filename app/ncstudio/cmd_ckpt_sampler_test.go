package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
)

func TestCkptSampler(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	m, _ := model.New(cpu.New(), cfg, 1)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := m.Save(in, map[string]string{"ncstudio.preset": "tiny"}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"ckpt", "sampler", in, out, "--hold", "0.25", "--hold-by", "token", "--steps", "3"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	got, meta, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	want := cfg.Sampler
	want.Steps, want.Hold, want.HoldTokens = 3, 0.25, true
	if got.Cfg.Sampler != want || meta["ncstudio.preset"] != "tiny" {
		t.Errorf("sampler %+v (want %+v), metadata %v", got.Cfg.Sampler, want, meta)
	}
	a, _ := ckpt.Load(in)
	b, _ := ckpt.Load(out)
	if !slices.EqualFunc(a.Tensors, b.Tensors, func(x, y ckpt.Tensor) bool {
		return x.Name == y.Name && x.DType == y.DType && slices.Equal(x.Data, y.Data)
	}) {
		t.Error("the weights changed")
	}
	checkCommandErrors(t, []commandError{
		{[]string{"ckpt", "sampler", in, out}, "exists", 1},
		{[]string{"ckpt", "sampler", writeTestCkpt(t), filepath.Join(dir, "x.safetensors")}, "not an NC Studio model", 1},
		{[]string{"ckpt", "sampler", in, filepath.Join(dir, "y.safetensors"), "--steps", "65"}, "--steps", 2},
		{[]string{"ckpt", "sampler", in}, "want IN and OUT", 2},
		{[]string{"ckpt", "sampler", in, filepath.Join(dir, "z.safetensors"), "--hold-by", "glyph"}, "--hold-by is cell or token", 2},
	})
}
