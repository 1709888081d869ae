package viewer

import (
	"fmt"
	"image"

	"github.com/go-gl/gl/v3.3-core/gl"

	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// Offscreen is the viewport without a window: the same panels and overlays
// as Play, drawn into a framebuffer object of a headless GL context and
// read back into an image (for the studio's canvas.Image, and for tests).
// Its methods may be called from any goroutine.
type Offscreen struct {
	ctx      *glctx.Context
	v        *view
	r        *Runner
	fbo, tex uint32
	w, h     int
}

// NewOffscreen prepares a viewport for a session of m on the first frame
// of its conventional computer (see NewRunner). Stepping starts with Runner().Start.
func NewOffscreen(m *model.Model, spec *sandbox.Spec, o PlayOptions) (*Offscreen, error) {
	r, err := NewRunner(m, spec, o.Seed, o.Sessions)
	if err != nil {
		return nil, err
	}
	r.SetSampleSteps(o.SampleSteps)
	ctx, err := glctx.NewHeadless()
	if err != nil {
		r.Close()
		return nil, err
	}
	off := &Offscreen{ctx: ctx, r: r}
	if err := ctx.Do(func() (err error) {
		off.v, err = newView(m, ctx.Info, o)
		if err == nil {
			gl.GenFramebuffers(1, &off.fbo)
		}
		return err
	}); err != nil {
		ctx.Close()
		return nil, err
	}
	r.DecodeFrames(off.v.cpu)
	return off, nil
}

// Runner is the session the viewport shows; its Input takes keys, buttons
// and text.
func (o *Offscreen) Runner() *Runner { return o.r }

// Info describes the GL driver.
func (o *Offscreen) Info() glctx.Info { return o.ctx.Info }

// MouseAt moves the mouse to pixel (x, y) of the rendered image.
func (o *Offscreen) MouseAt(x, y float64) { o.v.mouseAt(x, y, o.r) }

// Control applies a viewer command (the window's function keys).
func (o *Offscreen) Control(c Control) { o.v.control(c, o.r) }

// Overlays reports which overlays are shown.
func (o *Offscreen) Overlays() Overlays {
	o.v.mu.Lock()
	defer o.v.mu.Unlock()
	return o.v.st.on
}

// SetOverlays chooses the overlays.
func (o *Offscreen) SetOverlays(on Overlays) {
	o.v.mu.Lock()
	o.v.st.on, o.v.dirty = on, true
	o.v.mu.Unlock()
}

// Render draws the viewport at dst's size and copies it into dst.
func (o *Offscreen) Render(dst *image.RGBA) error {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if w < 1 || h < 1 || dst.Stride != 4*w {
		return fmt.Errorf("viewer: cannot render into a %v image with stride %d", dst.Rect, dst.Stride)
	}
	return o.ctx.Do(func() error {
		if w != o.w || h != o.h {
			if o.tex != 0 {
				gl.DeleteTextures(1, &o.tex)
			}
			o.tex = newTexture(w, h)
			gl.BindFramebuffer(gl.FRAMEBUFFER, o.fbo)
			gl.FramebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, o.tex, 0)
			if s := gl.CheckFramebufferStatus(gl.FRAMEBUFFER); s != gl.FRAMEBUFFER_COMPLETE {
				return fmt.Errorf("viewer: offscreen framebuffer %dx%d incomplete (0x%x)", w, h, s)
			}
			o.w, o.h = w, h
		}
		if err := o.v.draw(o.fbo, w, h, o.r); err != nil {
			return err
		}
		gl.BindFramebuffer(gl.FRAMEBUFFER, o.fbo)
		gl.PixelStorei(gl.PACK_ALIGNMENT, 1)
		gl.ReadPixels(0, 0, int32(w), int32(h), gl.RGBA, gl.UNSIGNED_BYTE, gl.Ptr(dst.Pix))
		gl.BindFramebuffer(gl.FRAMEBUFFER, 0)
		flipRows(dst)
		return glctx.CheckError("reading the viewport back")
	})
}

// flipRows turns GL's bottom-up rows into an image's top-down ones.
func flipRows(img *image.RGBA) {
	h := img.Rect.Dy()
	for y := range h / 2 {
		a := img.Pix[y*img.Stride : (y+1)*img.Stride]
		b := img.Pix[(h-1-y)*img.Stride : (h-y)*img.Stride]
		for i := range a {
			a[i], b[i] = b[i], a[i]
		}
	}
}

// SaveRecording decodes recorded snapshots with the shader decoder and
// writes them, with the actions between them, as a trace in dir and a GIF
// at gifPath (twice the frame size, with the cursor path). progress, if
// set, is called after each frame.
func (o *Offscreen) SaveRecording(snaps []Snapshot, dir, gifPath string, progress func(done, total int)) error {
	if len(snaps) < 2 {
		return fmt.Errorf("viewer: nothing recorded (%d steps)", max(len(snaps)-1, 0))
	}
	m := o.r.Model()
	tw, err := createRollout(dir, m, "ncstudio studio: Play page recording", o.r.seed)
	if err != nil {
		return err
	}
	defer tw.Close()
	frame := image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	for i, s := range snaps {
		if err := o.ctx.Do(func() error { return o.v.dec.DecodeImage(s.Latent, frame) }); err != nil {
			return err
		}
		next := s.Action // the last frame repeats the action that made it
		if i+1 < len(snaps) {
			next = snaps[i+1].Action
		}
		if err := tw.Append(frame, next); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(snaps))
		}
	}
	o.v.mu.Lock()
	o.v.redecode = true // the decoder's output now holds a recorded frame
	o.v.mu.Unlock()
	if err := tw.Close(); err != nil {
		return err
	}
	return writeGIF(dir, gifPath)
}

// Close stops the runner and frees the GL context.
func (o *Offscreen) Close() {
	o.r.Close()
	o.ctx.Do(func() error {
		o.v.delete()
		gl.DeleteFramebuffers(1, &o.fbo)
		if o.tex != 0 {
			gl.DeleteTextures(1, &o.tex)
		}
		return nil
	})
	o.ctx.Close()
}
