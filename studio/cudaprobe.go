package studio

import (
	"fmt"
	"path/filepath"

	"github.com/ncstudio/ncstudio/engine/worker"
)

// probeCUDA starts the CUDA worker once to learn whether training can run on
// a GPU: it returns the device's description, or why there is none (no
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
