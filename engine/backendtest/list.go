package backendtest

import (
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Cases returns every op case of the suite.
func Cases() []Case {
	cs := []Case{
		matmulCase("matmul", false, false, []int{2, 3, 4, 5}, []int{2, 3, 5, 6}, []int{2, 3, 4, 6}),
		matmulCase("matmul_ta", true, false, []int{3, 5, 4}, []int{3, 5, 6}, []int{3, 4, 6}),
		matmulCase("matmul_tb", false, true, []int{3, 4, 5}, []int{3, 6, 5}, []int{3, 4, 6}),
		matmulCase("matmul_ta_tb", true, true, []int{3, 5, 4}, []int{3, 6, 5}, []int{3, 4, 6}),
		matmulCase("matmul_shared_b", false, false, []int{3, 4, 5}, []int{5, 6}, []int{3, 4, 6}),
		matmulCase("matmul_batch_sum", false, true, []int{3, 4, 5}, []int{3, 6, 5}, []int{4, 6}),
		{Name: "linear", Torch: "linear", Inputs: []Input{diff("x", 2, 3, 5), diff("w", 4, 5), diff("b", 4)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := be.Zeros(2, 3, 4)
				nn.LinearForward(be, out, in[0], in[1], in[2])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				g := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1]), zerosLike(be, in[2])}
				nn.LinearBackward(be, g[0], g[1], g[2], dy, in[0], in[1])
				return g
			}},
		convCase("conv2d_3x3", 3, 1, true, 3, 6),
		convCase("conv2d_3x3_s2", 3, 2, true, 3, 6),
		convCase("conv2d_1x1", 1, 1, true, 3, 6),
		convCase("conv2d_1x1_s2_nobias", 1, 2, false, 3, 6),
		convCase("conv2d_3x3_tiled", 3, 1, true, 64, 40),
		convCase("conv2d_3x3_s2_tiled", 3, 2, false, 96, 63),
		unaryCase("silu", tensor.Backend.SiLU, tensor.Backend.SiLUBackward),
		unaryCase("gelu", tensor.Backend.GELU, tensor.Backend.GELUBackward),
		{Name: "upsample2x", Torch: "upsample2x", Inputs: []Input{diff("x", 2, 3, 4, 5)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := be.Zeros(2, 3, 8, 10)
				be.Upsample2x(out, in[0])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				dx := zerosLike(be, in[0])
				be.Upsample2xBackward(dx, dy)
				return []*tensor.Tensor{dx}
			}},
		{Name: "avgpool2x", Torch: "avgpool2x", Inputs: []Input{diff("x", 2, 3, 6, 4)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := be.Zeros(2, 3, 3, 2)
				be.AvgPool2x(out, in[0])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				dx := zerosLike(be, in[0])
				be.AvgPool2xBackward(dx, dy)
				return []*tensor.Tensor{dx}
			}},
		{Name: "layernorm", Torch: "layernorm", Params: map[string]any{"eps": 1e-5},
			Inputs: []Input{diff("x", 3, 4, 10), diff("w", 10), diff("b", 10)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := zerosLike(be, in[0])
				be.LayerNorm(out, be.Zeros(12), be.Zeros(12), in[0], in[1], in[2], 1e-5)
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				mean, rstd := be.Zeros(12), be.Zeros(12)
				be.LayerNorm(be.Zeros(3, 4, 10), mean, rstd, in[0], in[1], in[2], 1e-5)
				g := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1]), zerosLike(be, in[2])}
				be.LayerNormBackward(g[0], g[1], g[2], dy, in[0], mean, rstd, in[1])
				return g
			}},
		{Name: "rmsnorm", Torch: "rmsnorm", Params: map[string]any{"eps": 1e-6},
			Inputs: []Input{diff("x", 3, 4, 10), diff("w", 10)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := zerosLike(be, in[0])
				be.RMSNorm(out, be.Zeros(12), in[0], in[1], 1e-6)
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				rstd := be.Zeros(12)
				be.RMSNorm(be.Zeros(3, 4, 10), rstd, in[0], in[1], 1e-6)
				g := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1])}
				be.RMSNormBackward(g[0], g[1], dy, in[0], rstd, in[1])
				return g
			}},
		{Name: "groupnorm", Torch: "groupnorm", Params: map[string]any{"eps": 1e-5, "groups": 3},
			Inputs: []Input{diff("x", 2, 6, 3, 4), diff("w", 6), diff("b", 6)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := zerosLike(be, in[0])
				be.GroupNorm(out, be.Zeros(2, 3), be.Zeros(2, 3), in[0], in[1], in[2], 3, 1e-5)
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				mean, rstd := be.Zeros(2, 3), be.Zeros(2, 3)
				be.GroupNorm(zerosLike(be, in[0]), mean, rstd, in[0], in[1], in[2], 3, 1e-5)
				g := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1]), zerosLike(be, in[2])}
				be.GroupNormBackward(g[0], g[1], g[2], dy, in[0], mean, rstd, in[1], 3)
				return g
			}},
		{Name: "softmax", Torch: "softmax", Inputs: []Input{diff("x", 4, 3, 9)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := zerosLike(be, in[0])
				be.Softmax(out, in[0])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				y, dx := zerosLike(be, in[0]), zerosLike(be, in[0])
				be.Softmax(y, in[0])
				be.SoftmaxBackward(dx, dy, y)
				return []*tensor.Tensor{dx}
			}},
		attentionCase("attention_self_causal", 5, 5, true),
		attentionCase("attention_cross", 4, 6, false),
		{Name: "permute0213", Torch: "permute0213", Inputs: []Input{diff("x", 2, 3, 4, 5)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := be.Zeros(2, 4, 3, 5)
				be.Permute0213(out, in[0])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				dx := zerosLike(be, in[0])
				be.Permute0213(dx, dy)
				return []*tensor.Tensor{dx}
			}},
		{Name: "concat", Torch: "concat", Inputs: []Input{diff("a", 2, 3, 4), diff("b", 2, 5, 4)},
			Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
				out := be.Zeros(2, 8, 4)
				be.Concat(out, in[0], in[1])
				return out
			},
			Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
				da, db := zerosLike(be, in[0]), zerosLike(be, in[1])
				be.Split(da, db, dy)
				return []*tensor.Tensor{da, db}
			}},
		embeddingCase(),
		binaryCase("add_broadcast", []int{2, 3, 4}, []int{3, 1}, tensor.Backend.Add),
		binaryCase("add_same", []int{2, 3, 4}, []int{2, 3, 4}, tensor.Backend.Add),
		binaryCase("mul_broadcast", []int{2, 1, 4}, []int{3, 4}, tensor.Backend.Mul),
		binaryCase("mul_channel", []int{2, 3, 4, 5}, []int{1, 3, 1, 1}, tensor.Backend.Mul),
		lossCase("mse", false, tensor.Backend.MSELoss),
		lossCase("mse_weighted", true, tensor.Backend.MSELoss),
		lossCase("l1", false, tensor.Backend.L1Loss),
		lossCase("l1_weighted", true, tensor.Backend.L1Loss),
	}
	return cs
}

