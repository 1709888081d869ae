package model

// ActionAttention is where the visual tokens looked at the action tokens
// in the dynamics' last forward pass (after Session.Step: its last sampler
// step), for the batch's first item, averaged over heads: Maps[block][a]
// holds, for every visual token on the GridH x GridW token grid (a cell per
// patch, row-major), the attention it paid to action token a.
//
// With internal injection this is the cross-attention of each block (each
// token's weights over the action tokens sum to 1); with contextual
// injection it is the visual-to-action part of each block's
// self-attention (the rest of the weight goes to visual tokens).
type ActionAttention struct {
	GridW, GridH int
	Maps         [][][]float32
}

// ActionAttention returns the maps of the last Forward, or nil when the
// injection mode does not attend to action tokens (external, residual) or
// nothing has run yet.
func (m *Dynamics) ActionAttention() *ActionAttention {
	cfg := m.cfg
	if cfg.Dyn.Injection != Internal && cfg.Dyn.Injection != Contextual {
		return nil
	}
	lw, lh := cfg.LatentSize()
	gw, gh := lw/cfg.Dyn.Patch, lh/cfg.Dyn.Patch
	vis, acts := gw*gh, cfg.Dyn.actionTokens()
	out := &ActionAttention{GridW: gw, GridH: gh}
	for _, blk := range m.Blocks {
		attn := blk.Attn
		if cfg.Dyn.Injection == Internal {
			attn = blk.Cross
		}
		pr := attn.Probs()
		if pr == nil {
			return nil
		}
		heads, tq, tk := pr.Dim(1), pr.Dim(2), pr.Dim(3)
		p := m.be.ToHost(pr)[:heads*tq*tk] // the first batch item
		first := tk - acts                 // action tokens are the last keys
		maps := make([][]float32, acts)
		for a := range maps {
			maps[a] = make([]float32, vis)
			for t := range vis {
				var s float32
				for h := range heads {
					s += p[(h*tq+t)*tk+first+a]
				}
				maps[a][t] = s / float32(heads)
			}
		}
		out.Maps = append(out.Maps, maps)
	}
	return out
}
