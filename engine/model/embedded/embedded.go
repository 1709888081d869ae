// Package embedded holds NC Studio's default neural computer, built into
// the binary (half-float weights) so that the studio and the commands work
// with no checkpoint file. See docs/MODEL.md for how it was trained and
// README.md for its scores.
package embedded

import (
	"bytes"
	_ "embed"
	"os"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

//go:embed default.safetensors
var data []byte

// Name is how commands and the studio refer to the embedded checkpoint.
const Name = "default"

// Size is the embedded file's size in bytes.
func Size() int { return len(data) }

// Bytes is the embedded safetensors file (read-only).
func Bytes() []byte { return data }

// Load builds the default model on be, with its checkpoint metadata.
func Load(be tensor.Backend) (*model.Model, map[string]string, error) {
	f, err := ckpt.Decode("embedded default checkpoint", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	m, err := model.FromCheckpoint(be, "embedded default checkpoint", f)
	if err != nil {
		return nil, nil, err
	}
	return m, f.Metadata, nil
}

// Extract writes the default checkpoint to a new temporary file in dir (""
// for the system's temporary folder), for tools that take a path; the
// caller removes it.
func Extract(dir string) (string, error) {
	f, err := os.CreateTemp(dir, "ncstudio-default-*.safetensors")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
