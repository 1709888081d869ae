package model

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/ncstudio/ncstudio/engine/tensor"
)

// The dynamics is trained by rectified flow (flow matching on straight
// paths): with noise ε and the true next latent z, the point at flow time τ
// is x_τ = (1-τ)·ε + τ·z. The network predicts z itself from x_τ (data
// prediction); the velocity of the path is then v = (ẑ - x_τ)/(1-τ).
// Sampling integrates dx/dτ = v from τ = 0 (noise) to 1 with Euler steps,
// the last of which lands exactly on ẑ. One step gives the model's mean
// prediction with no noise left to cancel, which is what a deterministic
// desktop needs; more steps give sharper samples of uncertain futures.

// startShare is the fraction of training items at flow time 0.
const startShare = 0.25

// FlowBatch is a training batch for the dynamics, on the model's backend.
// Latents are scaled (Config.AE.Scale).
type FlowBatch struct {
	Target  *tensor.Tensor // [B, Cz, h, w]: the next latent
	Context *tensor.Tensor // [B, K·Cz, h, w]: newest first
	Cursor  *tensor.Tensor // [B, 1, h, w] or nil
	Actions *tensor.Tensor // [B, Config.ActionInputs()]
	// Weight, if set, weights the loss per latent cell ([B, 1, h, w]): the
	// cursor supervision.
	Weight *tensor.Tensor
}

// FlowOptions are the training-time noise settings.
type FlowOptions struct {
	// ContextNoiseMax: each item's context gets Gaussian noise of a level
	// drawn uniformly from [0, ContextNoiseMax] (half of the items none),
	// against the drift of free-running rollouts.
	ContextNoiseMax float32
}

// FlowLoss runs the dynamics forward and backward on one batch and returns
// the loss (the weighted MSE of the predicted next latent); parameter
// gradients accumulate.
func (m *Model) FlowLoss(batch FlowBatch, o FlowOptions, rng *rand.Rand) float32 {
	be := m.be
	b := batch.Target.Dim(0)
	tau, sigma := make([]float32, b), make([]float32, b)
	for i := range b {
		// Logit-normal flow times favour the middle, where prediction is
		// hardest (as in Stable Diffusion 3). But every sample starts at
		// τ = 0, which logit-normal almost never draws, and one-step
		// sampling uses nothing else: a share of items is put there.
		tau[i] = float32(1 / (1 + math.Exp(-rng.NormFloat64())))
		if rng.Float64() < startShare {
			tau[i] = 0
		}
		if rng.Float64() < 0.5 {
			sigma[i] = o.ContextNoiseMax * rng.Float32()
		}
	}
	eps := m.noise("flow.eps", rng, batch.Target.Shape...)
	// x = (1-τ)ε + τz, per item.
	x := m.buf("flow.x", batch.Target.Shape...)
	scaled := m.buf("flow.tmp", batch.Target.Shape...)
	be.Mul(x, eps, m.perItem("flow.one_minus_tau", tau, true))
	be.Mul(scaled, batch.Target, m.perItem("flow.tau", tau, false))
	be.Add(x, x, scaled)

	ctx := m.buf("flow.ctx", batch.Context.Shape...)
	be.Copy(ctx, batch.Context)
	ctxNoise := m.noise("flow.ctx_eps", rng, batch.Context.Shape...)
	be.Mul(ctxNoise, ctxNoise, m.perItem("flow.sigma", sigma, false))
	be.Add(ctx, ctx, ctxNoise)

	pred := m.Dyn.Forward(DynamicsInputs{Noisy: x, Context: ctx, Cursor: batch.Cursor, Actions: batch.Actions, Tau: tau, Sigma: sigma})
	grad := m.buf("flow.grad", pred.Shape...)
	loss := be.MSELoss(grad, pred, batch.Target, batch.Weight)
	m.Dyn.Backward(grad)
	return loss
}

// AELoss runs the autoencoder forward and backward on frames x [B, 3, H, W]
// and returns the weighted MSE + L1 of the reconstruction; weight
// ([B, 1, H, W], the cursor supervision) may be nil. Parameter gradients
// accumulate.
func (m *Model) AELoss(x, weight *tensor.Tensor) float32 {
	loss, grad := m.reconLoss(m.Dec.Forward(m.Enc.Forward(x)), x, weight)
	m.Enc.Backward(m.Dec.Backward(grad))
	return loss
}

// DecoderLoss is AELoss for the decoder alone, from given unscaled latents
// z [B, Cz, h, w] of the frames x: only the decoder's gradients accumulate.
func (m *Model) DecoderLoss(z, x, weight *tensor.Tensor) float32 {
	loss, grad := m.reconLoss(m.Dec.Forward(z), x, weight)
	m.Dec.Backward(grad)
	return loss
}

