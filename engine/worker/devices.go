package worker

import (
	"context"
	"fmt"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/train"
)

// Devices are the names Train accepts.
var Devices = []string{"cpu", "cuda"}

// Train runs o on device: "cpu" in this process, "cuda" in the CUDA worker
// (FindCUDA). described, when not nil, hears where the run goes before it
// starts ("CPU", or the GPU's name). Like train.Run, it returns
// context.Canceled after ctx is cancelled, once the checkpoint is written.
func Train(ctx context.Context, device string, o train.Options, described func(string)) error {
	say := func(s string) {
		if described != nil {
			described(s)
		}
	}
	switch device {
	case "cpu":
		say("CPU")
		_, err := train.Run(ctx, cpu.New(), o)
		return err
	case "cuda":
		path, err := FindCUDA()
		if err != nil {
			return err
		}
		c, err := Start(path)
		if err != nil {
			return err
		}
		defer c.Close()
		say(c.Hello.Device.Backend)
		_, err = c.Train(ctx, o, o.Resume)
		return err
	}
	return fmt.Errorf("no device %q (cpu or cuda)", device)
}
