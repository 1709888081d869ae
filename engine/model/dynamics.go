package model

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// timeFeatures is the width of the sinusoidal embedding of each of the two
// noise levels (the flow time of the target, the noise of the context).
const timeFeatures = 16

// DynamicsInputs is one batch for the dynamics transformer. Latents are
// already multiplied by the latent scale.
type DynamicsInputs struct {
	Noisy   *tensor.Tensor // [B, Cz, h, w]: the target latent at flow time Tau
	Context *tensor.Tensor // [B, K·Cz, h, w]: the last K latents, newest first
	Cursor  *tensor.Tensor // [B, 1, h, w]: the cursor map, nil without one
	Actions *tensor.Tensor // [B, Config.ActionInputs()]
	Tau     []float32      // [B]: flow time, 0 = pure noise, 1 = the data
	Sigma   []float32      // [B]: noise level added to the context
}

// Dynamics predicts the next latent from the noisy next latent (at flow
// time τ), the context latents, the cursor map, the noise levels and the
// action; see flow.go for how that drives flow-matching sampling.
type Dynamics struct {
	cfg             *Config
	be              tensor.Backend
	a               nn.Arena
	In              *nn.Linear // patch features → width
	Pos             *nn.Param  // [T, width]
	Time1           *nn.Linear
	Time2           *nn.Linear
	Act1            *nn.Linear // action features → width
	Act2            *nn.Linear // width → A·width
	Film            *nn.Linear // external: width → 2·width (scale, shift)
	Res             []*nn.Linear
	Blocks          []*block
	LNOut           *nn.LayerNorm
	Out             *nn.Linear // width → Cz·p·p
	timeAct, actAct *nn.Activation

	// Saved by Forward for Backward.
	in   DynamicsInputs
	h0   *tensor.Tensor // tokens before injection (external)
	film *tensor.Tensor // [B, 1, 2·width]
	act  *tensor.Tensor // [B, A, width]
}

// NewDynamics builds the transformer for cfg.
func NewDynamics(be tensor.Backend, cfg *Config, rng *rand.Rand) *Dynamics {
	d := &cfg.Dyn
	w := d.Dim
	in := d.inputChannels(cfg.AE.Latent) * d.Patch * d.Patch
	m := &Dynamics{cfg: cfg, be: be, a: nn.NewArena(be),
		In:      nn.NewLinear(be, "dyn.in", in, w, true, rng),
		Pos:     nn.NewParam(be, "dyn.pos", cfg.Tokens(), w),
		Time1:   nn.NewLinear(be, "dyn.time1", 2*timeFeatures, w, true, rng),
		Time2:   nn.NewLinear(be, "dyn.time2", w, w, true, rng),
		Act1:    nn.NewLinear(be, "dyn.act1", cfg.ActionInputs(), w, true, rng),
		Act2:    nn.NewLinear(be, "dyn.act2", w, d.actionTokens()*w, true, rng),
		LNOut:   nn.NewLayerNorm(be, "dyn.ln_out", w),
		Out:     nn.NewLinear(be, "dyn.out", w, cfg.AE.Latent*d.Patch*d.Patch, true, rng),
		timeAct: nn.NewSiLU(be), actAct: nn.NewSiLU(be),
	}
	nn.InitUniform(be, m.Pos, 0.02, rng)
	if d.Injection == External {
		m.Film = nn.NewLinear(be, "dyn.film", w, 2*w, true, rng)
		be.Scale(m.Film.W.Value, 0.1)
	}
	for l := range d.Layers {
		if d.Injection == Residual && l%d.ResidualEvery == 0 {
			m.Res = append(m.Res, nn.NewLinear(be, fmt.Sprintf("dyn.res%d", l), w, w, true, rng))
		}
		m.Blocks = append(m.Blocks, newBlock(be, fmt.Sprintf("dyn.block%d", l), w, d.Heads, d.MLPRatio, d.Injection == Internal, rng))
	}
	// Start with a small output, so that early predictions are near zero.
	be.Scale(m.Out.W.Value, 0.1)
	return m
}

