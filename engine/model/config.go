package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Config is a neural computer's architecture and the settings that travel
// with its checkpoint (stored as JSON in the safetensors metadata).
type Config struct {
	// Width, Height and FPS are the frames and frame rate it was trained on.
	Width   int            `json:"width"`
	Height  int            `json:"height"`
	FPS     float64        `json:"fps"`
	AE      AEConfig       `json:"autoencoder"`
	Dyn     DynamicsConfig `json:"dynamics"`
	Sampler SamplerConfig  `json:"sampler"`
	// Terminal, when set, makes this a terminal model: it learns and plays
	// cli traces of this terminal (frames of Cols*CellW x Rows*CellH).
	Terminal *TerminalConfig `json:"terminal,omitempty"`
}

// TerminalConfig is the terminal a terminal model renders.
type TerminalConfig struct {
	Cols  int    `json:"cols"`
	Rows  int    `json:"rows"`
	CellW int    `json:"cell_w"`
	CellH int    `json:"cell_h"`
	Theme string `json:"theme"`
}

// TraceKind is the kind of trace the model learns.
func (c *Config) TraceKind() trace.Kind {
	if c.Terminal != nil {
		return trace.CLI
	}
	return trace.GUI
}

// AEConfig describes the autoencoder between frames and latents. Level 0 is
// the frame's resolution; each further level halves it; the last is the
// latent grid, so frames shrink by 2^(levels-1) on each side.
type AEConfig struct {
	Channels []int `json:"channels"` // feature channels per level
	Blocks   []int `json:"blocks"`   // residual blocks per level
	Latent   int   `json:"latent_channels"`
	// Scale multiplies latents before the dynamics sees them, so that they
	// have about unit variance (measured after autoencoder training).
	Scale float32 `json:"latent_scale"`
}

// Injection modes: how actions enter the dynamics transformer (the four of
// the Neural Computers paper).
const (
	External   = "external"   // FiLM of the visual tokens before the transformer
	Contextual = "contextual" // action tokens join the visual tokens in self-attention
	Residual   = "residual"   // an action branch added to the tokens before chosen blocks
	Internal   = "internal"   // a cross-attention sub-layer in every block, to action tokens
)

// InjectionModes lists the modes.
var InjectionModes = []string{External, Contextual, Residual, Internal}

// DynamicsConfig describes the transformer that predicts the next latent.
type DynamicsConfig struct {
	Context  int `json:"context"` // latents of history (the runtime state)
	Patch    int `json:"patch"`   // latent cells per token side
	Dim      int `json:"dim"`
	Layers   int `json:"layers"`
	Heads    int `json:"heads"`
	MLPRatio int `json:"mlp_ratio"`
	// Injection is one of InjectionModes; ActionTokens is how many tokens
	// the action becomes (contextual and internal; the others use one).
	Injection    string `json:"injection"`
	ActionTokens int    `json:"action_tokens"`
	// ResidualEvery adds the residual action branch before every n-th block.
	ResidualEvery int `json:"residual_every"`
	// CursorMap adds a channel with a Gaussian bump at the new cursor
	// position on the latent grid (NeuralOS), of CursorSigma latent cells.
	CursorMap   bool    `json:"cursor_map"`
	CursorSigma float64 `json:"cursor_sigma"`
	// Delta adds the newest context latent to the network's output, so the
	// network predicts only what changes: on a desktop most of the frame
	// stays, and copying it then costs nothing to learn.
	Delta bool `json:"delta"`
	// ScrollShifts, when set, adds the newest context latent moved up by
	// each of these numbers of latent rows (zeros below) as extra input
	// channels. A terminal scrolls by whole text rows, often by two or
	// three at once (a command's output and the next prompt); with the
	// moved copies in each token's own input a scroll is a local choice
	// between inputs instead of a copy the attention has to learn to fetch
	// from tokens further down.
	ScrollShifts []int `json:"scroll_shifts,omitempty"`
	// PressHistory, when above 0, tells the model for each mouse button
	// whether it was last pressed 1, 2, ... or PressHistory steps ago (at
	// most action.PressMemory): the second press of a double click looks
	// like any other press in one step of input, and the selection the
	// first one left on screen is a few pixels the model hardly sees.
	PressHistory int `json:"press_history,omitempty"`
}

// SamplerConfig are the defaults of rollouts.
type SamplerConfig struct {
	// Steps is the number of flow-matching (Euler) steps per frame.
	Steps int `json:"steps"`
	// ContextNoise is the noise level added to context latents at inference,
	// matching the augmentation the model was trained with.
	ContextNoise float32 `json:"context_noise"`
	// Hold, when above 0, keeps every latent cell whose predicted change
	// from the newest latent is smaller than Hold (root mean square over
	// the latent's channels, in scaled units) exactly as it was: the small
	// errors a model makes where nothing happens then cannot pile up into
	// drift. 0 (the default) keeps every prediction.
	Hold float32 `json:"hold,omitempty"`
	// HoldTokens applies Hold to whole tokens (patch x patch latent cells,
	// the RMS over all of them) instead of single cells: a terminal glyph
	// spans several cells, and holding some of them but not the others
	// leaves half-drawn characters.
	HoldTokens bool `json:"hold_tokens,omitempty"`
}

