package studio

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/worker/workertest"
)

// waitCUDALine waits until the page's CUDA line contains want.
func waitCUDALine(t *testing.T, p *trainPage, want string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(p.device.line.Text, want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("CUDA line %q, want it to say %q", p.device.line.Text, want)
		}
	}
}

// CUDA is offered only once the worker has reported a device; training
// then runs in the worker (here on the CPU emulator of the CUDA kernels).
func TestTrainPageCUDA(t *testing.T) {
	test.NewTempApp(t)
	workertest.UseEmulator(t)
	ws := pagesWorkspace(t)
	tr := &trainer{}
	p := newTrainPage(ws, tr)
	<-watchCUDA(p.device.found)
	waitCUDALine(t, p, "CUDA: cuda (cuda-emulator)")
	if !slices.Equal(p.device.sel.Options, []string{deviceCPU, deviceCUDA}) {
		t.Fatalf("device options %v", p.device.sel.Options)
	}
	p.device.sel.SetSelected(deviceCUDA)
	startTiny(p, "2", "2", "on-cuda")
	s := waitTrainer(t, tr, trainFinished)
	if !slices.Contains(s.events, "training on cuda (cuda-emulator)") {
		t.Errorf("events do not say where training ran: %q", s.events)
	}
}

// Without a GPU the page says why and keeps CPU the only choice.
func TestTrainPageNoGPU(t *testing.T) {
	test.NewTempApp(t)
	workertest.UseNoGPU(t)
	p := newTrainPage(pagesWorkspace(t), &trainer{})
	<-watchCUDA(p.device.found)
	waitCUDALine(t, p, "CUDA unavailable: worker ncworker-cuda cannot run: the worker exited (exit status 1): no NVIDIA GPU was found (cuInit: NoDevice)")
	if !slices.Equal(p.device.sel.Options, []string{deviceCPU}) {
		t.Errorf("device options %v", p.device.sel.Options)
	}
}

// The Play page's model can step in the CUDA worker (here on the CPU
// emulator of its kernels): once the probe found it, choosing CUDA rebuilds
// the page on a worker session; choosing CPU again ends the worker.
func TestPlayPageOnCUDA(t *testing.T) {
	test.NewTempApp(t)
	workertest.UseEmulator(t)
	ws := pagesWorkspace(t)
	cfg, _ := model.Preset("tiny")
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(ws.Checkpoints(), "tiny.safetensors")
	if err := m.Save(ck, nil); err != nil {
		t.Fatal(err)
	}
	st, err := newTestStudio(t, Options{Workspace: ws, Model: m, Checkpoint: ck}, test.NewTempWindow(t, widget.NewLabel("")))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	// The studio's state belongs to Fyne's thread: look at it there (the
	// test driver runs fyne.Do at once, so this only orders what it can).
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			var done bool
			fyne.DoAndWait(func() { done = ok() })
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited a minute for %s", what)
			}
		}
	}
	until("the CUDA probe", func() bool { return slices.Contains(st.play.device.sel.Options, deviceCUDA) })
	cpuPage := st.play
	fyne.DoAndWait(func() { st.play.device.sel.SetSelected(deviceCUDA) })
	until("the page on the worker", func() bool {
		return st.play != nil && st.play != cpuPage && st.playDevice == deviceCUDA && st.playWorker != nil
	})
	if st.play.device.sel.Selected != deviceCUDA {
		t.Errorf("the rebuilt page shows %q", st.play.device.sel.Selected)
	}
	fyne.DoAndWait(st.play.suspend) // step by hand: the emulator is slow
	snap := st.play.off.Runner().StepWith(action.Action{X: 20, Y: 20})
	if snap.Step != 1 || len(snap.Latent) == 0 || slices.ContainsFunc(snap.Log, func(l string) bool { return strings.HasPrefix(l, "error") }) {
		t.Fatalf("a step on the worker: step %d, %d latent values, log %q", snap.Step, len(snap.Latent), snap.Log)
	}
	fyne.DoAndWait(func() { st.play.device.sel.SetSelected(deviceCPU) })
	if st.playDevice != deviceCPU || st.playWorker != nil {
		t.Errorf("back on the CPU: device %s, worker %v", st.playDevice, st.playWorker)
	}
}
