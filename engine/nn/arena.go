package nn

import "github.com/ncstudio/ncstudio/engine/tensor"

// arena keeps a layer's activation and gradient buffers from one step to
// the next, as llm.c preallocates its activations: allocating fresh
// tensors every step cost the CPU backend a fifth of its time in page faults,
// and would cost the CUDA backend a device allocation per op.
//
// The rule it implies: a tensor returned by a layer's Forward (or Backward)
// stays valid until that layer's next Forward (or Backward). Keep a copy of
// anything needed longer, such as rollout frames.
type arena struct {
	be   tensor.Backend
	bufs map[string]*tensor.Tensor
}

func newArena(be tensor.Backend) arena { return arena{be: be} }

// buf returns the layer's buffer called name with the given shape, reusing
// the previous one when the shape is unchanged. Its contents are undefined:
// every caller overwrites it completely.
func (a *arena) buf(name string, shape ...int) *tensor.Tensor {
	if t, ok := a.bufs[name]; ok {
		if t.Shape.Equal(shape) {
			return t
		}
		a.be.Free(t)
	}
	if a.bufs == nil {
		a.bufs = map[string]*tensor.Tensor{}
	}
	t := a.be.Zeros(shape...)
	a.bufs[name] = t
	return t
}

// Arena is the buffer cache for layers built outside this package, with the
// same rule: a buffer stays valid until the next call that asks for it.
type Arena struct{ a arena }

// NewArena makes an empty cache on be.
func NewArena(be tensor.Backend) Arena { return Arena{newArena(be)} }

// Buf returns the buffer called name with the given shape; its contents are
// undefined until the caller writes it.
func (a *Arena) Buf(name string, shape ...int) *tensor.Tensor { return a.a.buf(name, shape...) }

// Backend is the backend the buffers live on.
func (a *Arena) Backend() tensor.Backend { return a.a.be }