// Levels is the number of resolution levels of the autoencoder.
func (c *AEConfig) Levels() int { return len(c.Channels) }

// Reduction is how many frame pixels one latent cell covers per side.
func (c *AEConfig) Reduction() int { return 1 << (len(c.Channels) - 1) }

// LatentSize is the latent grid.
func (c *Config) LatentSize() (w, h int) {
	r := c.AE.Reduction()
	return c.Width / r, c.Height / r
}

// Tokens is the number of visual tokens of the dynamics.
func (c *Config) Tokens() int {
	w, h := c.LatentSize()
	return (w / c.Dyn.Patch) * (h / c.Dyn.Patch)
}

// actionTokens is the number of tokens an action becomes.
func (c *DynamicsConfig) actionTokens() int {
	if c.Injection == Contextual || c.Injection == Internal {
		return c.ActionTokens
	}
	return 1
}

// Check reports the first inconsistency.
func (c *Config) Check() error {
	bad := func(format string, a ...any) error { return fmt.Errorf("model config: "+format, a...) }
	ae, d := &c.AE, &c.Dyn
	switch {
	case len(ae.Channels) < 2 || len(ae.Blocks) != len(ae.Channels):
		return bad("autoencoder needs at least 2 levels and one block count per level (channels %v, blocks %v)", ae.Channels, ae.Blocks)
	case slices.ContainsFunc(ae.Channels, func(n int) bool { return n < 1 }) || slices.ContainsFunc(ae.Blocks, func(n int) bool { return n < 0 }):
		return bad("autoencoder channels %v and blocks %v must be positive", ae.Channels, ae.Blocks)
	case ae.Latent < 1 || ae.Scale <= 0:
		return bad("latent channels %d and latent scale %g must be positive", ae.Latent, ae.Scale)
	case c.Width < 1 || c.Height < 1 || c.Width%(ae.Reduction()*d.Patch) != 0 || c.Height%(ae.Reduction()*d.Patch) != 0:
		return bad("frame %dx%d is not a multiple of the latent reduction %d times the patch %d", c.Width, c.Height, ae.Reduction(), d.Patch)
	case c.FPS <= 0:
		return bad("fps %g must be positive", c.FPS)
	case d.Context < 1 || d.Patch < 1 || d.Layers < 1 || d.Heads < 1 || d.MLPRatio < 1:
		return bad("dynamics context, patch, layers, heads and mlp ratio must be positive")
	case d.Dim < 1 || d.Dim%d.Heads != 0:
		return bad("dynamics width %d is not a multiple of its %d heads", d.Dim, d.Heads)
	case !slices.Contains(InjectionModes, d.Injection):
		return bad("injection %q is not one of %s", d.Injection, strings.Join(InjectionModes, ", "))
	case d.actionTokens() < 1:
		return bad("action tokens %d must be positive for %s injection", d.ActionTokens, d.Injection)
	case d.Injection == Residual && d.ResidualEvery < 1:
		return bad("residual injection needs residual_every >= 1")
	case slices.ContainsFunc(d.ScrollShifts, func(n int) bool { return n < 1 || n >= c.Height/ae.Reduction() }):
		return bad("scroll_shifts %v must each lie in 1..%d (the latent's rows less one)", d.ScrollShifts, c.Height/ae.Reduction()-1)
	case d.PressHistory < 0 || d.PressHistory > action.PressMemory:
		return bad("press_history %d must lie in 0..%d", d.PressHistory, action.PressMemory)
	case d.CursorMap && d.CursorSigma <= 0:
		return bad("cursor map needs a positive cursor_sigma")
	case c.Terminal != nil && (c.Terminal.Cols*c.Terminal.CellW != c.Width || c.Terminal.Rows*c.Terminal.CellH != c.Height):
		return bad("terminal %dx%d of %dx%d cells does not fill the %dx%d frame", c.Terminal.Cols, c.Terminal.Rows, c.Terminal.CellW, c.Terminal.CellH, c.Width, c.Height)
	case c.Sampler.Steps < 1 || c.Sampler.ContextNoise < 0:
		return bad("sampler steps %d must be positive and context noise %g not negative", c.Sampler.Steps, c.Sampler.ContextNoise)
	}
	return nil
}

// desktopAE is the autoencoder of the 128x96 presets: 4x reduction to 16
// channels. "small" shares it, so its dynamics can be trained on the
// default's autoencoder (--init-autoencoder) for like-for-like comparisons.
var desktopAE = AEConfig{Channels: []int{24, 48, 64}, Blocks: []int{0, 1, 1}, Latent: 16, Scale: 1}