// inputChannels is the number of latent-grid channels the dynamics reads:
// the noisy target, the context, the cursor map, the scrolled newest latents.
func (d *DynamicsConfig) inputChannels(cz int) int {
	n := cz * (d.Context + 1)
	if d.CursorMap {
		n++
	}
	return n + cz*len(d.ScrollShifts)
}

// Params lists the parameters in a fixed order.
func (m *Dynamics) Params() []*nn.Param {
	ps := nn.ParamsOf(m.In)
	ps = append(ps, m.Pos)
	ps = append(ps, nn.ParamsOf(m.Time1, m.Time2, m.Act1, m.Act2)...)
	if m.Film != nil {
		ps = append(ps, m.Film.Params()...)
	}
	for _, r := range m.Res {
		ps = append(ps, r.Params()...)
	}
	for _, b := range m.Blocks {
		ps = append(ps, b.Params()...)
	}
	return append(ps, nn.ParamsOf(m.LNOut, m.Out)...)
}

// Forward returns the predicted next latent [B, Cz, h, w]. The result is
// valid until the next Forward.
func (m *Dynamics) Forward(in DynamicsInputs) *tensor.Tensor {
	cfg, be := m.cfg, m.be
	m.in = in
	b := in.Noisy.Dim(0)
	lw, lh := cfg.LatentSize()
	cz, w, p := cfg.AE.Latent, cfg.Dyn.Dim, cfg.Dyn.Patch

	// Channels: noisy target, context, cursor map, the newest latent moved
	// up by each scroll shift; then patches to tokens.
	x := m.a.Buf("x", b, cz*(cfg.Dyn.Context+1), lh*lw)
	be.Concat(x, in.Noisy.Reshape(b, cz, lh*lw), in.Context.Reshape(b, cz*cfg.Dyn.Context, lh*lw))
	if in.Cursor != nil {
		xc := m.a.Buf("xc", b, x.Dim(1)+1, lh*lw)
		be.Concat(xc, x, in.Cursor.Reshape(b, 1, lh*lw))
		x = xc
	}
	var newest *tensor.Tensor
	if cfg.Dyn.Delta || len(cfg.Dyn.ScrollShifts) > 0 {
		newest = m.newest(in.Context)
	}
	for i, s := range cfg.Dyn.ScrollShifts {
		// Rows s.. of every channel move to the top; s rows of zeros below.
		name := func(what string) string { return fmt.Sprintf("scroll%d.%s", i, what) }
		rest := m.a.Buf(name("rest"), b*cz, (lh-s)*lw, 1)
		be.Split(m.a.Buf(name("top"), b*cz, s*lw, 1), rest, newest.Reshape(b*cz, lh*lw, 1))
		zeros := m.a.Buf(name("zeros"), b*cz, s*lw, 1)
		be.Fill(zeros, 0)
		moved := m.a.Buf(name("moved"), b*cz, lh*lw, 1)
		be.Concat(moved, rest, zeros)
		xs := m.a.Buf(name("x"), b, x.Dim(1)+cz, lh*lw)
		be.Concat(xs, x, moved.Reshape(b, cz, lh*lw))
		x = xs
	}
	tokens := patchify(&m.a, "patches", x.Reshape(b, x.Dim(1), lh, lw), p)

	h := m.In.Forward(tokens)
	be.Add(h, h, m.Pos.Value)
	be.Add(h, h, m.timeEmbedding(in.Tau, in.Sigma).Reshape(b, 1, w))
	m.act = m.Act2.Forward(m.actAct.Forward(m.Act1.Forward(in.Actions))).Reshape(b, cfg.Dyn.actionTokens(), w)

	switch cfg.Dyn.Injection {
	case External: // h + h·γ + β
		m.h0 = m.a.Buf("h0", h.Shape...)
		be.Copy(m.h0, h)
		m.film = m.Film.Forward(m.act)
		gamma, beta := m.a.Buf("gamma", b, 1, w), m.a.Buf("beta", b, 1, w)
		be.Split(gamma.Reshape(b, 1, w), beta.Reshape(b, 1, w), m.film.Reshape(b, 2, w))
		hg := m.a.Buf("hg", h.Shape...)
		be.Mul(hg, m.h0, gamma)
		be.Add(h, h, hg)
		be.Add(h, h, beta)
	case Contextual:
		hc := m.a.Buf("hc", b, h.Dim(1)+m.act.Dim(1), w)
		be.Concat(hc, h, m.act)
		h = hc
	}
	r := 0
	for l, blk := range m.Blocks {
		if cfg.Dyn.Injection == Residual && l%cfg.Dyn.ResidualEvery == 0 {
			be.Add(h, h, m.Res[r].Forward(m.act))
			r++
		}
		var ctx *tensor.Tensor
		if cfg.Dyn.Injection == Internal {
			ctx = m.act
		}
		h = blk.Forward(h, ctx)
	}
	if cfg.Dyn.Injection == Contextual {
		vis, acts := m.a.Buf("vis", b, cfg.Tokens(), w), m.a.Buf("acts", m.act.Shape...)
		be.Split(vis, acts, h)
		h = vis
	}
	out := m.Out.Forward(m.LNOut.Forward(h))
	pred := unpatchify(&m.a, "prediction", out, cz, lh, lw, p)
	if cfg.Dyn.Delta {
		// The skip has no parameters, so Backward needs nothing for it.
		be.Add(pred, pred, newest.Reshape(pred.Shape...))
	}
	return pred
}

