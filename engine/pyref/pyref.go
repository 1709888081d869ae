// Package pyref holds the Python reference scripts (PyTorch, scikit-image)
// that tests and benchmarks run with Debian's python3, embedded so that the
// ncstudio binary can run them too (`ncstudio bench train`).
package pyref

import (
	"embed"
	"os"
	"path/filepath"
)

//go:embed *.py
var scripts embed.FS

// Python is the interpreter with Debian's python3-torch and python3-skimage.
const Python = "/usr/bin/python3"

// Extract writes the scripts into dir and returns it.
func Extract(dir string) (string, error) {
	entries, err := scripts.ReadDir(".")
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		data, err := scripts.ReadFile(e.Name())
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}
