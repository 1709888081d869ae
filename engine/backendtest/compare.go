package backendtest

import (
	"testing"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// CompareBackends runs every case's forward and backward on be and on ref
// (the CPU backend) with the same inputs and checks that outputs and
// gradients agree within tol, relative to the scale of ref's values: the
// check for backends whose arithmetic is rounded differently (tf32 tensor
// cores), where finite differences would measure the rounding.
func CompareBackends(t *testing.T, be, ref tensor.Backend, tol float64) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			inst := Instantiate(ref, c)
			worst := relErr(inst.Output(be), inst.Output(ref))
			if worst > tol {
				t.Errorf("forward: relative error %.3g against %s, tolerance %.g", worst, ref.Name(), tol)
			}
			got, want := inst.Gradients(be), inst.Gradients(ref)
			for i, in := range c.Inputs {
				if !in.Diff {
					continue
				}
				e := relErr(got[i], want[i])
				if e > tol {
					t.Errorf("gradient of %s: relative error %.3g against %s, tolerance %.g", in.Name, e, ref.Name(), tol)
				}
				worst = max(worst, e)
			}
			if testing.Verbose() {
				t.Logf("worst relative error against %s: %.2g", ref.Name(), worst)
			}
		})
	}
}
