// Package decode runs a model's decoder as a chain of fragment-shader
// passes: the latent goes up as a float texture, every 3x3 convolution is
// one pass per group of four output channels into a float texture array
// (SiLU, nearest upsampling and residual additions fused into the passes),
// and the last layer writes an 8-bit RGBA texture that is shown or read
// back. No CPU arithmetic is on this path apart from packing the latent.
//
// All methods must run on the thread where the GL context is current.
package decode

import (
	"fmt"
	"image"

	"github.com/go-gl/gl/v3.3-core/gl"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/shaders"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// featureMap is a [C, H, W] tensor on the GPU: a texture array of
// ceil(C/4) RGBA32F layers.
type featureMap struct {
	tex            uint32
	channels, w, h int
	groups         int
}

// pass is one convolution layer, drawn in chunks of output groups.
type pass struct {
	src, res, dst               int // feature maps; res < 0: none; dst < 0: the RGB output
	inGroups, outGroups         int
	w, h                        int // output size
	preSiLU, upsample, residual bool
	chunks                      []chunk
}

// chunk is one draw: output groups first..first+n-1, with their weights at
// offset in the uniform buffer.
type chunk struct {
	first, n int
	offset   int
	bias     []float32 // 4 per output group
	prog     *program
}

// program is the convolution shader compiled for one (inGroups, n) pair.
type program struct {
	id  uint32
	uni map[string]int32
}

// Decoder is a model decoder compiled into shader passes.
type Decoder struct {
	vao, fbo, ubo uint32
	progs         map[[2]int]*program
	maps          []featureMap
	passes        []pass
	rgb           uint32 // RGBA8 output texture
	width, height int
	latentScale   float32
	packed        []float32
	// uniform-buffer limits of this driver
	maxBlock, align int
	weights         []float32 // staging for the uniform buffer
}

// New compiles the decoder of m into shader passes and uploads its weights.
func New(m *model.Model) (*Decoder, error) {
	cfg := m.Cfg
	lw, lh := cfg.LatentSize()
	d := &Decoder{width: cfg.Width, height: cfg.Height, latentScale: cfg.AE.Scale, progs: map[[2]int]*program{}}
	var maxBlock, align int32
	gl.GetIntegerv(gl.MAX_UNIFORM_BLOCK_SIZE, &maxBlock)
	gl.GetIntegerv(gl.UNIFORM_BUFFER_OFFSET_ALIGNMENT, &align)
	d.maxBlock, d.align = int(maxBlock), int(max(align, 4))
	gl.GenVertexArrays(1, &d.vao)
	gl.GenFramebuffers(1, &d.fbo)
	gl.GenBuffers(1, &d.ubo)
	cur := d.newMap(cfg.AE.Latent, lw, lh)
	if err := d.build(m.Backend(), m.Dec.Sequence, cur); err != nil {
		d.Delete()
		return nil, err
	}
	last := &d.passes[len(d.passes)-1]
	if last.outGroups != 1 || last.w != d.width || last.h != d.height {
		d.Delete()
		return nil, fmt.Errorf("decode: the decoder's last layer makes %d channel groups at %dx%d, not RGB at %dx%d",
			last.outGroups, last.w, last.h, d.width, d.height)
	}
	// The last layer draws into the RGBA8 output instead of its feature map.
	gl.DeleteTextures(1, &d.maps[last.dst].tex)
	d.maps[last.dst].tex = 0
	last.dst = -1
	d.rgb = glctx.Texture2D(gl.RGBA8, d.width, d.height, gl.RGBA, gl.UNSIGNED_BYTE)
	gl.BindBuffer(gl.UNIFORM_BUFFER, d.ubo)
	gl.BufferData(gl.UNIFORM_BUFFER, 4*len(d.weights), gl.Ptr(d.weights), gl.STATIC_DRAW)
	d.weights = nil
	d.packed = make([]float32, 4*d.maps[0].groups*lw*lh)
	return d, glctx.CheckError("uploading the decoder")
}

// build turns the layer sequence into passes. SiLU and upsampling wait
// for the next convolution, which applies them while reading its input.
func (d *Decoder) build(be tensor.Backend, layers nn.Sequence, cur int) error {
	var silu, up bool
	var err error
	for i, l := range layers {
		switch l := l.(type) {
		case *nn.Activation:
			if l.IsGELU() || silu || up {
				return fmt.Errorf("decode: layer %d: only a single SiLU may precede a convolution", i)
			}
			silu = true
		case *nn.Upsample2x:
			if up {
				return fmt.Errorf("decode: layer %d: two upsamplings in a row", i)
			}
			up = true
		case *nn.Conv2D:
			if cur, err = d.conv(be, l, cur, -1, silu, up); err != nil {
				return fmt.Errorf("decode: layer %d: %w", i, err)
			}
			silu, up = false, false
		case *nn.PlainResBlock:
			if silu || up {
				return fmt.Errorf("decode: layer %d: a residual block cannot follow a bare SiLU or upsampling", i)
			}
			if l.Act1.IsGELU() || l.Act2.IsGELU() {
				return fmt.Errorf("decode: layer %d: residual block with GELU", i)
			}
			t, err := d.conv(be, l.Conv1, cur, -1, true, false)
			if err == nil {
				cur, err = d.conv(be, l.Conv2, t, cur, true, false)
			}
			if err != nil {
				return fmt.Errorf("decode: layer %d: %w", i, err)
			}
		default:
			return fmt.Errorf("decode: layer %d (%T) has no shader", i, l)
		}
	}
	if silu || up || len(d.passes) == 0 {
		return fmt.Errorf("decode: the decoder must end with a convolution")
	}
	return nil
}

// maxOutPerDraw bounds the output groups (colour attachments) of one draw.
const maxOutPerDraw = 4

// conv adds one convolution pass and returns its output map.
func (d *Decoder) conv(be tensor.Backend, c *nn.Conv2D, src, res int, silu, up bool) (int, error) {
	if c.G.K != 3 || c.G.Stride != 1 || c.G.Pad != 1 {
		return 0, fmt.Errorf("convolution %dx%d stride %d has no shader (3x3 stride 1 only)", c.G.K, c.G.K, c.G.Stride)
	}
	in := d.maps[src]
	out, cin := c.W.Value.Dim(0), c.W.Value.Dim(1)
	if cin != in.channels {
		return 0, fmt.Errorf("convolution takes %d channels, gets %d", cin, in.channels)
	}
	w, h := in.w, in.h
	if up {
		w, h = 2*w, 2*h
	}
	dst := d.newMap(out, w, h)
	p := pass{src: src, res: res, dst: dst, inGroups: groups(cin), outGroups: groups(out), w: w, h: h,
		preSiLU: silu, upsample: up, residual: res >= 0}
	perGroup := 64 * 9 * p.inGroups // bytes of weights per output group
	per := min(maxOutPerDraw, d.maxBlock/perGroup)
	if per < 1 {
		return 0, fmt.Errorf("%d input channels need %d bytes of weights per output group; this driver's uniform blocks hold %d",
			cin, perGroup, d.maxBlock)
	}
	wt, b := be.ToHost(c.W.Value), be.ToHost(c.B.Value) // [out, cin, 3, 3], [out]
	for first := 0; first < p.outGroups; first += per {
		ch := chunk{first: first, n: min(per, p.outGroups-first), bias: make([]float32, 4*min(per, p.outGroups-first))}
		for len(d.weights)*4%d.align != 0 {
			d.weights = append(d.weights, 0)
		}
		ch.offset = 4 * len(d.weights)
		for j := range ch.n {
			for g := range p.inGroups {
				for tap := range 9 {
					// mat4 columns: column k holds the weights from input
					// channel 4g+k to the four output channels.
					for k := range 4 {
						for i := range 4 {
							o, ci := 4*(first+j)+i, 4*g+k
							var v float32
							if o < out && ci < cin {
								v = wt[(o*cin+ci)*9+tap]
							}
							d.weights = append(d.weights, v)
						}
					}
				}
			}
			for i := range 4 {
				if o := 4*(first+j) + i; o < out {
					ch.bias[4*j+i] = b[o]
				}
			}
		}
		prog, err := d.program(p.inGroups, ch.n)
		if err != nil {
			return 0, err
		}
		ch.prog = prog
		p.chunks = append(p.chunks, ch)
	}
	d.passes = append(d.passes, p)
	return dst, nil
}

// program returns the shader for inGroups input and n output groups.
func (d *Decoder) program(inGroups, n int) (*program, error) {
	key := [2]int{inGroups, n}
	if p, ok := d.progs[key]; ok {
		return p, nil
	}
	id, err := glctx.Program("fullscreen.vert", shaders.FullscreenVert, "conv3x3.frag", shaders.Conv3x3Frag(inGroups, n))
	if err != nil {
		return nil, err
	}
	p := &program{id: id, uni: glctx.Uniforms(id, "src", "res", "bias", "firstOut", "outSize",
		"preSiLU", "upsample", "residual", "toRGB")}
	gl.UniformBlockBinding(id, gl.GetUniformBlockIndex(id, gl.Str("Weights\x00")), 0)
	gl.UseProgram(id)
	gl.Uniform1i(p.uni["src"], 0)
	gl.Uniform1i(p.uni["res"], 1)
	d.progs[key] = p
	return p, nil
}

func groups(channels int) int { return (channels + 3) / 4 }

func (d *Decoder) newMap(channels, w, h int) int {
	m := featureMap{channels: channels, w: w, h: h, groups: groups(channels)}
	gl.GenTextures(1, &m.tex)
	gl.BindTexture(gl.TEXTURE_2D_ARRAY, m.tex)
	gl.TexImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA32F, int32(w), int32(h), int32(m.groups), 0, gl.RGBA, gl.FLOAT, nil)
	glctx.SetNearest(gl.TEXTURE_2D_ARRAY)
	d.maps = append(d.maps, m)
	return len(d.maps) - 1
}

