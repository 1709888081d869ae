package studio

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/worker"
	"github.com/ncstudio/ncstudio/engine/workspace"
	"github.com/ncstudio/ncstudio/viewer"
)

// studio holds the pages and what they share: the workspace, the trainer
// and the window. Pages talk through it: the Library's Play and Fine-tune
// buttons open the other pages, a finished training refreshes the Library.
type studio struct {
	opts       Options
	cudaProbed <-chan struct{} // closed once the pages heard the CUDA probe
	ws         workspace.Workspace
	win        fyne.Window
	tabs       *container.AppTabs
	playTab    *container.TabItem
	play       *playPage // nil when the Play page cannot run
	library    *libraryPage
	sandbox    *sandboxPage
	train      *trainPage
	eval       *evalPage
	debug      *debugPage
	trainer    *trainer
	// recentMenu is File > Play recent.
	recentMenu *fyne.MenuItem

	// What the CUDA probe found (cudaKnown once it answered), where the
	// Play page's model steps, and the worker it steps in on CUDA.
	cudaKnown  bool
	cudaDevice string
	cudaErr    error
	playDevice string // deviceCPU or deviceCUDA
	playWorker *worker.Client
	// playFile is the played checkpoint's file, or a built-in one's
	// builtinPath, which the CUDA worker loads (playCheckpointFile).
	playFile string
}

// Tab order.
const (
	tabPlay = iota
	tabLibrary
	tabSandbox
	tabTrain
	tabDebug
	tabEvaluate
)

func newStudio(opts Options, w fyne.Window) (*studio, error) {
	ws := opts.Workspace
	if ws.Root == "" {
		var err error
		if ws, err = workspace.Default(); err != nil {
			return nil, err
		}
	}
	st := &studio{opts: opts, ws: ws, win: w, trainer: &trainer{}}
	st.library = newLibraryPage(ws)
	st.library.win = w
	st.train = newTrainPage(ws, st.trainer)
	st.train.latentCache = opts.LatentCache
	st.train.win = w
	sb, err := newSandboxPage(ws)
	if err != nil {
		return nil, err
	}
	st.sandbox, sb.win = sb, w
	st.eval = newEvalPage(ws)
	st.eval.win = w
	st.eval.onEvaluated = func() { st.library.refresh() }
	st.debug = newDebugPage(ws)
	st.debug.win = w
	sb.onApplied = func() { // the Play page starts from the new desktop
		if st.play != nil {
			st.playModel(st.play.off.Runner().Model(), st.play.checkpoint)
		}
	}
	sb.onChanged = func() {
		st.library.refresh()
		st.train.refresh()
		st.eval.refresh()
		st.debug.refresh()
	}
	m, name := opts.Model, opts.Checkpoint
	st.playDevice = deviceCPU
	st.playFile = name
	if b, ok := embedded.Lookup(name); ok {
		st.playFile = builtinPath(b)
	}
	if opts.RestoreLast { // the checkpoint played last time, if it is still there
		if path := st.prefs().String(prefLastCheckpoint); path != "" {
			if last, err := loadCheckpoint(path); err == nil {
				m, name, st.playFile = last, strings.TrimSuffix(filepath.Base(path), ".safetensors"), path
				if b, ok := builtinOf(path); ok {
					name = b.Name
				}
			}
		}
	}
	st.playTab = container.NewTabItemWithIcon("Play", theme.MediaPlayIcon(), st.loadPlay(m, name))
	st.tabs = container.NewAppTabs(
		st.playTab,
		container.NewTabItemWithIcon("Library", theme.StorageIcon(), st.library.content),
		container.NewTabItemWithIcon("Sandbox", theme.MediaRecordIcon(), st.sandbox.content),
		container.NewTabItemWithIcon("Train", theme.ComputerIcon(), st.train.content),
		container.NewTabItemWithIcon("Debug", theme.SearchIcon(), st.debug.content),
		container.NewTabItemWithIcon("Evaluate", theme.ConfirmIcon(), st.eval.content),
	)
	st.tabs.SetTabLocation(container.TabLocationLeading)
	st.cudaProbed = watchCUDA(st.train.device.found, st.cudaFound)
	// Only the page shown runs its computer: the model's or the sandbox's
	// steps would take the cores from training.
	st.tabs.OnSelected = func(t *container.TabItem) {
		if t == st.tabs.Items[tabSandbox] {
			st.sandbox.start()
		} else {
			st.sandbox.suspend()
		}
		if st.play == nil {
			return
		}
		if t == st.playTab {
			st.play.start()
		} else {
			st.play.suspend()
		}
	}
	st.library.onPlay = func(path, name string) {
		if err := st.playCheckpoint(path, name); err != nil {
			dialog.ShowError(err, w)
		}
	}
	st.library.onFineTune = func(path, name string) {
		st.train.fineTune(path, name)
		st.tabs.SelectIndex(tabTrain)
	}
	st.train.onSaved = func(string) {
		st.library.refresh()
		st.eval.refresh()
		st.debug.refresh()
	}
	// Ctrl+1..7 switch pages (Play, Library, Sandbox, Train, Debug, Evaluate, Welcome).
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7} {
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
			if i < len(st.tabs.Items) {
				st.tabs.SelectIndex(i)
			}
		})
	}
	return st, nil
}

