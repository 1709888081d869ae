package studio

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/workspace"
)

// libraryPage lists the checkpoints (the built-in one first) and traces of
// the workspace, and shows the selected one with what can be done to it.
type libraryPage struct {
	ws      workspace.Workspace
	win     fyne.Window
	content fyne.CanvasObject

	ckpts      []workspace.Checkpoint // index 0 is the built-in default
	traces     []workspace.Trace
	ckptList   *widget.List
	traceList  *widget.List
	detail     *fyne.Container
	onPlay     func(path, name string) // path "" for the built-in checkpoint
	onFineTune func(path, name string)
}

func newLibraryPage(ws workspace.Workspace) *libraryPage {
	l := &libraryPage{ws: ws, detail: container.NewStack()}
	l.ckptList = widget.NewList(func() int { return len(l.ckpts) },
		func() fyne.CanvasObject { return twoLines() },
		func(i widget.ListItemID, o fyne.CanvasObject) { setTwoLines(o, l.ckpts[i].Name, l.ckpts[i].Summary()) })
	l.traceList = widget.NewList(func() int { return len(l.traces) },
		func() fyne.CanvasObject { return twoLines() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			setTwoLines(o, l.traces[i].Name, l.traces[i].Summary())
		})
	l.ckptList.OnSelected = func(i widget.ListItemID) {
		l.traceList.UnselectAll()
		_, builtin := builtinOf(l.ckpts[i].Path)
		l.showCheckpoint(l.ckpts[i], builtin)
	}
	l.traceList.OnSelected = func(i widget.ListItemID) {
		l.ckptList.UnselectAll()
		l.showTrace(l.traces[i])
	}
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), l.refresh)
	where := widget.NewLabel("Folder: " + ws.Root)
	where.Importance = widget.LowImportance
	where.Truncation = fyne.TextTruncateEllipsis
	lists := container.NewVSplit(
		container.NewBorder(heading("Checkpoints"), nil, nil, nil, l.ckptList),
		container.NewBorder(heading("Traces"), nil, nil, nil, l.traceList))
	split := container.NewHSplit(lists, container.NewPadded(l.detail))
	split.Offset = 0.45
	l.content = container.NewBorder(container.NewBorder(nil, nil, refresh, nil, where), nil, nil, nil, split)
	l.refresh()
	return l
}

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func twoLines() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	about := widget.NewLabel("")
	about.Importance = widget.LowImportance
	about.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(name, about)
}

func setTwoLines(o fyne.CanvasObject, name, about string) {
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(name)
	box.Objects[1].(*widget.Label).SetText(about)
}

// refresh lists the workspace again.
func (l *libraryPage) refresh() {
	l.ckpts = nil
	for _, b := range embedded.Builtins {
		c := workspace.DescribeBytes(builtinLabel(b), b.Bytes())
		c.Path = builtinPath(b)
		l.ckpts = append(l.ckpts, c)
	}
	cks, err := l.ws.ListCheckpoints()
	l.ckpts = append(l.ckpts, cks...)
	trs, terr := workspace.ListTraces(l.ws.Traces())
	l.traces = trs
	l.ckptList.UnselectAll()
	l.traceList.UnselectAll()
	l.ckptList.Refresh()
	l.traceList.Refresh()
	l.detail.Objects = []fyne.CanvasObject{wrapped("Select a checkpoint or a trace.\n\nTraces go in " + l.ws.Traces() +
		" (ncstudio synth --out there, or the sandbox's --record); trained checkpoints appear in " + l.ws.Checkpoints() + ".")}
	l.detail.Refresh()
	for _, e := range []error{err, terr} {
		if e != nil && l.win != nil {
			dialog.ShowError(e, l.win)
		}
	}
}

// checkpointByPath selects the checkpoint at path, if listed.
func (l *libraryPage) selectCheckpoint(path string) bool {
	for i, c := range l.ckpts {
		if c.Path == path && path != "" {
			l.ckptList.Select(i)
			return true
		}
	}
	return false
}

