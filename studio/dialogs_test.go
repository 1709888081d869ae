package studio

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeDialogs answers every chooser with one path or error.
type fakeDialogs struct {
	path string
	err  error
}

func (f fakeDialogs) OpenFile(string, string, ...string) (string, error) { return f.path, f.err }
func (f fakeDialogs) OpenFolder(string, string) (string, error)          { return f.path, f.err }

// File > Import an asciinema cast: the chosen cast becomes a trace; a
// cancelled chooser does nothing; a chooser that cannot run gives way to
// Fyne's.
func TestChoosers(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	ws := pagesWorkspace(t)
	cast, _ := filepath.Abs(filepath.Join("..", "engine", "importer", "asciinema", "testdata", "v2.cast"))
	for _, tc := range []struct {
		name     string
		dialogs  fakeDialogs
		traces   int
		overlaid bool
	}{
		{"cancelled", fakeDialogs{err: ErrCancelled}, 1, false},
		{"broken", fakeDialogs{err: errors.New("no X server")}, 1, true},
		{"chosen", fakeDialogs{path: cast}, 2, true}, // and an information dialog
	} {
		st, err := newTestStudio(t, Options{Workspace: ws, Dialogs: tc.dialogs}, w)
		if err != nil {
			t.Fatal(err)
		}
		st.importCastFile()
		for deadline := time.Now().Add(10 * time.Second); len(st.library.traces) != tc.traces; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the Library lists %d traces, want %d", tc.name, len(st.library.traces), tc.traces)
			}
		}
		// What the chooser goroutine does next: a dialog may take a while to
		// appear on a loaded machine (Fyne's own chooser lists folders first);
		// where none should, give it the time one would take.
		time.Sleep(100 * time.Millisecond)
		for deadline := time.Now().Add(10 * time.Second); tc.overlaid && w.Canvas().Overlays().Top() == nil && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		if got := w.Canvas().Overlays().Top() != nil; got != tc.overlaid {
			t.Errorf("%s: a dialog shown: %v", tc.name, got)
		}
		for w.Canvas().Overlays().Top() != nil {
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
		}
		st.close()
	}
}