// reconLoss returns the weighted MSE + L1 of a reconstruction of x and its
// gradient (valid until the next call).
func (m *Model) reconLoss(recon, x, weight *tensor.Tensor) (float32, *tensor.Tensor) {
	g1, g2 := m.buf("ae.g1", recon.Shape...), m.buf("ae.g2", recon.Shape...)
	loss := m.be.MSELoss(g1, recon, x, weight) + m.be.L1Loss(g2, recon, x, weight)
	m.be.Axpy(g1, 1, g2)
	return loss, g1
}

// Sample generates next latents [B, Cz, h, w] (scaled) for the inputs, with
// steps Euler steps and the given context noise. The result is valid until
// the next call.
func (m *Model) Sample(context, cursor, actions *tensor.Tensor, steps int, contextNoise float32, rng *rand.Rand) *tensor.Tensor {
	return m.sample(context, cursor, actions, steps, contextNoise, rng, nil)
}

// SampleObserver sees the sampler's state after each step: the Euler step
// s (0-based), the latent x it moved to and the data prediction ẑ it moved
// towards (both scaled latents, valid during the call).
type SampleObserver func(s int, x, pred *tensor.Tensor)

func (m *Model) sample(context, cursor, actions *tensor.Tensor, steps int, contextNoise float32, rng *rand.Rand, observe SampleObserver) *tensor.Tensor {
	be := m.be
	b := context.Dim(0)
	lw, lh := m.Cfg.LatentSize()
	shape := []int{b, m.Cfg.AE.Latent, lh, lw}
	x := m.buf("sample.x", shape...)
	be.Copy(x, m.noise("sample.eps", rng, shape...))
	sigma := make([]float32, b)
	for i := range sigma {
		sigma[i] = contextNoise
	}
	ctx := context
	if contextNoise > 0 {
		ctx = m.buf("sample.ctx", context.Shape...)
		be.Copy(ctx, m.noise("sample.ctx_eps", rng, context.Shape...))
		be.Scale(ctx, contextNoise)
		be.Add(ctx, ctx, context)
	}
	tau := make([]float32, b)
	delta := m.buf("sample.delta", shape...)
	for s := range steps {
		t := float32(s) / float32(steps)
		for i := range tau {
			tau[i] = t
		}
		pred := m.Dyn.Forward(DynamicsInputs{Noisy: x, Context: ctx, Cursor: cursor, Actions: actions, Tau: tau, Sigma: sigma})
		// x += dτ·(ẑ - x)/(1-τ)
		be.Copy(delta, pred)
		be.Axpy(delta, -1, x)
		be.Axpy(x, (1/float32(steps))/(1-t), delta)
		if observe != nil {
			observe(s, x, pred)
		}
	}
	return x
}

// noiseChunk is how many values each of noise's generators draws. A
// training batch needs millions of normal values per step, which one
// goroutine draws more slowly than a GPU steps; chunks with their own seeds
// are drawn in parallel, and the values depend on rng alone, not on how
// many goroutines drew them.
const noiseChunk = 1 << 15

// noise returns a buffer of standard normal values.
func (m *Model) noise(name string, rng *rand.Rand, shape ...int) *tensor.Tensor {
	v := make([]float32, tensor.Shape(shape).Numel())
	chunks := (len(v) + noiseChunk - 1) / noiseChunk
	seeds := make([]uint64, chunks)
	for c := range seeds {
		seeds[c] = rng.Uint64()
	}
	fill := func(c int) {
		r := rand.New(rand.NewPCG(seeds[c], uint64(c)))
		for i := c * noiseChunk; i < min(len(v), (c+1)*noiseChunk); i++ {
			v[i] = float32(r.NormFloat64())
		}
	}
	// Worker w draws chunks w, w+workers, ...; worker 0 is this goroutine, so
	// a session's step (one chunk) starts no goroutine.
	workers := min(chunks, runtime.GOMAXPROCS(0))
	work := func(w int) {
		for c := w; c < chunks; c += workers {
			fill(c)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { work(w) })
	}
	work(0)
	wg.Wait()
	t := m.buf(name, shape...)
	m.be.Upload(t, v)
	return t
}

// perItem uploads one value per batch item as [B, 1, 1, 1] (1-v with oneMinus).
func (m *Model) perItem(name string, v []float32, oneMinus bool) *tensor.Tensor {
	h := make([]float32, len(v))
	for i := range v {
		h[i] = v[i]
		if oneMinus {
			h[i] = 1 - v[i]
		}
	}
	t := m.buf(name, len(v), 1, 1, 1)
	m.be.Upload(t, h)
	return t
}
