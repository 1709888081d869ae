package studio

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// shutdownGrace is how long Fyne may take to close down after a quit.
//
// Fyne 2.7's shutdown can hang for good. Its run loop drains its queue of
// calls for the main thread and closes it, while the lifecycle's "stopped"
// hook (which Fyne always sets, to save preferences) may at that moment be
// queueing a call there from another goroutine: that call never runs, and
// Run waits forever for the hook. It is rare (a bare Fyne window quitting
// in a loop here hung once in about 580 runs), but a window that is gone
// and a process that never ends is the worst way to fail, and CI once saw
// `studio --quit-after` still running a minute on. Our own state is saved
// before Fyne shuts down (the pages close, a training run pauses at a
// checkpoint), so after this grace the process exits instead.
const shutdownGrace = 10 * time.Second

// shutdownWatch exits the process when Fyne has not finished shutting down
// within shutdownGrace of a quit: arm it on Fyne's thread after the
// window's own clean-up, as the quit begins; disarm it when Fyne's Run has
// returned.
type shutdownWatch struct {
	mu    sync.Mutex
	timer *time.Timer
	done  bool
	grace time.Duration
	exit  func(code int) // os.Exit; tests replace it
}

func newShutdownWatch() *shutdownWatch { return &shutdownWatch{grace: shutdownGrace, exit: os.Exit} }

// arm starts the grace period once (later calls keep the first deadline).
func (w *shutdownWatch) arm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil || w.done {
		return
	}
	w.timer = time.AfterFunc(w.grace, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.done {
			return
		}
		fmt.Fprintf(os.Stderr, "ncstudio: the window's toolkit (Fyne) did not finish shutting down within %v of closing; everything was saved, exiting\n", w.grace)
		w.exit(0)
	})
}

// disarm is called when Fyne's Run has returned: the shutdown finished.
func (w *shutdownWatch) disarm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
}
