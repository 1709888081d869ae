// Package studio is NC Studio's desktop user interface, built with Fyne.
//
// It arranges pages, widgets and their wiring and holds no model math: every
// action it offers also exists as an `ncstudio` subcommand, and the work is
// done by the engine and viewer packages. It opens on the Play page (the
// viewport on a live session of the checkpoint passed in [Options]); the
// Library, Sandbox & record, Train, Debug and Evaluate pages follow, and a
// Welcome page names the product, lists the pages and shows the
// command-line commands, which the caller passes in so that this package
// does not depend on the app.
//
// Fyne needs the process's main thread: call [Run] from main's goroutine.
package studio

//go:generate go run ./internal/mkicon ../Icon.png 512

import (
	"errors"
	"os"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/workspace"
	_ "github.com/ncstudio/ncstudio/studio/internal/locale" // before Fyne's lang: see there
	"github.com/ncstudio/ncstudio/studio/internal/logo"
)

// AppID is the Fyne application ID; it must match the ID in FyneApp.toml
// (a test checks it). Fyne keeps preferences and storage under this name.
const AppID = "dev.ncstudio.studio"

// Title is the main window's title.
const Title = "NC Studio"

// Options configure [Run].
type Options struct {
	// Version is one line describing the build, shown in the window's footer,
	// e.g. "ncstudio dev · go1.26 · linux/amd64 · Fyne v2.7.4".
	Version string
	// Commands are the command-line commands to list, one line each: the
	// synopsis, a tab, and a one-line description, e.g.
	// "ncstudio version [--json]\tprint the version". The synopsis is shown in
	// a monospace font with the descriptions in a column beside it.
	Commands []string
	// QuitAfter, when positive, closes the studio after that long. Tests use
	// it so that a started studio always ends.
	QuitAfter time.Duration
	// Model is the neural computer the Play page runs, and Checkpoint its
	// name; without a model the Play page says so.
	Model      *model.Model
	Checkpoint string
	// RestoreLast plays the checkpoint played last time instead of Model,
	// when that file is still there (the app sets it without --ckpt).
	RestoreLast bool
	// Workspace is the folder of checkpoints, traces and recordings
	// (default ~/NCStudio).
	Workspace workspace.Workspace
	// Dialogs are the native file choosers; nil: Fyne's.
	Dialogs FileDialogs
	// LatentCache is the folder where training keeps traces' latents between
	// runs (train.DefaultLatentCache); "": none.
	LatentCache string
}

// ErrNoDisplay is returned by [Run] when there is no display to open a window on.
var ErrNoDisplay = errors.New("no X display: DISPLAY is not set (on a headless machine, run under `xvfb-run -a`)")

// Run opens the studio's main window and blocks until it is closed (or
// Options.QuitAfter has passed). It must be called on the main goroutine.
func Run(opts Options) error {
	if needsX11() && missingDisplay() {
		return ErrNoDisplay
	}
	a := app.NewWithID(AppID)
	icon := fyne.NewStaticResource("Icon.png", logo.PNG(256))
	a.SetIcon(icon)

	w := a.NewWindow(Title)
	w.SetIcon(icon)
	w.SetMaster()
	st, err := newStudio(opts, w)
	if err != nil {
		return err
	}
	w.SetContent(content(opts, icon, st.tabs))
	w.SetOnDropped(st.dropped)
	w.Resize(fyne.NewSize(1200, 800))
	w.CenterOnScreen()

	// The Play page's threads hand frames to Fyne's, and a training run
	// writes files: both stop before the window goes.
	watch := newShutdownWatch()
	quit := func() {
		st.close()
		watch.arm()
		a.Quit()
	}
	w.SetCloseIntercept(quit)
	w.SetMainMenu(st.mainMenu(quit))
	if opts.QuitAfter > 0 {
		t := time.AfterFunc(opts.QuitAfter, func() { fyne.Do(quit) })
		defer t.Stop()
	}
	st.showPlay()
	w.ShowAndRun()
	watch.disarm()
	return nil
}

func missingDisplay() bool { return os.Getenv("DISPLAY") == "" }

// needsX11 reports whether Fyne's desktop driver on this OS talks to X11
// (Fyne builds for Wayland only with the `wayland` build tag).
func needsX11() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}
