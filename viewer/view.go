package viewer

import (
	"image"
	"sync"
	"time"

	"github.com/go-gl/gl/v3.3-core/gl"

	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/shaders"
	"github.com/ncstudio/ncstudio/viewer/decode"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// view draws the viewport (panels and overlays) into a framebuffer: the
// window's (Play) or an offscreen one (Offscreen). It holds the GL objects
// and what the overlays show; all its GL calls run on the context's thread.
type view struct {
	m        *model.Model
	info     glctx.Info
	o        PlayOptions
	dec      *decode.Decoder
	cpu      bool   // the runner decodes frames on the CPU; cpuTex shows them
	cpuTex   uint32 // texture of the CPU-decoded frame
	shown    uint32 // the texture of the neural panel: dec's or cpuTex
	present  uint32
	uni      map[string]int32
	vao      uint32
	sandbox  uint32 // texture of the sandbox's frame
	overlay  uint32 // texture of the overlay image
	ovImg    *image.RGBA
	query    uint32 // GPU timer around the decode
	queryOut bool   // a query result is pending
	frame    *image.RGBA

	mu       sync.Mutex // guards st and dirty (callbacks and the detector)
	st       overlayState
	dirty    bool
	lay      layout
	drawn    bool       // lay is the window's, not the guess before the first draw
	mousePx  [2]float64 // last mouse position in framebuffer pixels
	mouseSet bool
	lastStep int  // the step last decoded (GL thread only)
	redecode bool // decode even if the step number is unchanged (after a reset)

	detect   chan *image.RGBA // frames for the cursor detector
	fpsCount int
	fpsStart time.Time
	steps0   int
	stepsAt  time.Time
}

func newView(m *model.Model, info glctx.Info, o PlayOptions) (*view, error) {
	v := &view{m: m, info: info, o: o, lastStep: -1, fpsStart: time.Now(), stepsAt: time.Now()}
	v.st.on = Overlays{HUD: true, Cursors: true, Trail: true, Log: true}
	if m.Cfg.Terminal != nil {
		v.st.terminal = true
		v.st.on.Cursors, v.st.on.Trail = false, false
	}
	v.lay = newLayout(m.Cfg.Width, m.Cfg.Height, m.Cfg.Width, m.Cfg.Height, false) // until the first draw
	device := o.Device
	if device == "" {
		device = m.Backend().Name()
	}
	var err error
	if v.cpu, err = decodesOnCPU(o.Decode, info); err != nil {
		return nil, err
	}
	decoder := info.Renderer
	if v.cpu {
		decoder = "cpu"
		if info.Software() {
			decoder += " (GL is software: " + info.Renderer + ")"
		}
	}
	v.st.hud = hud{injection: m.Cfg.Dyn.Injection, checkpoint: o.Checkpoint, decoder: decoder, device: device}
	if v.dec, err = decode.New(m); err != nil {
		return nil, err
	}
	v.shown = v.dec.Texture()
	if v.present, err = glctx.Program("fullscreen.vert", shaders.FullscreenVert, "present.frag", shaders.PresentFrag); err != nil {
		return nil, err
	}
	v.uni = glctx.Uniforms(v.present, "image", "other", "flipY", "difference", "gain")
	gl.GenVertexArrays(1, &v.vao)
	v.sandbox = newTexture(m.Cfg.Width, m.Cfg.Height)
	v.cpuTex = newTexture(m.Cfg.Width, m.Cfg.Height)
	gl.GenQueries(1, &v.query)
	v.frame = image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	v.detect = make(chan *image.RGBA, 1)
	go v.detector()
	return v, glctx.CheckError("setting up the viewport")
}

func newTexture(w, h int) uint32 {
	return glctx.Texture2D(gl.RGBA8, w, h, gl.RGBA, gl.UNSIGNED_BYTE)
}

func upload(tex uint32, img *image.RGBA) {
	gl.BindTexture(gl.TEXTURE_2D, tex)
	gl.PixelStorei(gl.UNPACK_ALIGNMENT, 1)
	gl.TexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, int32(img.Rect.Dx()), int32(img.Rect.Dy()), gl.RGBA, gl.UNSIGNED_BYTE, gl.Ptr(img.Pix))
}

// detector finds the model's cursor in decoded frames, off the GL thread.
func (v *view) detector() {
	det := eval.CursorDetector()
	for img := range v.detect {
		x, y, _ := det.Find(img)
		v.mu.Lock()
		v.st.detected, v.st.detectedOK, v.dirty = image.Pt(x, y), true, true
		v.mu.Unlock()
	}
}

// Control is a viewer command; the window binds them to F1..F11 in this
// order.
type Control int

const (
	ToggleHelp Control = iota
	ToggleHUD
	ToggleCursors
	ToggleTrail
	ToggleLog
	ToggleSplit
	TogglePause
	SingleStep
	Reset
	FewerSamplerSteps
	MoreSamplerSteps
)

