package nn

import (
	"fmt"
	"strings"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// AddParams appends the values of params to f as F32 tensors under their
// names.
func AddParams(f *ckpt.File, be tensor.Backend, params []*Param) {
	for _, p := range params {
		f.Tensors = append(f.Tensors, ckpt.Tensor{Name: p.Name, DType: ckpt.F32, Shape: p.Value.Shape.Clone(), Data: be.ToHost(p.Value)})
	}
}

// LoadParams copies the tensors of f into params by name. It fails, naming
// file and every offending tensor, when a parameter is missing or has another
// shape; tensors of f that no parameter takes are listed too, since they
// usually mean a checkpoint of another architecture.
func LoadParams(f *ckpt.File, file string, be tensor.Backend, params []*Param) error {
	var problems []string
	used := map[string]bool{}
	for _, p := range params {
		t, ok := f.Get(p.Name)
		if !ok {
			problems = append(problems, fmt.Sprintf("missing %s %v", p.Name, p.Value.Shape))
			continue
		}
		used[p.Name] = true
		if !p.Value.Shape.Equal(t.Shape) {
			problems = append(problems, fmt.Sprintf("%s has shape %v, the model needs %v", p.Name, tensor.Shape(t.Shape), p.Value.Shape))
			continue
		}
		be.Upload(p.Value, t.Data)
	}
	for _, t := range f.Tensors {
		if !used[t.Name] {
			problems = append(problems, "unexpected "+t.Name)
		}
	}
	if len(problems) > 0 {
		const show = 8
		more := ""
		if len(problems) > show {
			more = fmt.Sprintf(" (and %d more)", len(problems)-show)
			problems = problems[:show]
		}
		return fmt.Errorf("%s: parameters do not match the model: %s%s", file, strings.Join(problems, "; "), more)
	}
	return nil
}
