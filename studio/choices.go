package studio

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// What the pages that pick checkpoints and traces share.

// Built-in checkpoints are listed as "NAME (built-in)" and stand among
// checkpoint paths as builtinPrefix + NAME (no file can be named so); ""
// also means the default, the studio's fallback.
const builtinPrefix = "\x00builtin:"

func builtinLabel(b embedded.Builtin) string { return b.Name + " (built-in)" }

func builtinPath(b embedded.Builtin) string { return builtinPrefix + b.Name }

// builtinName is how the default checkpoint is listed.
var builtinName = builtinLabel(embedded.Builtins[0])

// builtinOf is the built-in checkpoint a path stands for, if any.
func builtinOf(path string) (embedded.Builtin, bool) {
	if path == "" {
		return embedded.Builtins[0], true
	}
	if name, ok := strings.CutPrefix(path, builtinPrefix); ok {
		return embedded.Lookup(name)
	}
	return embedded.Builtin{}, false
}

// checkpointChoices lists the built-in checkpoints and the workspace's
// usable ones, with each name's path (builtinPath for the built-in ones).
func checkpointChoices(ws workspace.Workspace) ([]string, map[string]string) {
	var names []string
	paths := map[string]string{}
	for _, b := range embedded.Builtins {
		names = append(names, builtinLabel(b))
		paths[builtinLabel(b)] = builtinPath(b)
	}
	if cks, err := ws.ListCheckpoints(); err == nil {
		for _, c := range cks {
			if c.Err == nil {
				names = append(names, c.Name)
				paths[c.Name] = c.Path
			}
		}
	}
	return names, paths
}

// traceNames lists the workspace's readable traces, newest first.
func traceNames(ws workspace.Workspace) []string {
	var names []string
	if trs, err := workspace.ListTraces(ws.Traces()); err == nil {
		for _, t := range trs {
			if t.Err == nil {
				names = append(names, t.Name)
			}
		}
	}
	return names
}

// setOptions replaces a Select's options, keeping its choice when it is
// still offered and choosing def otherwise.
func setOptions(s *widget.Select, options []string, def string) {
	sel := s.Selected
	s.Options = options
	if !slices.Contains(options, sel) {
		sel = def
	}
	s.SetSelected(sel)
}

// loadCheckpoint loads a checkpoint file or a built-in one (see builtinOf).
func loadCheckpoint(path string) (*model.Model, error) {
	if b, ok := builtinOf(path); ok {
		m, _, err := b.Load(cpu.New())
		return m, err
	}
	m, _, err := model.Load(cpu.New(), path)
	return m, err
}

// reportError shows err in a dialog, or in a label when there is no
// window (page tests).
func reportError(win fyne.Window, fallback *widget.Label, err error) {
	if win != nil {
		dialog.ShowError(err, win)
	} else {
		fallback.SetText("error: " + err.Error())
	}
}
