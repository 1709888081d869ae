package model

import (
	"fmt"
	"slices"

	"github.com/ncstudio/ncstudio/engine/ckpt"
)

// The edits that give a trained checkpoint's dynamics a new input with zero
// weights, in place: the model predicts exactly what it did and training
// starts from there.

// AddScrollInput gives the dynamics of a model checkpoint f scroll inputs
// (DynamicsConfig.ScrollShifts). name is used in errors.
func AddScrollInput(f *ckpt.File, name string, shifts []int) error {
	// A token's features are channel-major and the new channels come last.
	width := func(cfg *Config) int { return cfg.Dyn.inputChannels(cfg.AE.Latent) * cfg.Dyn.Patch * cfg.Dyn.Patch }
	return widenInput(f, name, "dyn.in.weight", width, func(cfg *Config) error {
		if len(cfg.Dyn.ScrollShifts) > 0 {
			return fmt.Errorf("the dynamics already has scroll inputs (shifts %v)", cfg.Dyn.ScrollShifts)
		}
		if len(shifts) == 0 {
			return fmt.Errorf("no scroll shifts given")
		}
		cfg.Dyn.ScrollShifts = slices.Clone(shifts)
		return nil
	})
}

// AddPressInput gives the dynamics of a model checkpoint f a press history
// of steps steps (DynamicsConfig.PressHistory). name is used in errors.
func AddPressInput(f *ckpt.File, name string, steps int) error {
	// The presses' one-hots come last.
	return widenInput(f, name, "dyn.act1.weight", (*Config).ActionInputs, func(cfg *Config) error {
		if cfg.Dyn.PressHistory > 0 {
			return fmt.Errorf("the dynamics already has a press history (%d steps)", cfg.Dyn.PressHistory)
		}
		if steps < 1 {
			return fmt.Errorf("a press history needs at least one step (got %d)", steps)
		}
		cfg.Dyn.PressHistory = steps
		return nil
	})
}

// widenInput applies edit to the config of checkpoint f and gives the
// linear layer weight param, [out, width(config)], zero columns at the end
// of each row up to the edited config's width.
func widenInput(f *ckpt.File, name, param string, width func(*Config) int, edit func(*Config) error) error {
	if f.Metadata[MetaFormat] != FormatName {
		return fmt.Errorf("%s: not an NC Studio model checkpoint", name)
	}
	cfg, err := UnmarshalConfig(f.Metadata[MetaConfig])
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	old := width(&cfg)
	w, ok := f.Get(param)
	if !ok || len(w.Shape) != 2 || w.Shape[1] != old {
		return fmt.Errorf("%s: %s is missing or not [width, %d]", name, param, old)
	}
	if err := edit(&cfg); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	in := width(&cfg)
	out := w.Shape[0]
	data := make([]float32, 0, out*in)
	for r := range out {
		data = append(data, w.Data[r*old:(r+1)*old]...)
		data = append(data, make([]float32, in-old)...)
	}
	w.Data, w.Shape = data, []int{out, in}
	f.Metadata[MetaConfig] = MarshalConfig(cfg)
	return nil
}
