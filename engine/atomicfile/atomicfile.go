// Package atomicfile replaces files so that a reader, or a crash at any
// moment, sees either the old content or the new, never a mix: the new
// content goes to a temporary file in the same directory, which is synced,
// renamed over the target, and the directory synced so the rename is
// durable. Checkpoints and trace metadata are written this way.
package atomicfile

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// Write replaces path with what write writes. An existing file keeps its
// permissions; a new one gets 0644 less the umask. When write fails its
// error is returned unchanged; other failures say which stage failed
// ("sync: ...", "sync directory: ..."). On any error path is untouched and
// no temporary file is left.
func Write(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	perm, keep := os.FileMode(0o644), false
	if st, err := os.Stat(path); err == nil {
		perm, keep = st.Mode().Perm(), true
	}
	tmp, err := createTemp(dir, filepath.Base(path), perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if keep {
		// Undo the umask, which applied at creation.
		if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
			return err
		}
	}
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// WritePNG writes img as a PNG file at path, atomically.
func WritePNG(path string, img image.Image) error {
	return Write(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// createTemp is os.CreateTemp with a chosen mode (CreateTemp always uses
// 0600, which would make every saved file private).
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%08x", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, errors.New("cannot create a temporary file in " + dir)
}

// SyncDir makes the creations, renames and removals in dir durable.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot sync a directory; nothing more can be done.
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