var embeddingIDs = []int32{3, 0, 6, 3, 2, 3}

func embeddingCase() Case {
	ids := make([]any, len(embeddingIDs))
	for i, id := range embeddingIDs {
		ids[i] = int(id)
	}
	return Case{Name: "embedding", Torch: "embedding", Params: map[string]any{"ids": ids},
		Inputs: []Input{diff("table", 7, 4)},
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			out := be.Zeros(len(embeddingIDs), 4)
			be.Embedding(out, in[0], embeddingIDs)
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			dt := zerosLike(be, in[0])
			be.EmbeddingBackward(dt, dy, embeddingIDs)
			return []*tensor.Tensor{dt}
		}}
}

func attentionCase(name string, tq, tk int, causal bool) Case {
	const b, h, d = 2, 3, 4
	inputs := []Input{diff("q", b, h, tq, d), diff("k", b, h, tk, d), diff("v", b, h, tk, d)}
	if causal {
		inputs = append(inputs, Input{Name: "mask", Shape: []int{tq, tk}, Gen: causalMask})
	}
	mask := func(in []*tensor.Tensor) *tensor.Tensor {
		if causal {
			return in[3]
		}
		return nil
	}
	const scale = 0.5 // 1/sqrt(d)
	return Case{Name: name, Torch: "attention", Params: map[string]any{"scale": scale}, Inputs: inputs,
		Forward: func(be tensor.Backend, in []*tensor.Tensor) *tensor.Tensor {
			out, probs := zerosLike(be, in[0]), be.Zeros(b, h, tq, tk)
			be.Attention(out, probs, in[0], in[1], in[2], mask(in), scale)
			return out
		},
		Backward: func(be tensor.Backend, in []*tensor.Tensor, dy *tensor.Tensor) []*tensor.Tensor {
			out, probs := zerosLike(be, in[0]), be.Zeros(b, h, tq, tk)
			be.Attention(out, probs, in[0], in[1], in[2], mask(in), scale)
			g := []*tensor.Tensor{zerosLike(be, in[0]), zerosLike(be, in[1]), zerosLike(be, in[2]), nil}
			be.AttentionBackward(g[0], g[1], g[2], dy, in[0], in[1], in[2], probs, scale)
			return g[:len(in)]
		}}
}