// Size is the frame size the decoder draws.
func (d *Decoder) Size() (w, h int) { return d.width, d.height }

// Texture is the RGBA8 texture holding the last decoded frame, row 0 at
// the top.
func (d *Decoder) Texture() uint32 { return d.rgb }

// Decode draws a scaled latent (as model.Session.Latent holds it: [Cz, h, w]
// planes, multiplied by the latent scale) into the output texture.
func (d *Decoder) Decode(latent []float32) error {
	in := d.maps[0]
	plane := in.w * in.h
	if len(latent) != in.channels*plane {
		return fmt.Errorf("decode: latent has %d values, want %d (%d channels of %dx%d)", len(latent), in.channels*plane, in.channels, in.w, in.h)
	}
	clear(d.packed)
	inv := 1 / d.latentScale
	for c := range in.channels {
		layer := d.packed[(c/4)*4*plane:]
		for i, v := range latent[c*plane : (c+1)*plane] {
			layer[4*i+c%4] = v * inv
		}
	}
	gl.BindTexture(gl.TEXTURE_2D_ARRAY, in.tex)
	gl.TexSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 0, int32(in.w), int32(in.h), int32(in.groups), gl.RGBA, gl.FLOAT, gl.Ptr(d.packed))

	gl.BindVertexArray(d.vao)
	gl.BindFramebuffer(gl.FRAMEBUFFER, d.fbo)
	gl.Disable(gl.BLEND)
	for _, p := range d.passes {
		gl.ActiveTexture(gl.TEXTURE0)
		gl.BindTexture(gl.TEXTURE_2D_ARRAY, d.maps[p.src].tex)
		gl.ActiveTexture(gl.TEXTURE1)
		if p.residual {
			gl.BindTexture(gl.TEXTURE_2D_ARRAY, d.maps[p.res].tex)
		} else {
			gl.BindTexture(gl.TEXTURE_2D_ARRAY, 0)
		}
		gl.Viewport(0, 0, int32(p.w), int32(p.h))
		for _, ch := range p.chunks {
			gl.UseProgram(ch.prog.id)
			u := ch.prog.uni
			gl.Uniform2i(u["outSize"], int32(p.w), int32(p.h))
			gl.Uniform1i(u["preSiLU"], glctx.Bool(p.preSiLU))
			gl.Uniform1i(u["upsample"], glctx.Bool(p.upsample))
			gl.Uniform1i(u["residual"], glctx.Bool(p.residual))
			gl.Uniform1i(u["toRGB"], glctx.Bool(p.dst < 0))
			gl.Uniform1i(u["firstOut"], int32(ch.first))
			gl.Uniform4fv(u["bias"], int32(ch.n), &ch.bias[0])
			gl.BindBufferRange(gl.UNIFORM_BUFFER, 0, d.ubo, ch.offset, 64*9*p.inGroups*ch.n)
			for j := range ch.n {
				if p.dst < 0 {
					gl.FramebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, d.rgb, 0)
				} else {
					gl.FramebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0+uint32(j), d.maps[p.dst].tex, 0, int32(ch.first+j))
				}
			}
			gl.DrawBuffers(int32(ch.n), &drawBuffers[0])
			gl.DrawArrays(gl.TRIANGLES, 0, 3)
			for j := range ch.n { // detach, so that the next chunk's layers are all its own
				gl.FramebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0+uint32(j), 0, 0, 0)
			}
		}
	}
	gl.ActiveTexture(gl.TEXTURE0)
	gl.BindFramebuffer(gl.FRAMEBUFFER, 0)
	return glctx.CheckError("decoding a latent")
}

