package optim

import (
	"fmt"
	"strconv"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// State returns the optimiser's training state as a checkpoint of its own (a
// companion to the model file, so that the model file loads anywhere without
// it): the moments as "m/NAME" and "v/NAME", the step count and the
// hyper-parameters in the metadata.
func (o *AdamW) State() *ckpt.File {
	f := &ckpt.File{Metadata: map[string]string{
		"optimizer": "adamw",
		"step":      strconv.Itoa(o.step),
		"beta1":     fmt.Sprint(o.Beta1), "beta2": fmt.Sprint(o.Beta2),
		"eps": fmt.Sprint(o.Eps), "weight_decay": fmt.Sprint(o.WeightDecay),
		"max_grad_norm": fmt.Sprint(o.MaxGradNorm),
	}}
	for i, p := range o.params {
		for _, mom := range []struct {
			prefix string
			t      *tensor.Tensor
		}{{"m/", o.m[i]}, {"v/", o.v[i]}} {
			f.Tensors = append(f.Tensors, ckpt.Tensor{Name: mom.prefix + p.Name, DType: ckpt.F32, Shape: mom.t.Shape.Clone(), Data: o.be.ToHost(mom.t)})
		}
	}
	return f
}

// Restore loads a state written by State (file names it in errors). The
// hyper-parameters stay as configured: a resumed run may change them.
func (o *AdamW) Restore(f *ckpt.File, file string) error {
	if f.Metadata["optimizer"] != "adamw" {
		return fmt.Errorf("%s: not an AdamW optimizer state (optimizer=%q)", file, f.Metadata["optimizer"])
	}
	step, err := strconv.Atoi(f.Metadata["step"])
	if err != nil || step < 0 {
		return fmt.Errorf("%s: bad step %q", file, f.Metadata["step"])
	}
	for i, p := range o.params {
		for _, mom := range []struct {
			name string
			t    *tensor.Tensor
		}{{"m/" + p.Name, o.m[i]}, {"v/" + p.Name, o.v[i]}} {
			t, ok := f.Get(mom.name)
			if !ok {
				return fmt.Errorf("%s: no moment %s", file, mom.name)
			}
			if !mom.t.Shape.Equal(t.Shape) {
				return fmt.Errorf("%s: moment %s has shape %v, want %v", file, mom.name, tensor.Shape(t.Shape), mom.t.Shape)
			}
			o.be.Upload(mom.t, t.Data)
		}
	}
	o.step = step
	return nil
}
