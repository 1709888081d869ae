package studio

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// FileDialogs are the platform's file choosers. The app gives the studio
// one in Options (app/ncstudio runs GTK's in a separate program,
// ncdialog); without one, or when it fails, the studio shows Fyne's own.
type FileDialogs interface {
	// OpenFile asks for an existing file, showing those with one of the
	// extensions (".safetensors").
	OpenFile(title, dir string, exts ...string) (string, error)
	// OpenFolder asks for an existing folder.
	OpenFolder(title, dir string) (string, error)
}

// ErrCancelled is what a FileDialogs method returns when the user closed
// the chooser without choosing.
var ErrCancelled = errors.New("cancelled")

// choose asks for a file (exts) or a folder (no exts) and calls then with
// the path on Fyne's thread. The native chooser runs off Fyne's thread; if
// it cannot run, Fyne's dialog is shown instead.
func (st *studio) choose(title, dir string, exts []string, then func(path string)) {
	if st.opts.Dialogs == nil {
		st.chooseFyne(title, dir, exts, then)
		return
	}
	go func() {
		var path string
		var err error
		if len(exts) > 0 {
			path, err = st.opts.Dialogs.OpenFile(title, dir, exts...)
		} else {
			path, err = st.opts.Dialogs.OpenFolder(title, dir)
		}
		fyne.Do(func() {
			switch {
			case errors.Is(err, ErrCancelled):
			case err != nil: // no native chooser here: Fyne's
				st.chooseFyne(title, dir, exts, then)
			default:
				then(path)
			}
		})
	}()
}

func (st *studio) chooseFyne(title, dir string, exts []string, then func(path string)) {
	start, _ := storage.ListerForURI(storage.NewFileURI(dir))
	if len(exts) == 0 {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				then(u.Path())
			}
		}, st.win)
		d.SetLocation(start)
		d.SetTitleText(title)
		d.Show()
		return
	}
	d := dialog.NewFileOpen(func(u fyne.URIReadCloser, err error) {
		if err == nil && u != nil {
			u.Close()
			then(u.URI().Path())
		}
	}, st.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.SetLocation(start)
	d.SetTitleText(title)
	d.Show()
}

// Open… items of the File menu: each chosen path goes where a drop would.
func (st *studio) openCheckpoint() {
	st.choose("Open a checkpoint", st.ws.Checkpoints(), []string{".safetensors"}, func(p string) { st.openPaths([]string{p}) })
}

func (st *studio) addTraceFolder() {
	st.choose("Add a trace (a .nctrace folder)", st.ws.Traces(), nil, func(p string) {
		if !strings.HasSuffix(strings.TrimSuffix(p, "/"), ".nctrace") {
			reportError(st.win, nil, errors.New(p+": not a trace folder (NAME.nctrace)"))
			return
		}
		st.openPaths([]string{p})
	})
}

func (st *studio) importCastFile() {
	st.choose("Import an asciinema cast", "", []string{".cast"}, func(p string) { st.openPaths([]string{p}) })
}