// Read copies the last decoded frame into dst (the decoder's size).
func (d *Decoder) Read(dst *image.RGBA) error {
	if dst.Rect.Dx() != d.width || dst.Rect.Dy() != d.height || dst.Stride != 4*d.width {
		return fmt.Errorf("decode: read into a %v image with stride %d, want %dx%d packed", dst.Rect, dst.Stride, d.width, d.height)
	}
	gl.BindFramebuffer(gl.FRAMEBUFFER, d.fbo)
	gl.FramebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, d.rgb, 0)
	gl.PixelStorei(gl.PACK_ALIGNMENT, 1)
	gl.ReadPixels(0, 0, int32(d.width), int32(d.height), gl.RGBA, gl.UNSIGNED_BYTE, gl.Ptr(dst.Pix))
	gl.BindFramebuffer(gl.FRAMEBUFFER, 0)
	return glctx.CheckError("reading the decoded frame back")
}

// DecodeImage decodes a latent and reads the frame back into dst.
func (d *Decoder) DecodeImage(latent []float32, dst *image.RGBA) error {
	if err := d.Decode(latent); err != nil {
		return err
	}
	return d.Read(dst)
}

// Finish waits until the GPU has finished the work queued so far (for
// timing).
func (d *Decoder) Finish() { gl.Finish() }

// Delete frees the decoder's GL objects.
func (d *Decoder) Delete() {
	for _, m := range d.maps {
		gl.DeleteTextures(1, &m.tex)
	}
	for _, p := range d.progs {
		gl.DeleteProgram(p.id)
	}
	gl.DeleteBuffers(1, &d.ubo)
	if d.rgb != 0 {
		gl.DeleteTextures(1, &d.rgb)
	}
	gl.DeleteFramebuffers(1, &d.fbo)
	gl.DeleteVertexArrays(1, &d.vao)
	*d = Decoder{}
}

var drawBuffers = [4]uint32{gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1, gl.COLOR_ATTACHMENT2, gl.COLOR_ATTACHMENT3}
