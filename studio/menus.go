package studio

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/importer/asciinema"
	"github.com/ncstudio/ncstudio/engine/termrec"
	"github.com/ncstudio/ncstudio/engine/workspace"
	"github.com/ncstudio/ncstudio/viewer"
)

// Preference keys (Fyne keeps them per app ID).
const (
	prefLastCheckpoint = "play.checkpoint" // path, or a built-in one's (builtinPath)
	prefRecent         = "play.recent"     // recent checkpoint paths, newest first
	prefPage           = "window.page"     // the page shown last
	recentMax          = 8
)

// mainMenu is the window's menu bar: File (open a checkpoint, add traces,
// recent checkpoints, open the workspace folder, quit) and Help (keys,
// About).
func (st *studio) mainMenu(quit func()) *fyne.MainMenu {
	recent := fyne.NewMenuItem("Play recent", nil)
	recent.ChildMenu = fyne.NewMenu("")
	st.recentMenu = recent
	st.fillRecent()
	quitItem := fyne.NewMenuItem("Quit", quit)
	quitItem.IsQuit = true
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open a checkpoint…", st.openCheckpoint),
		fyne.NewMenuItem("Add a trace…", st.addTraceFolder),
		fyne.NewMenuItem("Import an asciinema cast…", st.importCastFile),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Play the built-in checkpoint", func() { st.play1("", "") }),
		recent,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Workspace folder: "+st.ws.Root, func() { st.library.reveal(st.ws.Root) }),
		fyne.NewMenuItemSeparator(),
		quitItem,
	)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Keys", st.showKeys),
		fyne.NewMenuItem("About NC Studio", st.showAbout),
	)
	return fyne.NewMainMenu(file, help)
}

// fillRecent lists the recent checkpoints that still exist.
func (st *studio) fillRecent() {
	if st.recentMenu == nil {
		return
	}
	var items []*fyne.MenuItem
	for _, path := range st.recent() {
		items = append(items, fyne.NewMenuItem(filepath.Base(path), func() { st.play1(path, strings.TrimSuffix(filepath.Base(path), ".safetensors")) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("(none yet)", nil)
		none.Disabled = true
		items = append(items, none)
	}
	st.recentMenu.ChildMenu.Items = items
	st.recentMenu.ChildMenu.Refresh()
}

// recent is the recent checkpoint list, without files since removed.
func (st *studio) recent() []string {
	var out []string
	for _, p := range st.prefs().StringList(prefRecent) {
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// remember records a checkpoint that was played.
func (st *studio) remember(path string) {
	st.prefs().SetString(prefLastCheckpoint, path)
	if _, builtin := builtinOf(path); builtin { // not a file for File > Open Recent
		return
	}
	list := []string{path}
	for _, p := range st.recent() {
		if p != path && len(list) < recentMax {
			list = append(list, p)
		}
	}
	st.prefs().SetStringList(prefRecent, list)
	st.fillRecent()
}

func (st *studio) prefs() fyne.Preferences { return fyne.CurrentApp().Preferences() }

// play1 plays a checkpoint from a menu, reporting errors.
func (st *studio) play1(path, name string) {
	if name == "" {
		name = "default"
	}
	if err := st.playCheckpoint(path, name); err != nil {
		dialog.ShowError(err, st.win)
	}
}

func (st *studio) showKeys() {
	lines := []string{"Ctrl+1 … Ctrl+7: Play, Library, Sandbox, Train, Debug, Evaluate, Welcome", "", "On the Play page (click the view first):"}
	lines = append(lines, viewer.KeyHelp...)
	lines = append(lines, "", "Drop a .safetensors file on the window to play it, a .nctrace folder or an asciinema .cast to add it to the workspace's traces.")
	text := strings.Join(lines, "\n")
	dialog.ShowCustom("Keys", "Close", widget.NewLabel(text), st.win)
}

func (st *studio) showAbout() {
	lines := []string{st.opts.Version, "Workspace: " + st.ws.Root}
	if st.play != nil {
		lines = append(lines, "OpenGL: "+st.play.off.Info().Renderer+", "+st.play.off.Info().Version)
	}
	lines = append(lines, "", "A studio for neural computers: video models that act as the running computer.")
	dialog.ShowCustom("About NC Studio", "Close", container.NewVBox(heading(Title), widget.NewLabel(strings.Join(lines, "\n"))), st.win)
}

// importCast renders an asciinema cast into a trace of the workspace, as
// `ncstudio import asciinema` does with its defaults.
func importCast(ws workspace.Workspace, path string) (string, error) {
	cast, err := asciinema.ReadFile(path)
	if err != nil {
		return "", err
	}
	if err := ws.Create(); err != nil {
		return "", err
	}
	to := workspace.UniquePath(filepath.Join(ws.Traces(), strings.TrimSuffix(filepath.Base(path), ".cast")), ".nctrace")
	if _, err := termrec.ImportCast(cast, path, to, termrec.Options{}, 0); err != nil {
		os.RemoveAll(to) // a half-written trace would list as broken
		return "", err
	}
	return to, nil
}

// dropped plays a dropped checkpoint, or copies dropped traces (and casts,
// rendered) into the workspace.
func (st *studio) dropped(_ fyne.Position, uris []fyne.URI) {
	paths := make([]string, len(uris))
	for i, u := range uris {
		paths[i] = u.Path()
	}
	st.openPaths(paths)
}

// openPaths plays a checkpoint, or adds traces and casts to the workspace:
// what dropping the files on the window or choosing them under File does.
func (st *studio) openPaths(paths []string) {
	var added []string
	for _, path := range paths {
		switch {
		case strings.HasSuffix(path, ".safetensors"):
			st.play1(path, strings.TrimSuffix(filepath.Base(path), ".safetensors"))
		case strings.HasSuffix(strings.TrimSuffix(path, "/"), ".nctrace"):
			to, err := workspace.ImportTrace(st.ws, path)
			if err != nil {
				dialog.ShowError(err, st.win)
				continue
			}
			added = append(added, to)
		case strings.HasSuffix(path, ".cast"):
			to, err := importCast(st.ws, path)
			if err != nil {
				dialog.ShowError(err, st.win)
				continue
			}
			added = append(added, to)
		default:
			dialog.ShowError(fmt.Errorf("%s: drop a checkpoint (.safetensors), a trace folder (.nctrace) or an asciinema cast (.cast)", path), st.win)
		}
	}
	if len(added) > 0 {
		st.library.refresh()
		st.train.refresh()
		st.eval.refresh()
		st.debug.refresh()
		dialog.ShowInformation("Traces added", strings.Join(added, "\n"), st.win)
	}
}
