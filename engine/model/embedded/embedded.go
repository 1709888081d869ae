// Package embedded holds the neural computers built into NC Studio's binary
// (half-float weights), so that the studio and the commands work with no
// checkpoint file: the default desktop and a terminal. See docs/MODEL.md and
// docs/TERMINAL.md for how they were trained and README.md for their scores.
package embedded

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

//go:embed default.safetensors
var defaultData []byte

//go:embed terminal.safetensors
var terminalData []byte

// Name is how commands and the studio refer to the default checkpoint, the
// desktop the studio opens on.
const Name = "default"

// TerminalName refers to the built-in neural terminal.
const TerminalName = "terminal"

// Builtin is one checkpoint built into the binary.
type Builtin struct {
	Name  string // how commands (--ckpt NAME) and the studio refer to it
	About string // what it is, in a few words
	data  []byte
}

// Builtins lists the built-in checkpoints, the default first.
var Builtins = []Builtin{
	{Name: Name, About: "the sandbox desktop, 128x96", data: defaultData},
	{Name: TerminalName, About: "a bash terminal, 32x12 characters", data: terminalData},
}

// Lookup finds a built-in checkpoint by name.
func Lookup(name string) (Builtin, bool) {
	for _, b := range Builtins {
		if b.Name == name {
			return b, true
		}
	}
	return Builtin{}, false
}

// Bytes is the built-in safetensors file (read-only).
func (b Builtin) Bytes() []byte { return b.data }

// what names the checkpoint in errors.
func (b Builtin) what() string { return fmt.Sprintf("built-in %s checkpoint", b.Name) }

// File decodes the checkpoint without building a model: for tools that
// rewrite checkpoints.
func (b Builtin) File() (*ckpt.File, error) {
	return ckpt.Decode(b.what(), bytes.NewReader(b.data), int64(len(b.data)))
}

// Load builds the model on be, with its checkpoint metadata.
func (b Builtin) Load(be tensor.Backend) (*model.Model, map[string]string, error) {
	f, err := b.File()
	if err != nil {
		return nil, nil, err
	}
	m, err := model.FromCheckpoint(be, b.what(), f)
	if err != nil {
		return nil, nil, err
	}
	return m, f.Metadata, nil
}

// Extract writes the checkpoint to a new temporary file in dir ("" for the
// system's temporary folder), for tools that take a path; the caller
// removes it.
func (b Builtin) Extract(dir string) (string, error) {
	f, err := os.CreateTemp(dir, "ncstudio-"+b.Name+"-*.safetensors")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b.data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Size is the default checkpoint's size in bytes.
func Size() int { return len(defaultData) }

// Bytes is the default safetensors file (read-only).
func Bytes() []byte { return defaultData }

// Load builds the default model on be, with its checkpoint metadata.
func Load(be tensor.Backend) (*model.Model, map[string]string, error) {
	return Builtins[0].Load(be)
}

// Extract writes the default checkpoint to a new temporary file (see
// Builtin.Extract).
func Extract(dir string) (string, error) { return Builtins[0].Extract(dir) }