func (l *libraryPage) showCheckpoint(c workspace.Checkpoint, builtin bool) {
	rows := []fyne.CanvasObject{heading(c.Name), wrapped(c.Summary())}
	if !builtin {
		rows = append(rows, wrapped(fmt.Sprintf("%s\n%.1f MB · modified %s", c.Path, float64(c.Bytes)/1e6, c.Modified.Format(time.DateTime))))
		for _, k := range []string{"ncstudio.trained", "ncstudio.command", "ncstudio.preset"} {
			if v := c.Meta[k]; v != "" {
				rows = append(rows, wrapped(k+": "+v))
			}
		}
		rows = append(rows, wrapped(lastEval(c.Path)))
	} else {
		b, _ := builtinOf(c.Path)
		rows = append(rows, wrapped("Built into ncstudio: "+b.About+". README.md gives its scores."))
	}
	path := c.Path
	play := widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), func() {
		if l.onPlay != nil {
			l.onPlay(path, c.Name)
		}
	})
	tune := widget.NewButtonWithIcon("Fine-tune", theme.ComputerIcon(), func() {
		if l.onFineTune != nil {
			l.onFineTune(path, c.Name)
		}
	})
	if c.Err != nil {
		play.Disable()
		tune.Disable()
	}
	buttons := container.NewHBox(play, tune)
	if !builtin {
		buttons.Objects = append(buttons.Objects, l.fileButtons(c.Path)...)
	}
	l.setDetail(append(rows, buttons)...)
}

func (l *libraryPage) showTrace(t workspace.Trace) {
	rows := []fyne.CanvasObject{heading(t.Name), wrapped(t.Summary()), wrapped(t.Path)}
	if t.Err == nil && t.Frames > 0 {
		img := canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, t.Meta.Width, t.Meta.Height)))
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSize(float32(2*t.Meta.Width), float32(2*t.Meta.Height)))
		pos := widget.NewLabel("")
		show := func(i int) {
			if f, err := workspace.Frame(t.Path, i); err == nil {
				img.Image = f
				img.Refresh()
			}
			pos.SetText(fmt.Sprintf("frame %d of %d", i+1, t.Frames))
		}
		scrub := widget.NewSlider(0, float64(t.Frames-1))
		scrub.Step = 1
		scrub.OnChanged = func(v float64) { show(int(v)) }
		show(0)
		rows = append(rows, img, scrub, pos)
	}
	rows = append(rows, container.NewHBox(l.fileButtons(t.Path)...))
	l.setDetail(rows...)
}

// lastEval describes a checkpoint's latest evaluation (Evaluate page or
// `ncstudio eval`).
func lastEval(path string) string {
	last, err := eval.LoadLast(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "Not evaluated yet: the Evaluate page scores it on held-out traces."
	case err != nil:
		return "Last evaluation unreadable: " + err.Error()
	}
	return "Last evaluated " + last.When.Local().Format(time.DateTime) + ": " + last.Result.Summary()
}

func (l *libraryPage) setDetail(rows ...fyne.CanvasObject) {
	l.detail.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewVBox(rows...))}
	l.detail.Refresh()
}

// fileButtons are Rename, Move to trash and Show in folder.
func (l *libraryPage) fileButtons(path string) []fyne.CanvasObject {
	rename := widget.NewButtonWithIcon("Rename", theme.DocumentCreateIcon(), func() {
		entry := widget.NewEntry()
		ext := filepath.Ext(path)
		entry.SetText(filepath.Base(path[:len(path)-len(ext)]))
		dialog.ShowForm("Rename", "Rename", "Cancel", []*widget.FormItem{widget.NewFormItem("New name", entry)}, func(ok bool) {
			if !ok {
				return
			}
			if _, err := workspace.Rename(path, entry.Text); err != nil {
				dialog.ShowError(err, l.win)
				return
			}
			l.refresh()
		}, l.win)
	})
	trash := widget.NewButtonWithIcon("Move to trash", theme.DeleteIcon(), func() {
		dialog.ShowConfirm("Move to trash", "Move "+filepath.Base(path)+" to the trash? The file manager can restore it.", func(ok bool) {
			if !ok {
				return
			}
			if _, err := workspace.Trash(path); err != nil {
				dialog.ShowError(err, l.win)
				return
			}
			l.refresh()
		}, l.win)
	})
	trash.Importance = widget.DangerImportance
	reveal := widget.NewButtonWithIcon("Show in folder", theme.FolderOpenIcon(), func() { l.reveal(filepath.Dir(path)) })
	return []fyne.CanvasObject{rename, trash, reveal}
}

// reveal opens a folder in the desktop's file manager.
func (l *libraryPage) reveal(dir string) {
	if err := exec.Command("xdg-open", dir).Start(); err != nil {
		dialog.ShowError(fmt.Errorf("opening %s: %w", dir, err), l.win)
	}
}
