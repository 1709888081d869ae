package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is the release name; the Makefile sets it from `git describe`
// with -ldflags "-X main.version=...". Plain `go build` leaves it "dev".
var version = "dev"

func init() {
	register(&command{
		name:    "version",
		usage:   "[--json]",
		summary: "print the version, Go toolchain, platform and key module versions",
		run:     runVersion,
	})
}

// versionInfo is the --json form of `version`.
type versionInfo struct {
	Version string            `json:"version"`
	Go      string            `json:"go"`
	OS      string            `json:"os"`
	Arch    string            `json:"arch"`
	Module  string            `json:"module"`
	Deps    map[string]string `json:"deps"` // module path -> version, for keyModules found in the build
}

// keyModules are the dependencies worth naming in `version`.
var keyModules = []string{"fyne.io/fyne/v2", "gorgonia.org/cu"}

func buildVersionInfo() versionInfo {
	v := versionInfo{
		Version: version,
		Go:      runtime.Version(),
		OS:      runtime.GOOS,
		Arch:    runtime.GOARCH,
		Deps:    map[string]string{},
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Module = bi.Main.Path
		for _, d := range bi.Deps {
			for _, k := range keyModules {
				if d.Path == k {
					if d.Replace != nil {
						d = d.Replace
					}
					v.Deps[k] = d.Version
				}
			}
		}
	}
	return v
}

// oneLine is the version as shown in the studio's footer.
func (v versionInfo) oneLine() string {
	parts := []string{"ncstudio " + v.Version, v.Go, v.OS + "/" + v.Arch}
	if f := v.Deps["fyne.io/fyne/v2"]; f != "" {
		parts = append(parts, "Fyne "+f)
	}
	return strings.Join(parts, " · ")
}

func runVersion(c *context) error {
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return usagef("version: takes no arguments")
	}
	v := buildVersionInfo()
	return c.Emit(v, func(w io.Writer) {
		fmt.Fprintf(w, "ncstudio %s\n", v.Version)
		fmt.Fprintf(w, "go:       %s %s/%s\n", v.Go, v.OS, v.Arch)
		for _, k := range keyModules {
			if d, ok := v.Deps[k]; ok {
				fmt.Fprintf(w, "%-9s %s\n", lastElem(k)+":", d)
			}
		}
	})
}

// lastElem names a module by its last path element that is not a major
// version suffix: fyne.io/fyne/v2 -> fyne, gorgonia.org/cu -> cu.
func lastElem(path string) string {
	el := strings.Split(path, "/")
	for i := len(el) - 1; i > 0; i-- {
		if !(len(el[i]) >= 2 && el[i][0] == 'v' && strings.Trim(el[i][1:], "0123456789") == "") {
			return el[i]
		}
	}
	return el[0]
}