// PresetNames lists the presets in order.
func PresetNames() []string {
	names := make([]string, 0, len(Presets))
	for n := range Presets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Presets are named configurations for `ncstudio train --preset`.
var Presets = map[string]Config{
	// tiny is for tests: seconds to build and run.
	"tiny": {Width: 64, Height: 48, FPS: 15,
		AE:      AEConfig{Channels: []int{4, 8, 8}, Blocks: []int{0, 0, 1}, Latent: 3, Scale: 1},
		Dyn:     DynamicsConfig{Context: 2, Patch: 2, Dim: 16, Layers: 2, Heads: 2, MLPRatio: 2, Injection: Internal, ActionTokens: 2, ResidualEvery: 1, CursorMap: true, CursorSigma: 0.7, PressHistory: 4},
		Sampler: SamplerConfig{Steps: 2, ContextNoise: 0.02}},
	// small is for comparisons on a budget (one model per injection mode).
	"small": {Width: 128, Height: 96, FPS: 15,
		AE:      desktopAE,
		Dyn:     DynamicsConfig{Context: 2, Patch: 2, Dim: 96, Layers: 4, Heads: 4, MLPRatio: 3, Injection: Internal, ActionTokens: 4, ResidualEvery: 1, CursorMap: true, CursorSigma: 0.6, Delta: true},
		Sampler: SamplerConfig{Steps: 1, ContextNoise: 0.02}},
	// default is the embedded checkpoint's architecture: the largest frame
	// that plays at 30 steps/s with decode on two cores (docs/MODEL.md).
	"default": {Width: 128, Height: 96, FPS: 15,
		AE:      desktopAE,
		Dyn:     DynamicsConfig{Context: 2, Patch: 2, Dim: 128, Layers: 4, Heads: 4, MLPRatio: 3, Injection: Internal, ActionTokens: 4, ResidualEvery: 2, CursorMap: true, CursorSigma: 0.6, Delta: true, PressHistory: 8},
		Sampler: SamplerConfig{Steps: 1, ContextNoise: 0.02}},
	// terminal plays a 32x12 terminal of 8x16 cells (Go Mono): each token
	// is two characters of one row (patch 4 on the 4x-reduced latent), no
	// mouse cursor map, scroll inputs of one to three text rows.
	"terminal": {Width: 256, Height: 192, FPS: 15,
		AE:       AEConfig{Channels: []int{16, 32, 48}, Blocks: []int{0, 1, 1}, Latent: 16, Scale: 1},
		Dyn:      DynamicsConfig{Context: 2, Patch: 4, Dim: 192, Layers: 4, Heads: 4, MLPRatio: 3, Injection: Internal, ActionTokens: 4, ResidualEvery: 2, Delta: true, ScrollShifts: []int{4, 8, 12}},
		Sampler:  SamplerConfig{Steps: 1, ContextNoise: 0.02},
		Terminal: &TerminalConfig{Cols: 32, Rows: 12, CellW: 8, CellH: 16, Theme: "dark"}},
	// large is 256x192: sharper text, but it plays at about 20 steps/s with
	// decode on two cores, below the 30 the product needs.
	"large": {Width: 256, Height: 192, FPS: 15,
		AE:      AEConfig{Channels: []int{16, 32, 48}, Blocks: []int{0, 0, 1}, Latent: 8, Scale: 1},
		Dyn:     DynamicsConfig{Context: 2, Patch: 4, Dim: 192, Layers: 6, Heads: 6, MLPRatio: 3, Injection: Internal, ActionTokens: 4, ResidualEvery: 2, CursorMap: true, CursorSigma: 1.2, Delta: true, PressHistory: 8},
		Sampler: SamplerConfig{Steps: 1, ContextNoise: 0.02}},
	// xl is for GPUs (about 80M parameters, 768 tokens a frame): the CUDA
	// benchmarks' larger model. On a CPU it trains at a crawl.
	"xl": {Width: 256, Height: 192, FPS: 15,
		AE:      AEConfig{Channels: []int{32, 64, 128}, Blocks: []int{1, 1, 2}, Latent: 8, Scale: 1},
		Dyn:     DynamicsConfig{Context: 2, Patch: 2, Dim: 768, Layers: 8, Heads: 12, MLPRatio: 4, Injection: Internal, ActionTokens: 4, ResidualEvery: 2, CursorMap: true, CursorSigma: 1.2, Delta: true, PressHistory: 8},
		Sampler: SamplerConfig{Steps: 1, ContextNoise: 0.02}},
}

// Preset returns a copy of a named preset.
func Preset(name string) (Config, error) {
	c, ok := Presets[name]
	if !ok {
		return Config{}, fmt.Errorf("model: no preset %q (presets: %s)", name, strings.Join(PresetNames(), ", "))
	}
	// Deep-copy the slices so callers can edit their copy.
	c.AE.Channels = slices.Clone(c.AE.Channels)
	c.AE.Blocks = slices.Clone(c.AE.Blocks)
	c.Dyn.ScrollShifts = slices.Clone(c.Dyn.ScrollShifts)
	if c.Terminal != nil {
		t := *c.Terminal
		c.Terminal = &t
	}
	return c, nil
}

// MarshalConfig and UnmarshalConfig are the checkpoint metadata form.
func MarshalConfig(c Config) string {
	b, _ := json.Marshal(c)
	return string(b)
}

func UnmarshalConfig(s string) (Config, error) {
	var c Config
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("model config: %v", err)
	}
	return c, c.Check()
}