// newest is the newest context latent [B, Cz, h·w]: the context's first Cz
// channels.
func (m *Dynamics) newest(context *tensor.Tensor) *tensor.Tensor {
	cfg := m.cfg
	b, cz, k := context.Dim(0), cfg.AE.Latent, cfg.Dyn.Context
	lw, lh := cfg.LatentSize()
	if k == 1 {
		return context.Reshape(b, cz, lh*lw)
	}
	newest := m.a.Buf("newest", b, cz, lh*lw)
	be := m.be
	be.Split(newest, m.a.Buf("older", b, (k-1)*cz, lh*lw), context.Reshape(b, k*cz, lh*lw))
	return newest
}

// Backward accumulates the parameter gradients for dv, the gradient of the
// loss with respect to the prediction Forward returned.
func (m *Dynamics) Backward(dv *tensor.Tensor) {
	cfg, be := m.cfg, m.be
	b, w := dv.Dim(0), cfg.Dyn.Dim
	dout := patchify(&m.a, "dpatches", dv, cfg.Dyn.Patch)
	dh := m.LNOut.Backward(m.Out.Backward(dout))
	dact := m.a.Buf("dact", m.act.Shape...)
	be.Fill(dact, 0)
	if cfg.Dyn.Injection == Contextual {
		dhc := m.a.Buf("dhc", b, dh.Dim(1)+m.act.Dim(1), w)
		zero := m.a.Buf("dacts_zero", m.act.Shape...)
		be.Fill(zero, 0)
		be.Concat(dhc, dh, zero)
		dh = dhc
	}
	r := len(m.Res) - 1
	for l := len(m.Blocks) - 1; l >= 0; l-- {
		var dctx *tensor.Tensor
		dh, dctx = m.Blocks[l].Backward(dh)
		if dctx != nil {
			be.Axpy(dact, 1, dctx)
		}
		if cfg.Dyn.Injection == Residual && l%cfg.Dyn.ResidualEvery == 0 {
			dr := m.a.Buf(fmt.Sprintf("dres%d", r), b, 1, w)
			be.SumTo(dr, dh, 0)
			be.Axpy(dact, 1, m.Res[r].Backward(dr))
			r--
		}
	}
	switch cfg.Dyn.Injection {
	case Contextual:
		dvis, dacts := m.a.Buf("dvis", b, cfg.Tokens(), w), m.a.Buf("dacts", m.act.Shape...)
		be.Split(dvis, dacts, dh)
		be.Axpy(dact, 1, dacts)
		dh = dvis
	case External:
		// h1 = h0 + h0·γ + β: dh0 = dh1 + dh1·γ, dγ = Σ dh1·h0, dβ = Σ dh1.
		gamma, beta := m.a.Buf("gamma", b, 1, w), m.a.Buf("beta", b, 1, w)
		be.Split(gamma, beta, m.film.Reshape(b, 2, w))
		prod := m.a.Buf("dh_h0", dh.Shape...)
		be.Mul(prod, dh, m.h0)
		dgamma, dbeta := m.a.Buf("dgamma", b, 1, w), m.a.Buf("dbeta", b, 1, w)
		be.SumTo(dgamma, prod, 0)
		be.SumTo(dbeta, dh, 0)
		dfilm := m.a.Buf("dfilm", b, 2, w)
		be.Concat(dfilm, dgamma, dbeta)
		be.Axpy(dact, 1, m.Film.Backward(dfilm.Reshape(b, 1, 2*w)))
		dg := m.a.Buf("dh_gamma", dh.Shape...)
		be.Mul(dg, dh, gamma)
		be.Axpy(dh, 1, dg)
	}
	// Position and time embeddings were added to every token.
	be.SumTo(m.Pos.Grad, dh, 1)
	dtime := m.a.Buf("dtime", b, 1, w)
	be.SumTo(dtime, dh, 0)
	m.Time1.Backward(m.timeAct.Backward(m.Time2.Backward(dtime.Reshape(b, w))))
	m.Act1.Backward(m.actAct.Backward(m.Act2.Backward(dact.Reshape(b, dact.Dim(1)*w))))
	m.In.Backward(dh)
}

