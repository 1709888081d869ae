package backendtest

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/pyref"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// TorchTolerance is the largest accepted relative error (max-abs, relative
// to the reference's largest element) between a backend and PyTorch in float64.
const TorchTolerance = 1e-4

// Python is the interpreter with Debian's python3-torch.
const Python = pyref.Python

// PyrefDir is the folder of the repository's Python reference scripts.
func PyrefDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "pyref")
}

// RequireTorch skips the test, visibly, when PyTorch cannot be imported.
func RequireTorch(t testing.TB) {
	t.Helper()
	if out, err := exec.Command(Python, "-c", "import torch, numpy").CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: PyTorch reference not available (%s -c 'import torch' failed: %v %s); `make test` installs python3-torch", Python, err, out)
	}
}

// RunPyref runs a script of the pyref folder with arguments and returns its
// combined output, failing the test when it exits with an error.
func RunPyref(t testing.TB, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(Python, append([]string{filepath.Join(PyrefDir(), script)}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, out)
	}
	return string(out)
}

type torchCase struct {
	Name   string         `json:"name"`
	Torch  string         `json:"torch"`
	Params map[string]any `json:"params,omitempty"`
	Inputs []string       `json:"inputs"`
	Diff   []bool         `json:"diff"`
}

// CompareTorch runs every case on be and in PyTorch (float64) and requires
// outputs and input gradients to agree within TorchTolerance.
func CompareTorch(t *testing.T, be tensor.Backend) {
	RequireTorch(t)
	dir := t.TempDir()
	in := &ckpt.File{Metadata: map[string]string{}}
	var meta []torchCase
	insts := map[string]Instance{}
	for _, c := range Cases() {
		inst := Instantiate(be, c)
		insts[c.Name] = inst
		tc := torchCase{Name: c.Name, Torch: c.Torch, Params: c.Params}
		for i, input := range c.Inputs {
			tc.Inputs = append(tc.Inputs, input.Name)
			tc.Diff = append(tc.Diff, input.Diff)
			in.Tensors = append(in.Tensors, ckpt.Tensor{Name: c.Name + "/" + input.Name, DType: ckpt.F32, Shape: input.Shape, Data: inst.Values[i]})
		}
		in.Tensors = append(in.Tensors, ckpt.Tensor{Name: c.Name + "/dy", DType: ckpt.F32, Shape: []int{len(inst.DY)}, Data: inst.DY})
		meta = append(meta, tc)
	}
	js, _ := json.Marshal(meta)
	in.Metadata["cases"] = string(js)
	inPath, outPath := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := ckpt.Save(inPath, in); err != nil {
		t.Fatal(err)
	}
	RunPyref(t, "torch_ops.py", inPath, outPath)
	ref, err := ckpt.Load(outPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			inst := insts[c.Name]
			check := func(what string, got []float32) {
				want, ok := ref.Get(c.Name + "/" + what)
				if !ok {
					t.Fatalf("PyTorch wrote no %s", what)
				}
				if len(got) != len(want.Data) {
					t.Fatalf("%s: %d elements, PyTorch has %d", what, len(got), len(want.Data))
				}
				if e := relErr(got, want.Data); e > TorchTolerance {
					t.Errorf("%s: relative error %.3g against PyTorch (float64), tolerance %g", what, e, TorchTolerance)
				} else if testing.Verbose() {
					t.Logf("%s: relative error %.2g", what, e)
				}
			}
			check("out", inst.Output(be))
			grads := inst.Gradients(be)
			for i, input := range c.Inputs {
				if input.Diff {
					check("grad/"+input.Name, grads[i])
				}
			}
		})
	}
}
