package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// zeroedWhenGrown matches the parameters of a new dynamics layer that write
// into the residual stream: the projections out of self- and
// cross-attention, the MLP's down projection and a residual action branch.
// With them at zero a new block passes its input through unchanged.
var zeroedWhenGrown = regexp.MustCompile(`^dyn\.(block\d+\.(attn\.out|cross\.out|mlp\.down)|res\d+)\.`)

// AddLayers gives the dynamics of a model checkpoint f n more transformer
// blocks after its last one, in place: the new blocks start from the
// initialisation of a fresh model (seeded) except that what they add to the
// residual stream is zero, so the grown model predicts exactly what f did
// and training starts from there with more capacity. be builds the fresh
// model; name is used in errors. It returns the grown config; after an
// error f may be partly changed.
func AddLayers(be tensor.Backend, f *ckpt.File, name string, n int, seed uint64) (Config, error) {
	if n < 1 {
		return Config{}, fmt.Errorf("%s: add at least one layer (got %d)", name, n)
	}
	fresh, err := reconfigured(be, f, name, seed, func(d *DynamicsConfig) { d.Layers += n })
	if err != nil {
		return Config{}, err
	}
	old := fresh.Cfg.Dyn.Layers - n
	for _, p := range fresh.Params() {
		if t, ok := f.Get(p.Name); ok {
			if !slices.Equal(t.Shape, p.Value.Shape) {
				return Config{}, fmt.Errorf("%s: %s is %v, the model's config wants %v", name, p.Name, t.Shape, p.Value.Shape)
			}
			continue
		}
		if !isNewLayer(p.Name, old) {
			return Config{}, fmt.Errorf("%s: %s is missing", name, p.Name)
		}
		data := be.ToHost(p.Value)
		if zeroedWhenGrown.MatchString(p.Name) {
			data = make([]float32, len(data))
		}
		f.Tensors = append(f.Tensors, ckpt.Tensor{Name: p.Name, DType: ckpt.F32, Shape: slices.Clone(p.Value.Shape), Data: data})
	}
	f.Metadata[MetaConfig] = MarshalConfig(fresh.Cfg)
	return fresh.Cfg, nil
}

// isNewLayer says whether a parameter belongs to a dynamics layer at or
// after index old (a block, or a residual action branch).
func isNewLayer(param string, old int) bool {
	var l int
	var rest string
	for _, pattern := range []string{"dyn.block%d.%s", "dyn.res%d.%s"} {
		if k, _ := fmt.Sscanf(param, pattern, &l, &rest); k == 2 {
			return l >= old
		}
	}
	return false
}

// ResizeDynamics replaces the dynamics of a model checkpoint f, in place,
// with a freshly initialised (seeded) one of its dynamics config changed
// by edit, keeping the autoencoder: a bigger or smaller dynamics trained on
// latents the checkpoint's encoder already makes. be builds the fresh
// model; name is used in errors. It returns the new config.
func ResizeDynamics(be tensor.Backend, f *ckpt.File, name string, edit func(*DynamicsConfig), seed uint64) (Config, error) {
	fresh, err := reconfigured(be, f, name, seed, edit)
	if err != nil {
		return Config{}, err
	}
	f.Tensors = slices.DeleteFunc(f.Tensors, func(t ckpt.Tensor) bool { return strings.HasPrefix(t.Name, "dyn.") })
	for _, p := range fresh.Params() {
		if strings.HasPrefix(p.Name, "dyn.") {
			f.Tensors = append(f.Tensors, ckpt.Tensor{Name: p.Name, DType: ckpt.F32, Shape: slices.Clone(p.Value.Shape), Data: be.ToHost(p.Value)})
		}
	}
	f.Metadata[MetaConfig] = MarshalConfig(fresh.Cfg)
	return fresh.Cfg, nil
}

// reconfigured returns a fresh model, seeded, of f's config with its
// dynamics changed by edit: the new weights and config to take from it.
func reconfigured(be tensor.Backend, f *ckpt.File, name string, seed uint64, edit func(*DynamicsConfig)) (*Model, error) {
	if f.Metadata[MetaFormat] != FormatName {
		return nil, fmt.Errorf("%s: not an NC Studio model checkpoint", name)
	}
	cfg, err := UnmarshalConfig(f.Metadata[MetaConfig])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	edit(&cfg.Dyn)
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	fresh, err := New(be, cfg, seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return fresh, nil
}

// mlpParam matches a dynamics block's MLP parameters whose shape depends on
// the hidden width; the submatch is which.
var mlpParam = regexp.MustCompile(`^dyn\.block\d+\.mlp\.(up\.weight|up\.bias|down\.weight)$`)

// WidenMLP gives the MLP of every dynamics block of a model checkpoint f a
// hidden width of ratio times the model's, in place: the old hidden units
// keep their weights, the new ones start from a fresh model's (seeded) input
// weights with zero output weights, so the widened model predicts what f did
// (up to the order of float sums) and training starts from there with more
// capacity. be builds the fresh model; name is used in errors. It returns
// the widened config; after an error f may be partly changed.
func WidenMLP(be tensor.Backend, f *ckpt.File, name string, ratio int, seed uint64) (Config, error) {
	var oldRatio int
	fresh, err := reconfigured(be, f, name, seed, func(d *DynamicsConfig) { oldRatio, d.MLPRatio = d.MLPRatio, ratio })
	if err != nil {
		return Config{}, err
	}
	if ratio <= oldRatio {
		return Config{}, fmt.Errorf("%s: the MLPs are %d times as wide as the model already; widen them to more (got %d)", name, oldRatio, ratio)
	}
	for _, p := range fresh.Params() {
		t, ok := f.Get(p.Name)
		if !ok {
			return Config{}, fmt.Errorf("%s: %s is missing", name, p.Name)
		}
		if slices.Equal(t.Shape, p.Value.Shape) {
			continue
		}
		kind := mlpParam.FindStringSubmatch(p.Name)
		want := slices.Clone(p.Value.Shape) // what f's config says it holds
		if kind != nil {
			hidden := 0 // the axis of the hidden units
			if kind[1] == "down.weight" {
				hidden = 1
			}
			want[hidden] = want[hidden] / ratio * oldRatio
		}
		if kind == nil || !slices.Equal(t.Shape, want) {
			return Config{}, fmt.Errorf("%s: %s is %v, the model's config wants %v", name, p.Name, t.Shape, want)
		}
		data := be.ToHost(p.Value) // the fresh model's, [out, in] for weights
		switch kind[1] {
		case "up.weight", "up.bias": // the old units are the first rows
			copy(data, t.Data)
		case "down.weight": // the old units are the first columns; new ones write zero
			rows, oldCols, cols := t.Shape[0], t.Shape[1], p.Value.Shape[1]
			for r := range rows {
				copy(data[r*cols:], t.Data[r*oldCols:(r+1)*oldCols])
				clear(data[r*cols+oldCols : (r+1)*cols])
			}
		}
		*t = ckpt.Tensor{Name: p.Name, DType: ckpt.F32, Shape: slices.Clone(p.Value.Shape), Data: data}
	}
	f.Metadata[MetaConfig] = MarshalConfig(fresh.Cfg)
	return fresh.Cfg, nil
}