// timeEmbedding is MLP(sinusoids(τ), sinusoids(σ)) → [B, width].
func (m *Dynamics) timeEmbedding(tau, sigma []float32) *tensor.Tensor {
	f := TimeFeatures(tau, sigma)
	t := m.a.Buf("time_features", len(tau), 2*timeFeatures)
	m.be.Upload(t, f)
	return m.Time2.Forward(m.timeAct.Forward(m.Time1.Forward(t)))
}

// TimeFeatures are the sinusoidal features of the two noise levels, as
// transformer diffusion models embed time: for each level v, sin and cos of
// 1000·v·10000^(-k/half).
func TimeFeatures(tau, sigma []float32) []float32 {
	half := timeFeatures / 2
	out := make([]float32, 0, len(tau)*2*timeFeatures)
	for i := range tau {
		for _, v := range []float32{tau[i], sigma[i]} {
			for k := range half {
				f := 1000 * float64(v) * math.Exp(-math.Log(10000)*float64(k)/float64(half))
				out = append(out, float32(math.Sin(f)))
			}
			for k := range half {
				f := 1000 * float64(v) * math.Exp(-math.Log(10000)*float64(k)/float64(half))
				out = append(out, float32(math.Cos(f)))
			}
		}
	}
	return out
}

// patchify maps x [B, C, H, W] to tokens [B, (H/p)(W/p), C·p·p], each
// token's features ordered channel, row, column (PyTorch:
// x.reshape(B,C,H/p,p,W/p,p).permute(0,2,4,1,3,5)).
func patchify(a *nn.Arena, name string, x *tensor.Tensor, p int) *tensor.Tensor {
	b, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	hp, wp := h/p, w/p
	be := a.Backend()
	// [B·C·hp, p, wp, p] → [B·C·hp, wp, p, p]
	t1 := a.Buf(name+".1", b*c*hp, wp, p, p)
	be.Permute0213(t1, x.Reshape(b*c*hp, p, wp, p))
	// [B, C, hp·wp, p·p] → [B, hp·wp, C, p·p]
	t2 := a.Buf(name+".2", b, hp*wp, c, p*p)
	be.Permute0213(t2, t1.Reshape(b, c, hp*wp, p*p))
	return t2.Reshape(b, hp*wp, c*p*p)
}

// unpatchify is patchify's inverse: tokens [B, T, C·p·p] to [B, C, H, W].
func unpatchify(a *nn.Arena, name string, t *tensor.Tensor, c, h, w, p int) *tensor.Tensor {
	b := t.Dim(0)
	hp, wp := h/p, w/p
	be := a.Backend()
	t1 := a.Buf(name+".1", b, c, hp*wp, p*p)
	be.Permute0213(t1, t.Reshape(b, hp*wp, c, p*p))
	t2 := a.Buf(name+".2", b*c*hp, p, wp, p)
	be.Permute0213(t2, t1.Reshape(b*c*hp, wp, p, p))
	return t2.Reshape(b, c, h, w)
}
