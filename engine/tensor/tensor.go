// Package tensor defines the float32 tensor shared by the whole engine and the
// Backend interface that each compute backend (CPU now, CUDA later) implements.
//
// A Tensor is a shape plus a Buffer owned by one backend. Host tensors keep
// their elements in a HostBuffer; device backends define their own Buffer.
// Tensors are always dense and row-major (the last dimension is contiguous).
package tensor

import (
	"fmt"
	"strings"
)

// Shape lists the sizes of a tensor's dimensions, outermost first.
type Shape []int

// Numel is the number of elements (1 for a scalar shape).
func (s Shape) Numel() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether both shapes have the same dimensions.
func (s Shape) Equal(o Shape) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy that does not alias s.
func (s Shape) Clone() Shape { return append(Shape(nil), s...) }

func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Buffer is one backend's storage for a tensor's elements.
type Buffer interface {
	// Len is the number of float32 elements the buffer holds.
	Len() int
}

// HostBuffer is storage in ordinary memory, used by the CPU backend.
type HostBuffer []float32

func (b HostBuffer) Len() int { return len(b) }

// Tensor is a dense row-major float32 array.
type Tensor struct {
	Shape Shape
	Buf   Buffer
}

// FromSlice wraps host data (not copied) as a tensor of the given shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	s := Shape(shape)
	if s.Numel() != len(data) {
		panic(fmt.Sprintf("tensor: %d elements do not fit shape %v", len(data), s))
	}
	return &Tensor{Shape: s.Clone(), Buf: HostBuffer(data)}
}

// Numel is the number of elements.
func (t *Tensor) Numel() int { return t.Shape.Numel() }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// Host returns the elements of a host tensor without copying. It panics for
// device tensors: use Backend.ToHost for those.
func (t *Tensor) Host() []float32 {
	h, ok := t.Buf.(HostBuffer)
	if !ok {
		panic(fmt.Sprintf("tensor: Host() on a %T tensor", t.Buf))
	}
	return h[:t.Numel()]
}

// Reshape returns a view with a new shape over the same buffer. One dimension
// may be -1 and is then inferred.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	s := Shape(shape).Clone()
	infer, known := -1, 1
	for i, d := range s {
		if d == -1 {
			if infer >= 0 {
				panic("tensor: Reshape with two -1 dimensions")
			}
			infer = i
		} else {
			known *= d
		}
	}
	if infer >= 0 && known > 0 {
		s[infer] = t.Numel() / known
	}
	if s.Numel() != t.Numel() {
		panic(fmt.Sprintf("tensor: cannot reshape %v to %v", t.Shape, Shape(shape)))
	}
	return &Tensor{Shape: s, Buf: t.Buf}
}

// MustSameShape panics with a message naming op when the shapes differ; backends
// use it to catch wiring mistakes early and loudly.
func MustSameShape(op string, ts ...*Tensor) {
	for _, t := range ts[1:] {
		if !t.Shape.Equal(ts[0].Shape) {
			panic(fmt.Sprintf("%s: shape %v does not match %v", op, t.Shape, ts[0].Shape))
		}
	}
}

// BroadcastShape is the NumPy-style broadcast of a and b (dimensions aligned
// from the right; a size-1 dimension stretches), or an error.
func BroadcastShape(a, b Shape) (Shape, error) {
	n := max(len(a), len(b))
	out := make(Shape, n)
	for i := 0; i < n; i++ {
		da, db := dimFromRight(a, n-1-i), dimFromRight(b, n-1-i)
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("tensor: shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// dimFromRight returns s's dimension k places from the right, or 1 past its rank.
func dimFromRight(s Shape, k int) int {
	if k >= len(s) {
		return 1
	}
	return s[len(s)-1-k]
}
