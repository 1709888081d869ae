package studio

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/worker"
)

// probeCUDA starts the CUDA worker once to learn whether the GPU can be
// used: it returns the device's description, or why there is none (no
// worker built, no driver, no GPU). It takes up to a few seconds: call it
// off Fyne's thread.
func probeCUDA() (device string, err error) {
	path, err := worker.FindCUDA()
	if err != nil {
		return "", err
	}
	c, err := worker.Start(path)
	if err != nil {
		return "", err
	}
	defer c.Close()
	d := c.Hello.Device
	desc := d.Backend
	if d.MemoryBytes > 0 {
		desc += fmt.Sprintf(", %d GiB", d.MemoryBytes>>30)
	}
	return desc + " — worker " + filepath.Base(path), nil
}

// watchCUDA probes in the background and tells each listener, on Fyne's
// thread, what it found. The channel closes once they have heard: Fyne's
// test driver runs fyne.Do on the calling goroutine, so a test must wait
// for it before touching the widgets the listeners change.
func watchCUDA(listeners ...func(device string, err error)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		device, err := probeCUDA()
		fyne.Do(func() {
			for _, l := range listeners {
				l(device, err)
			}
			close(done)
		})
	}()
	return done
}

// Devices as the pages show them.
const (
	deviceCPU  = "CPU"
	deviceCUDA = "CUDA"
)

// deviceChoice is a CPU/CUDA select with a line under it that says what the
// CUDA probe found; CUDA is offered only once the worker reported a GPU.
type deviceChoice struct {
	sel  *widget.Select
	line *widget.Label
}

func newDeviceChoice(onChanged func(string)) *deviceChoice {
	d := &deviceChoice{sel: widget.NewSelect([]string{deviceCPU}, onChanged), line: widget.NewLabel("CUDA: looking for the CUDA worker…")}
	d.sel.SetSelected(deviceCPU)
	d.line.Importance = widget.LowImportance
	d.line.Wrapping = fyne.TextWrapWord
	return d
}

// found takes the probe's result.
func (d *deviceChoice) found(device string, err error) {
	if err != nil {
		d.line.SetText("CUDA unavailable: " + err.Error())
		return
	}
	d.sel.SetOptions([]string{deviceCPU, deviceCUDA})
	d.line.SetText("CUDA: " + device)
}

// device is worker.Train's name of the selection: cpu or cuda.
func (d *deviceChoice) device() string { return strings.ToLower(d.sel.Selected) }