// loadPlay builds the Play page for m, or a page explaining why there is
// none, and returns its content.
func (st *studio) loadPlay(m *model.Model, name string) fyne.CanvasObject {
	if m == nil {
		return wrapped("No checkpoint is loaded: choose one in the Library, or run `ncstudio studio --ckpt FILE`.")
	}
	var sessions viewer.Sessions
	where := ""
	if st.playDevice == deviceCUDA {
		file, err := st.playCheckpointFile()
		if err != nil {
			return wrapped("The CUDA worker cannot load the checkpoint: " + err.Error())
		}
		sessions, where = viewer.WorkerSessions(st.playWorker, file), st.playWorker.Hello.Device.Backend
	}
	p, err := newPlayPage(m, name, st.ws.Recordings(), st.sandbox.appliedSpec(), sessions, st.playDevice, where)
	if err != nil {
		return wrapped("The Play page cannot run on this machine: " + err.Error() +
			"\n\nThe viewport needs OpenGL 3.3 core through EGL (a GPU driver, or Mesa's libegl-mesa0 and libgl1-mesa-dri).")
	}
	p.win = st.win
	p.onDevice = st.setPlayDevice
	if st.cudaKnown {
		p.device.found(st.cudaDevice, st.cudaErr)
	}
	st.play = p
	return p.content
}

// cudaFound takes the CUDA probe's answer for the Play page.
func (st *studio) cudaFound(device string, err error) {
	st.cudaKnown, st.cudaDevice, st.cudaErr = true, device, err
	if st.play != nil {
		st.play.device.found(device, err)
	}
}

// playCheckpointFile is the played checkpoint as a file.
func (st *studio) playCheckpointFile() (string, error) {
	if b, ok := builtinOf(st.playFile); ok {
		return builtinFile(st.ws, b)
	}
	return st.playFile, nil
}

// setPlayDevice moves the Play page's model to a device: CUDA starts the
// worker (off Fyne's thread) and rebuilds the page on it; a worker that
// cannot run is reported and the page stays on the CPU.
func (st *studio) setPlayDevice(device string) {
	if device == st.playDevice || st.play == nil {
		return
	}
	m, name := st.play.off.Runner().Model(), st.play.checkpoint
	if device == deviceCPU {
		st.playDevice = deviceCPU
		st.playModel(m, name)
		st.startPlayIfShown()
		st.closePlayWorker()
		return
	}
	status := st.play.status
	status.SetText("starting the CUDA worker…")
	go func() {
		c, err := startCUDAWorker()
		fyne.Do(func() {
			if err != nil {
				reportError(st.win, status, fmt.Errorf("the Play page stays on the CPU: %w", err))
				if st.play != nil {
					st.play.device.sel.SetSelected(deviceCPU)
				}
				return
			}
			st.playWorker, st.playDevice = c, deviceCUDA
			st.playModel(m, name)
			st.startPlayIfShown()
		})
	}()
}

func startCUDAWorker() (*worker.Client, error) {
	path, err := worker.FindCUDA()
	if err != nil {
		return nil, err
	}
	return worker.Start(path)
}

func (st *studio) closePlayWorker() {
	if st.playWorker != nil {
		st.playWorker.Close()
		st.playWorker = nil
	}
}

func (st *studio) startPlayIfShown() {
	if st.play != nil && st.tabs.Selected() == st.playTab {
		st.play.start()
	}
}

// playCheckpoint replaces the Play page's session with a checkpoint ("" for
// the built-in one) and shows it.
func (st *studio) playCheckpoint(path, name string) error {
	m, err := loadCheckpoint(path)
	if err != nil {
		return err
	}
	st.playFile = path
	st.playModel(m, name)
	st.showPlay()
	st.remember(path)
	return nil
}

// playModel puts a new session of m on the Play page, from the desktop the
// Sandbox page runs.
func (st *studio) playModel(m *model.Model, name string) {
	if st.play != nil {
		st.play.close()
		st.play = nil
	}
	st.playTab.Content = st.loadPlay(m, name)
	st.tabs.Refresh()
}

// showPlay selects the Play page and starts it.
func (st *studio) showPlay() {
	st.tabs.SelectIndex(tabPlay)
	if st.play != nil {
		st.play.start()
	}
}

// close stops the Play page and pauses a training run (its checkpoint and
// resume file are written).
func (st *studio) close() {
	if st.play != nil {
		st.play.close()
		st.play = nil
	}
	st.closePlayWorker()
	st.sandbox.close()
	st.eval.close()
	st.debug.close()
	st.trainer.pause()
}
