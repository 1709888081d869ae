package model

import (
	"fmt"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// The autoencoder maps frames [N, 3, H, W] with values in [-1, 1] to
// latents [N, Latent, H/r, W/r] and back. Both halves are convolutions,
// SiLU, nearest upsampling and plain residual blocks: no normalisation, so
// that the viewer's fragment shaders run the decoder exactly.

// Encoder maps frames to latents.
type Encoder struct{ nn.Sequence }

// Decoder maps latents to frames.
type Decoder struct{ nn.Sequence }

// NewEncoder builds conv(3→C0), blocks, then per level a stride-2
// convolution and blocks, and a final conv to the latent channels.
func NewEncoder(be tensor.Backend, c AEConfig, rng *rand.Rand) *Encoder {
	ch := c.Channels
	s := nn.Sequence{nn.NewConv2D(be, "enc.in", 3, ch[0], 3, 1, rng)}
	for l := range ch {
		if l > 0 {
			s = append(s, nn.NewSiLU(be), nn.NewConv2D(be, fmt.Sprintf("enc.down%d", l), ch[l-1], ch[l], 3, 2, rng))
		}
		for b := range c.Blocks[l] {
			s = append(s, nn.NewPlainResBlock(be, fmt.Sprintf("enc.level%d.block%d", l, b), ch[l], rng))
		}
	}
	s = append(s, nn.NewSiLU(be), nn.NewConv2D(be, "enc.out", ch[len(ch)-1], c.Latent, 3, 1, rng))
	return &Encoder{s}
}

// NewDecoder mirrors the encoder: conv(latent→C_last), blocks, then per
// level nearest ×2 upsampling, a convolution and blocks, and a final conv
// to RGB.
func NewDecoder(be tensor.Backend, c AEConfig, rng *rand.Rand) *Decoder {
	ch := c.Channels
	last := len(ch) - 1
	s := nn.Sequence{nn.NewConv2D(be, "dec.in", c.Latent, ch[last], 3, 1, rng)}
	for l := last; l >= 0; l-- {
		if l < last {
			s = append(s, nn.NewUpsample2x(be), nn.NewConv2D(be, fmt.Sprintf("dec.up%d", l), ch[l+1], ch[l], 3, 1, rng))
		}
		for b := range c.Blocks[l] {
			s = append(s, nn.NewPlainResBlock(be, fmt.Sprintf("dec.level%d.block%d", l, b), ch[l], rng))
		}
	}
	s = append(s, nn.NewSiLU(be), nn.NewConv2D(be, "dec.out", ch[0], 3, 3, 1, rng))
	return &Decoder{s}
}
