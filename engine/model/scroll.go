package model

import (
	"fmt"
	"slices"

	"github.com/ncstudio/ncstudio/engine/ckpt"
)

// AddScrollInput gives the dynamics of a model checkpoint f scroll inputs
// (DynamicsConfig.ScrollShifts), in place: the input layer gets zero
// weights for the new channels, so the model predicts exactly what it did
// and training starts from there. name is used in errors.
func AddScrollInput(f *ckpt.File, name string, shifts []int) error {
	if f.Metadata[MetaFormat] != FormatName {
		return fmt.Errorf("%s: not an NC Studio model checkpoint", name)
	}
	cfg, err := UnmarshalConfig(f.Metadata[MetaConfig])
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if len(cfg.Dyn.ScrollShifts) > 0 {
		return fmt.Errorf("%s: the dynamics already has scroll inputs (shifts %v)", name, cfg.Dyn.ScrollShifts)
	}
	if len(shifts) == 0 {
		return fmt.Errorf("%s: no scroll shifts given", name)
	}
	cfg.Dyn.ScrollShifts = slices.Clone(shifts)
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	w, ok := f.Get("dyn.in.weight")
	p2 := cfg.Dyn.Patch * cfg.Dyn.Patch
	added := cfg.AE.Latent * len(shifts) * p2
	old := cfg.Dyn.inputChannels(cfg.AE.Latent)*p2 - added
	if !ok || len(w.Shape) != 2 || w.Shape[1] != old {
		return fmt.Errorf("%s: dyn.in.weight is missing or not [width, %d]", name, old)
	}
	// A token's features are channel-major and the new channels come last,
	// so each output row gains zero columns at its end.
	out := w.Shape[0]
	data := make([]float32, 0, out*(old+added))
	for r := range out {
		data = append(data, w.Data[r*old:(r+1)*old]...)
		data = append(data, make([]float32, added)...)
	}
	w.Data, w.Shape = data, []int{out, old + added}
	f.Metadata[MetaConfig] = MarshalConfig(cfg)
	return nil
}
