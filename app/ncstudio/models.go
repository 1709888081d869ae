package main

import (
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

// ckptHelp describes the --ckpt flag of commands that run a model.
const ckptHelp = "checkpoint (.safetensors), or \"default\" for the one built into ncstudio"

// loadModel loads a checkpoint file, or the embedded default for "default"
// (and for an empty name), on the CPU backend.
func loadModel(path string) (*model.Model, map[string]string, error) {
	if path == "" || path == embedded.Name {
		return embedded.Load(cpu.New())
	}
	return model.Load(cpu.New(), path)
}

// loadSpec loads a desktop spec file, or the built-in desktop for "".
func loadSpec(path string) (*sandbox.Spec, error) {
	if path == "" {
		return sandbox.DefaultSpec(), nil
	}
	return sandbox.LoadSpec(path)
}