// control applies a viewer command.
func (v *view) control(c Control, r *Runner) {
	v.mu.Lock()
	defer v.mu.Unlock()
	on := &v.st.on
	switch c {
	case ToggleHelp:
		on.Help = !on.Help
	case ToggleHUD:
		on.HUD = !on.HUD
	case ToggleCursors:
		on.Cursors = !on.Cursors
	case ToggleTrail:
		on.Trail = !on.Trail
	case ToggleLog:
		on.Log = !on.Log
	case ToggleSplit:
		on.Split = !on.Split
	case TogglePause:
		r.TogglePause()
	case SingleStep:
		r.SingleStep()
	case Reset:
		if err := r.Reset(); err != nil {
			v.st.log = append(v.st.log, "reset failed: "+err.Error())
		}
		v.redecode = true
	case FewerSamplerSteps:
		r.AddSampleSteps(-1)
	case MoreSamplerSteps:
		r.AddSampleSteps(1)
	}
	v.dirty = true
}

// mouseAt takes the mouse at framebuffer pixel (x, y), y down: the overlay
// shows it and the runner's input moves to the frame pixel under it.
func (v *view) mouseAt(x, y float64, r *Runner) {
	v.mu.Lock()
	v.mousePx, v.mouseSet = [2]float64{x, y}, true
	if !v.drawn {
		// Until the first draw the layout is a guess (a pixel per frame
		// pixel): a mouse already over the window would reach the model
		// as a jump to a far corner and back. The first draw places it.
		v.mu.Unlock()
		return
	}
	fx, fy := v.placeMouse()
	v.mu.Unlock()
	r.Input().Move(fx, fy)
}

// placeMouse maps the last mouse position through the layout; called with
// mu held, also when the layout changes under a still mouse.
func (v *view) placeMouse() (int, int) {
	fx, fy, inside := v.lay.toFrame(v.mousePx[0], v.mousePx[1])
	v.st.mouse, v.st.mouseIn, v.dirty = image.Pt(fx, fy), inside, true
	return fx, fy
}

// draw renders one display frame into framebuffer fb of fw x fh pixels
// (0: the window's), row 0 at the bottom as GL has it.
func (v *view) draw(fb uint32, fw, fh int, r *Runner) error {
	snap := r.Latest()
	v.mu.Lock()
	split := v.st.on.Split
	lay := newLayout(fw, fh, v.m.Cfg.Width, v.m.Cfg.Height, split)
	moved := (lay != v.lay || !v.drawn) && v.mouseSet
	v.lay, v.drawn = lay, true
	var fx, fy int
	if moved { // the frame under the mouse changed: the mouse is elsewhere in it
		fx, fy = v.placeMouse()
	}
	redecode := v.redecode
	v.redecode = false
	v.mu.Unlock()
	if moved {
		r.Input().Move(fx, fy)
	}

	if v.queryOut { // last decode's GPU time, if the GPU has it by now
		var ready int32
		gl.GetQueryObjectiv(v.query, gl.QUERY_RESULT_AVAILABLE, &ready)
		if ready != 0 {
			var ns uint64
			gl.GetQueryObjectui64v(v.query, gl.QUERY_RESULT, &ns)
			v.queryOut = false
			v.mu.Lock()
			v.st.hud.decodeMs = float64(ns) / 1e6
			v.mu.Unlock()
		}
	}
	if snap.Step != v.lastStep || redecode {
		upload(v.sandbox, snap.Sandbox)
		v.mu.Lock()
		cursors := v.st.on.Cursors && !v.st.terminal
		v.mu.Unlock()
		frame, err := v.decode(snap, cursors)
		if err != nil {
			return err
		}
		if cursors {
			select {
			case v.detect <- frame:
			default: // the detector is busy: skip this frame
			}
		}
		v.lastStep = snap.Step
		v.mu.Lock()
		v.st.trail, v.st.log, v.dirty = snap.Trail, snap.Log, true
		v.mu.Unlock()
	}
	v.updateHUD(snap)

	gl.BindFramebuffer(gl.FRAMEBUFFER, fb)
	gl.Viewport(0, 0, int32(fw), int32(fh))
	gl.ClearColor(0.12, 0.12, 0.14, 1)
	gl.Clear(gl.COLOR_BUFFER_BIT)
	gl.UseProgram(v.present)
	gl.BindVertexArray(v.vao)
	gl.Uniform1i(v.uni["image"], 0)
	gl.Uniform1i(v.uni["other"], 1)
	gl.Uniform1i(v.uni["flipY"], 1)
	gl.Uniform1f(v.uni["gain"], 4)
	v.drawPanel(lay, lay.neuralPanel(), v.shown, 0)
	if split {
		v.drawPanel(lay, lay.sandboxPanel(), v.sandbox, 0)
		v.drawPanel(lay, lay.diffPanel(), v.shown, v.sandbox)
	}
	v.drawOverlay(lay, fw, fh)
	return glctx.CheckError("drawing the window")
}

