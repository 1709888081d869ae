package decode

import (
	"fmt"
	"image"
	"math/rand/v2"
	"time"

	"github.com/ncstudio/ncstudio/engine/bench"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// BenchReport compares the shader decoder with the CPU decoder on the same
// latents.
type BenchReport struct {
	GL         glctx.Info `json:"gl"`
	Size       string     `json:"size"`
	Passes     int        `json:"passes"`
	Draws      int        `json:"draws"`
	ShaderMs   float64    `json:"shader_ms"`          // upload, all passes, until the GPU is done
	ReadbackMs float64    `json:"shader_readback_ms"` // the same plus reading the frame back
	CPUMs      float64    `json:"cpu_ms"`
	// MaxDiff is the largest per-channel difference between the two
	// decoders' frames over the benchmark's latents, out of 255.
	MaxDiff int `json:"max_diff"`
}

// Bench times the decoders of m on random latents for at least minTime
// each. c is the context the shader decoder runs in.
func Bench(c *glctx.Context, m *model.Model, minTime time.Duration) (BenchReport, error) {
	w, h := m.Cfg.Width, m.Cfg.Height
	lw, lh := m.Cfg.LatentSize()
	rng := rand.New(rand.NewPCG(1, 2))
	latents := make([][]float32, 8)
	for i := range latents {
		latents[i] = make([]float32, m.Cfg.AE.Latent*lw*lh)
		for j := range latents[i] {
			latents[i][j] = float32(rng.NormFloat64())
		}
	}
	r := BenchReport{GL: c.Info, Size: fmt.Sprintf("%dx%d", w, h)}
	var dec *Decoder
	if err := c.Do(func() (err error) { dec, err = New(m); return err }); err != nil {
		return r, err
	}
	defer c.Do(func() error { dec.Delete(); return nil })
	r.Passes = len(dec.passes)
	for _, p := range dec.passes {
		r.Draws += len(p.chunks)
	}

	gpuImg, cpuImg := image.NewRGBA(image.Rect(0, 0, w, h)), image.NewRGBA(image.Rect(0, 0, w, h))
	var err error
	i := 0
	n, took := bench.Repeat(minTime, func() {
		i++
		err = c.Do(func() error {
			defer dec.Finish()
			return dec.Decode(latents[i%len(latents)])
		})
	})
	r.ShaderMs = bench.Millis(took, n)
	n, took = bench.Repeat(minTime, func() {
		i++
		err = c.Do(func() error { return dec.DecodeImage(latents[i%len(latents)], gpuImg) })
	})
	r.ReadbackMs = bench.Millis(took, n)
	if err != nil {
		return r, err
	}
	n, took = bench.Repeat(minTime, func() {
		i++
		m.DecodeLatent(cpuImg, tensor.FromSlice(latents[i%len(latents)], 1, m.Cfg.AE.Latent, lh, lw))
	})
	r.CPUMs = bench.Millis(took, n)

	for _, z := range latents {
		m.DecodeLatent(cpuImg, tensor.FromSlice(z, 1, m.Cfg.AE.Latent, lh, lw))
		if err := c.Do(func() error { return dec.DecodeImage(z, gpuImg) }); err != nil {
			return r, err
		}
		for j := range cpuImg.Pix {
			d := int(cpuImg.Pix[j]) - int(gpuImg.Pix[j])
			r.MaxDiff = max(r.MaxDiff, d, -d)
		}
	}
	return r, nil
}
