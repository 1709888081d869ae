// Package model is the neural computer: an autoencoder between frames and
// latents, and a transformer (the dynamics) that, from the last K latents
// and the user's action, generates the next latent by flow matching.
// Actions enter the transformer in one of four ways (InjectionModes).
// See docs/MODEL.md.
package model

import (
	"fmt"
	"math/rand/v2"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
)

// Checkpoint metadata keys.
const (
	MetaFormat = "ncstudio.format" // FormatName
	MetaConfig = "ncstudio.config" // the Config as JSON
	FormatName = "ncmodel/1"
)

// Model is a neural computer's parameters on a backend.
type Model struct {
	Cfg Config
	be  tensor.Backend
	a   nn.Arena // buffers of training and sampling
	Enc *Encoder
	Dec *Decoder
	Dyn *Dynamics
}

// New builds a model with freshly initialised parameters.
func New(be tensor.Backend, cfg Config, seed uint64) (*Model, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6e63_6d6f_6465_6c31))
	m := &Model{Cfg: cfg, be: be, a: nn.NewArena(be)}
	m.Enc = NewEncoder(be, m.Cfg.AE, rng)
	m.Dec = NewDecoder(be, m.Cfg.AE, rng)
	m.Dyn = NewDynamics(be, &m.Cfg, rng)
	return m, nil
}

func (m *Model) buf(name string, shape ...int) *tensor.Tensor { return m.a.Buf(name, shape...) }

// Backend is where the parameters live.
func (m *Model) Backend() tensor.Backend { return m.be }

// Params lists every parameter: encoder, decoder, dynamics.
func (m *Model) Params() []*nn.Param {
	ps := m.Enc.Params()
	ps = append(ps, m.Dec.Params()...)
	return append(ps, m.Dyn.Params()...)
}

// ParamCount is the number of scalar parameters.
func (m *Model) ParamCount() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Numel()
	}
	return n
}

// Checkpoint returns the model as a checkpoint file with the given extra
// metadata (training provenance, eval numbers).
func (m *Model) Checkpoint(meta map[string]string) *ckpt.File {
	f := &ckpt.File{Metadata: map[string]string{}}
	for k, v := range meta {
		f.Metadata[k] = v
	}
	f.Metadata[MetaFormat] = FormatName
	f.Metadata[MetaConfig] = MarshalConfig(m.Cfg)
	nn.AddParams(f, m.be, m.Params())
	return f
}

// Save writes the model atomically.
func (m *Model) Save(path string, meta map[string]string) error {
	return ckpt.Save(path, m.Checkpoint(meta))
}

// Load reads a model checkpoint onto be.
func Load(be tensor.Backend, path string) (*Model, map[string]string, error) {
	f, err := ckpt.Load(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := FromCheckpoint(be, path, f)
	if err != nil {
		return nil, nil, err
	}
	return m, f.Metadata, nil
}

// FromCheckpoint builds the model a checkpoint file describes; name is used
// in errors.
func FromCheckpoint(be tensor.Backend, name string, f *ckpt.File) (*Model, error) {
	if f.Metadata[MetaFormat] != FormatName {
		return nil, fmt.Errorf("%s: not an NC Studio model checkpoint (metadata %s is %q, want %q)", name, MetaFormat, f.Metadata[MetaFormat], FormatName)
	}
	cfg, err := UnmarshalConfig(f.Metadata[MetaConfig])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	m, err := New(be, cfg, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := nn.LoadParams(f, name, be, m.Params()); err != nil {
		return nil, err
	}
	return m, nil
}
