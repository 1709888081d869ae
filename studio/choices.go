package studio

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// What the pages that pick checkpoints and traces share.

// builtinName is how the built-in checkpoint is listed.
const builtinName = embedded.Name + " (built-in)"

// checkpointChoices lists the built-in checkpoint and the workspace's
// usable ones, with each name's path ("" for the built-in one).
func checkpointChoices(ws workspace.Workspace) ([]string, map[string]string) {
	names, paths := []string{builtinName}, map[string]string{builtinName: ""}
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

// loadCheckpoint loads a checkpoint file, or the built-in one for "".
func loadCheckpoint(path string) (*model.Model, error) {
	if path == "" {
		m, _, err := embedded.Load(cpu.New())
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
