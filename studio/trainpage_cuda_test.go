package studio

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ncstudio/ncstudio/engine/worker/workertest"
)

// waitCUDALine waits until the page's CUDA line contains want.
func waitCUDALine(t *testing.T, p *trainPage, want string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(p.cuda.Text, want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("CUDA line %q, want it to say %q", p.cuda.Text, want)
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
	waitCUDALine(t, p, "CUDA: cuda (cuda-emulator)")
	if !slices.Equal(p.device.Options, []string{deviceCPU, deviceCUDA}) {
		t.Fatalf("device options %v", p.device.Options)
	}
	p.device.SetSelected(deviceCUDA)
	p.base.SetSelected(newModel)
	p.preset.SetSelected("tiny")
	p.traces.SetSelected([]string{"tiny"})
	p.aeSteps.SetText("2")
	p.dynSteps.SetText("2")
	p.saveAs.SetText("on-cuda")
	test.Tap(p.start)
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
	waitCUDALine(t, p, "CUDA unavailable: worker ncworker-cuda cannot run: the worker exited (exit status 1): no NVIDIA GPU was found (cuInit: NoDevice)")
	if !slices.Equal(p.device.Options, []string{deviceCPU}) {
		t.Errorf("device options %v", p.device.Options)
	}
}
