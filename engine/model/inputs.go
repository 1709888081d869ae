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
	return widenInput(f, name, "dyn.in.weight", tokenFeatures, nil, func(cfg *Config) error {
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
	return widenInput(f, name, "dyn.act1.weight", (*Config).ActionInputs, nil, func(cfg *Config) error {
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

// AddContext lengthens the history the dynamics of a model checkpoint f
// sees to frames latents (DynamicsConfig.Context). The older latents'
// channels follow the ones it had, before the cursor map and scroll
// inputs: a token's
// features are channel-major, so their zero columns go in the middle of
// each row of the input projection. name is used in errors.
func AddContext(f *ckpt.File, name string, frames int) error {
	afterContext := func(cfg *Config) int { return patchFeatures(cfg, cfg.AE.Latent*(cfg.Dyn.Context+1)) }
	return widenInput(f, name, "dyn.in.weight", tokenFeatures, afterContext, func(cfg *Config) error {
		if frames <= cfg.Dyn.Context {
			return fmt.Errorf("the dynamics already sees %d latents of history; give more (got %d)", cfg.Dyn.Context, frames)
		}
		cfg.Dyn.Context = frames
		return nil
	})
}

// tokenFeatures is the width of the dynamics' input projection: the
// input channels of one patch.
func tokenFeatures(cfg *Config) int {
	return patchFeatures(cfg, cfg.Dyn.inputChannels(cfg.AE.Latent))
}

// patchFeatures is the number of token features that channels latent-grid
// channels make (features are channel-major: each channel's p·p cells).
func patchFeatures(cfg *Config, channels int) int { return channels * cfg.Dyn.Patch * cfg.Dyn.Patch }

// widenInput applies edit to the config of checkpoint f and gives the
// linear layer weight param, [out, width(config)], zero columns up to the
// edited config's width: at column at(old config) of each row, or at its
// end when at is nil.
func widenInput(f *ckpt.File, name, param string, width, at func(*Config) int, edit func(*Config) error) error {
	if f.Metadata[MetaFormat] != FormatName {
		return fmt.Errorf("%s: not an NC Studio model checkpoint", name)
	}
	cfg, err := UnmarshalConfig(f.Metadata[MetaConfig])
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	old := width(&cfg)
	insert := old
	if at != nil {
		insert = at(&cfg)
	}
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
		row := w.Data[r*old : (r+1)*old]
		data = append(data, row[:insert]...)
		data = append(data, make([]float32, in-old)...)
		data = append(data, row[insert:]...)
	}
	w.Data, w.Shape = data, []int{out, in}
	f.Metadata[MetaConfig] = MarshalConfig(cfg)
	return nil
}
