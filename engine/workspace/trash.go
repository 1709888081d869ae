package workspace

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Trash moves a file or folder (and a checkpoint's companion files) to the
// user's trash as the freedesktop.org trash specification lays it out
// ($XDG_DATA_HOME/Trash/files and info/NAME.trashinfo), so that the
// desktop's file manager can restore it. It returns where it went.
func Trash(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir, err := trashDir()
	if err != nil {
		return "", err
	}
	to, err := trashOne(dir, abs)
	if err != nil {
		return "", err
	}
	for _, suffix := range companions(abs) {
		if _, err := os.Stat(abs + suffix); err == nil {
			if _, err := trashOne(dir, abs+suffix); err != nil {
				return to, err
			}
		}
	}
	return to, nil
}

func trashDir() (string, error) {
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		data = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(data, "Trash")
	for _, d := range []string{"files", "info"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// trashOne writes the info file first (claiming the name with O_EXCL, as
// the specification asks), then moves the file.
func trashOne(dir, abs string) (string, error) {
	base := filepath.Base(abs)
	for i := 0; i < 1000; i++ {
		name := base
		if i > 0 {
			ext := filepath.Ext(base)
			name = strings.TrimSuffix(base, ext) + "." + strconv.Itoa(i+1) + ext
		}
		info := filepath.Join(dir, "info", name+".trashinfo")
		f, err := os.OpenFile(info, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(f, "[Trash Info]\nPath=%s\nDeletionDate=%s\n", (&url.URL{Path: abs}).EscapedPath(), time.Now().Format("2006-01-02T15:04:05"))
		if err := f.Close(); err != nil {
			os.Remove(info)
			return "", err
		}
		to := filepath.Join(dir, "files", name)
		if err := os.Rename(abs, to); err != nil {
			os.Remove(info)
			return "", fmt.Errorf("moving %s to the trash: %w", abs, err)
		}
		return to, nil
	}
	return "", fmt.Errorf("moving %s to the trash: too many files of that name there", abs)
}