// decode shows the snapshot's frame in the neural panel: the one the
// runner decoded on the CPU, or the shaders' decode of its latent. With
// want it also returns the frame, for the cursor detector.
func (v *view) decode(snap Snapshot, want bool) (*image.RGBA, error) {
	if v.cpu && snap.Frame != nil {
		upload(v.cpuTex, snap.Frame)
		v.shown = v.cpuTex
		v.mu.Lock()
		v.st.hud.decodeMs = snap.DecodeMs
		v.mu.Unlock()
		return snap.Frame, nil // never changed after the step
	}
	if !v.queryOut {
		gl.BeginQuery(gl.TIME_ELAPSED, v.query)
	}
	if err := v.dec.Decode(snap.Latent); err != nil {
		return nil, err
	}
	if !v.queryOut {
		gl.EndQuery(gl.TIME_ELAPSED)
		v.queryOut = true
	}
	v.shown = v.dec.Texture()
	if !want {
		return nil, nil
	}
	if err := v.dec.Read(v.frame); err != nil {
		return nil, err
	}
	return clone(v.frame), nil
}

func clone(img *image.RGBA) *image.RGBA {
	c := *img
	c.Pix = append([]uint8(nil), img.Pix...)
	return &c
}

// drawPanel draws tex into panel i; with other != 0 it draws their
// difference heat map.
func (v *view) drawPanel(l layout, i int, tex, other uint32) {
	r := l.panel(i)
	gl.Viewport(int32(r.Min.X), int32(l.fbH-r.Max.Y), int32(r.Dx()), int32(r.Dy()))
	gl.ActiveTexture(gl.TEXTURE0)
	gl.BindTexture(gl.TEXTURE_2D, tex)
	gl.ActiveTexture(gl.TEXTURE1)
	gl.BindTexture(gl.TEXTURE_2D, other)
	gl.ActiveTexture(gl.TEXTURE0)
	gl.Uniform1i(v.uni["difference"], glctx.Bool(other != 0))
	gl.DrawArrays(gl.TRIANGLES, 0, 3)
}

// drawOverlay redraws the overlay image when something changed and blends
// it over the window.
func (v *view) drawOverlay(l layout, fw, fh int) {
	if v.ovImg == nil || v.ovImg.Rect.Dx() != fw || v.ovImg.Rect.Dy() != fh {
		v.ovImg = image.NewRGBA(image.Rect(0, 0, fw, fh))
		if v.overlay != 0 {
			gl.DeleteTextures(1, &v.overlay)
		}
		v.overlay = newTexture(fw, fh)
		v.dirty = true
	}
	v.mu.Lock()
	if v.dirty {
		drawOverlay(v.ovImg, l, &v.st)
		v.dirty = false
		v.mu.Unlock()
		upload(v.overlay, v.ovImg)
	} else {
		v.mu.Unlock()
	}
	gl.Viewport(0, 0, int32(fw), int32(fh))
	gl.Enable(gl.BLEND)
	gl.BlendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA) // image.RGBA is premultiplied
	gl.BindTexture(gl.TEXTURE_2D, v.overlay)
	gl.Uniform1i(v.uni["difference"], 0)
	gl.DrawArrays(gl.TRIANGLES, 0, 3)
	gl.Disable(gl.BLEND)
}

// updateHUD refreshes the rates once a second and the rest every frame.
func (v *view) updateHUD(s Snapshot) {
	v.fpsCount++
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	h := &v.st.hud
	if dt := now.Sub(v.fpsStart).Seconds(); dt >= 1 {
		h.displayFPS = float64(v.fpsCount) / dt
		h.stepsPerSec = float64(max(s.Step-v.steps0, 0)) / now.Sub(v.stepsAt).Seconds()
		v.fpsCount, v.fpsStart, v.steps0, v.stepsAt = 0, now, s.Step, now
		v.dirty = true
	}
	if h.step != s.Step || h.paused != s.Paused || h.sampler != s.Sampler || h.hold != s.Hold || h.stepMs != s.StepMs {
		h.step, h.paused, h.sampler, h.hold, h.stepMs = s.Step, s.Paused, s.Sampler, s.Hold, s.StepMs
		v.dirty = true
	}
}

func (v *view) delete() {
	close(v.detect)
	v.dec.Delete()
	gl.DeleteProgram(v.present)
	gl.DeleteVertexArrays(1, &v.vao)
	for _, t := range []uint32{v.sandbox, v.overlay, v.cpuTex} {
		gl.DeleteTextures(1, &t)
	}
	gl.DeleteQueries(1, &v.query)
}
