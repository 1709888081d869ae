// Package optim trains nn parameters: AdamW with decoupled weight decay,
// gradient-norm clipping, and a warm-up + cosine learning-rate schedule.
package optim

import (
	"math"

	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// AdamW holds the optimiser's settings and its per-parameter moments.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float32
	// MaxGradNorm clips the global gradient norm before the update; 0 disables it.
	MaxGradNorm float64
	// NoDecay lists parameters excluded from weight decay (biases, norm gains).
	NoDecay func(p *nn.Param) bool

	be     tensor.Backend
	params []*nn.Param
	m, v   []*tensor.Tensor
	step   int
}

// NewAdamW makes an optimiser over params with PyTorch-like defaults
// (betas 0.9/0.999, eps 1e-8, weight decay 0.01) and no clipping.
func NewAdamW(be tensor.Backend, params []*nn.Param) *AdamW {
	o := &AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, be: be, params: params}
	for _, p := range params {
		o.m = append(o.m, be.Zeros(p.Value.Shape...))
		o.v = append(o.v, be.Zeros(p.Value.Shape...))
	}
	return o
}

// StepCount is the number of updates made so far.
func (o *AdamW) StepCount() int { return o.step }

// GradNorm is the L2 norm of all gradients together.
func (o *AdamW) GradNorm() float64 {
	var ss float64
	for _, p := range o.params {
		ss += o.be.SumSquares(p.Grad)
	}
	return math.Sqrt(ss)
}

// Step clips (when MaxGradNorm > 0) and applies one update at learning rate
// lr. It returns the gradient norm before clipping.
func (o *AdamW) Step(lr float32) float64 {
	o.step++
	norm := o.GradNorm()
	scale := float32(1)
	if o.MaxGradNorm > 0 && norm > o.MaxGradNorm {
		// PyTorch's clip_grad_norm_ coefficient.
		scale = float32(o.MaxGradNorm / (norm + 1e-6))
	}
	for i, p := range o.params {
		wd := o.WeightDecay
		if o.NoDecay != nil && o.NoDecay(p) {
			wd = 0
		}
		o.be.AdamW(p.Value, p.Grad, o.m[i], o.v[i], tensor.AdamWParams{
			LR: lr, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps, WeightDecay: wd,
			Step: o.step, GradScale: scale})
	}
	return norm
}

// ZeroGrad clears every gradient before the next backward pass.
func (o *AdamW) ZeroGrad() {
	for _, p := range o.params {
		o.be.Fill(p.Grad, 0)
	}
}

// Schedule is a learning rate that warms up linearly from 0 over Warmup
// steps, then follows a half cosine from Peak down to Min at Total steps,
// and stays at Min after that.
type Schedule struct {
	Peak, Min     float64
	Warmup, Total int
}

// At returns the learning rate for step (1-based: the first update is step 1).
func (s Schedule) At(step int) float64 {
	if step <= s.Warmup {
		return s.Peak * float64(step) / float64(s.Warmup)
	}
	if step >= s.Total {
		return s.Min
	}
	progress := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	return s.Min + 0.5*(s.Peak-s.Min)*(1+math.Cos(math.Pi*progress))
}
