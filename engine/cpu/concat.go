package cpu

import (
	"fmt"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// concatShapes checks [B, Ta, D] + [B, Tb, D] = [B, Ta+Tb, D].
func concatShapes(op string, whole, a, b *tensor.Tensor) (batch, ta, tb, d int) {
	for _, t := range []*tensor.Tensor{whole, a, b} {
		if len(t.Shape) != 3 {
			panic(fmt.Sprintf("%s: shapes %v = %v + %v must have 3 dimensions", op, whole.Shape, a.Shape, b.Shape))
		}
	}
	batch, ta, tb, d = a.Dim(0), a.Dim(1), b.Dim(1), a.Dim(2)
	if b.Dim(0) != batch || b.Dim(2) != d || whole.Dim(0) != batch || whole.Dim(1) != ta+tb || whole.Dim(2) != d {
		panic(fmt.Sprintf("%s: shapes %v = %v + %v do not match along the middle dimension", op, whole.Shape, a.Shape, b.Shape))
	}
	return batch, ta, tb, d
}

func (*Backend) Concat(out, a, b *tensor.Tensor) {
	batch, ta, tb, d := concatShapes("Concat", out, a, b)
	od, ad, bd := out.Host(), a.Host(), b.Host()
	for i := range batch {
		row := od[i*(ta+tb)*d:]
		copy(row, ad[i*ta*d:(i+1)*ta*d])
		copy(row[ta*d:], bd[i*tb*d:(i+1)*tb*d])
	}
}

func (*Backend) Split(a, b, in *tensor.Tensor) {
	batch, ta, tb, d := concatShapes("Split", in, a, b)
	id, ad, bd := in.Host(), a.Host(), b.Host()
	for i := range batch {
		row := id[i*(ta+tb)*d:]
		copy(ad[i*ta*d:(i+1)*ta*d], row)
		copy(bd[i*tb*d:(i+1)*tb*d], row[ta*d:])
	}
}
