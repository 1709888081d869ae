package decode

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// tolerance is the bound: 2/255 per channel.
const tolerance = 2

func headless(t testing.TB) *glctx.Context {
	t.Helper()
	c, err := glctx.NewHeadless()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	t.Logf("GL: %s, %s, %s", c.Info.Platform, c.Info.Renderer, c.Info.Version)
	return c
}

// compare decodes each latent on the CPU and with the shaders and returns
// the largest per-channel difference and the mean absolute difference.
func compare(t *testing.T, c *glctx.Context, m *model.Model, latents [][]float32) (worst int, mean float64) {
	t.Helper()
	w, h := m.Cfg.Width, m.Cfg.Height
	lw, lh := m.Cfg.LatentSize()
	cpuImg, gpuImg := image.NewRGBA(image.Rect(0, 0, w, h)), image.NewRGBA(image.Rect(0, 0, w, h))
	var dec *Decoder
	if err := c.Do(func() (err error) { dec, err = New(m); return err }); err != nil {
		t.Fatal(err)
	}
	defer c.Do(func() error { dec.Delete(); return nil })
	var sum, n float64
	var seen [256]bool
	for i, z := range latents {
		m.DecodeLatent(cpuImg, tensor.FromSlice(z, 1, m.Cfg.AE.Latent, lh, lw))
		if err := c.Do(func() error { return dec.DecodeImage(z, gpuImg) }); err != nil {
			t.Fatal(err)
		}
		for j := range cpuImg.Pix {
			seen[cpuImg.Pix[j]] = true
			d := int(cpuImg.Pix[j]) - int(gpuImg.Pix[j])
			d = max(d, -d)
			if d > worst {
				worst = d
				if d > tolerance {
					t.Errorf("latent %d: pixel (%d,%d) channel %d: CPU %d, shaders %d", i, (j/4)%w, j/(4*w), j%4, cpuImg.Pix[j], gpuImg.Pix[j])
				}
			}
			sum += float64(d)
			n++
		}
	}
	if distinct := len(slices.DeleteFunc(seen[:], func(b bool) bool { return !b })); distinct < 32 {
		t.Errorf("the CPU frames hold only %d distinct values: too flat to test the decoder", distinct)
	}
	return worst, sum / n
}

func randomLatents(m *model.Model, n int, std float64, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	lw, lh := m.Cfg.LatentSize()
	out := make([][]float32, n)
	for i := range out {
		z := make([]float32, m.Cfg.AE.Latent*lw*lh)
		for j := range z {
			z[j] = float32(rng.NormFloat64() * std)
		}
		out[i] = z
	}
	return out
}

// frameLatents encodes sandbox frames played by an agent.
func frameLatents(t *testing.T, m *model.Model, n int) [][]float32 {
	t.Helper()
	d, err := sandbox.New(nil, sandbox.Options{Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS})
	if err != nil {
		t.Fatal(err)
	}
	ag, err := agent.New("mixed", 3)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	var out [][]float32
	for len(out) < n {
		for range 7 { // a few steps apart, so that the frames differ
			d.Step(ag.Next(d))
		}
		d.Render(frame)
		out = append(out, m.Backend().ToHost(m.EncodeFrame(frame)))
	}
	return out
}

func TestMatchesCPUDecoderOnDefault(t *testing.T) {
	c := headless(t)
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	worst, mean := compare(t, c, m, randomLatents(m, 100, 1, 1))
	t.Logf("100 random latents: worst %d/255, mean %.4f/255", worst, mean)
	worst, mean = compare(t, c, m, frameLatents(t, m, 30))
	t.Logf("30 latents of sandbox frames: worst %d/255, mean %.4f/255", worst, mean)
}

// An untrained decoder of another shape: channel counts that are not
// multiples of four, a residual block at full resolution, three levels.
func TestMatchesCPUDecoderOnOddShapes(t *testing.T) {
	c := headless(t)
	cfg, err := model.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.AE = model.AEConfig{Channels: []int{6, 5, 9}, Blocks: []int{1, 0, 2}, Latent: 3, Scale: 0.5}
	m, err := model.New(cpu.New(), cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	worst, mean := compare(t, c, m, randomLatents(m, 20, 2, 2))
	t.Logf("odd shapes: worst %d/255, mean %.4f/255", worst, mean)
}

func BenchmarkShaderDecode(b *testing.B) {
	c := headless(b)
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		b.Fatal(err)
	}
	z := randomLatents(m, 1, 1, 1)[0]
	img := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	var dec *Decoder
	if err := c.Do(func() (err error) { dec, err = New(m); return err }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Do(func() error {
			dec.Decode(z)
			return dec.Read(img)
		})
	}
}
