package cpu

import (
	"github.com/ncstudio/ncstudio/engine/tensor"
)

func (*Backend) Concat(out, a, b *tensor.Tensor) {
	batch, ta, tb, d := tensor.ConcatDims("Concat", out, a, b)
	od, ad, bd := out.Host(), a.Host(), b.Host()
	for i := range batch {
		row := od[i*(ta+tb)*d:]
		copy(row, ad[i*ta*d:(i+1)*ta*d])
		copy(row[ta*d:], bd[i*tb*d:(i+1)*tb*d])
	}
}

func (*Backend) Split(a, b, in *tensor.Tensor) {
	batch, ta, tb, d := tensor.ConcatDims("Split", in, a, b)
	id, ad, bd := in.Host(), a.Host(), b.Host()
	for i := range batch {
		row := id[i*(ta+tb)*d:]
		copy(ad[i*ta*d:(i+1)*ta*d], row)
		copy(bd[i*tb*d:(i+1)*tb*d], row[ta*d:])
	}
}
