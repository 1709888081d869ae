package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ncstudio/ncstudio/studio"
)

// nativeDialogs runs ncdialog (app/ncdialog: GTK's file chooser through
// github.com/sqweek/dialog), built next to ncstudio, one process per
// chooser: GTK then never shares a process with the studio's GL windows.
type nativeDialogs struct{ bin string }

// findDialogs returns the native choosers, or nil (Fyne's) when ncdialog
// is not next to this executable.
func findDialogs() studio.FileDialogs {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	bin := filepath.Join(filepath.Dir(exe), "ncdialog")
	if _, err := os.Stat(bin); err != nil {
		return nil
	}
	return nativeDialogs{bin}
}

func (d nativeDialogs) OpenFile(title, dir string, exts ...string) (string, error) {
	args := []string{"file", "--title", title, "--dir", dir}
	for _, e := range exts {
		args = append(args, "--ext", e)
	}
	return d.run(args...)
}

func (d nativeDialogs) OpenFolder(title, dir string) (string, error) {
	return d.run("folder", "--title", title, "--dir", dir)
}

// exitCancelled is ncdialog's status for a cancelled chooser.
const exitCancelled = 3

func (d nativeDialogs) run(args ...string) (string, error) {
	var out, stderr bytes.Buffer
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(os.Environ(), "GSETTINGS_BACKEND=memory") // no settings daemon needed
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == exitCancelled:
		return "", studio.ErrCancelled
	case err != nil:
		return "", fmt.Errorf("ncdialog: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(out.String()), nil
}
