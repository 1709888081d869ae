package viewer

import (
	"fmt"
	"image"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/go-gl/gl/v3.3-core/gl"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/shaders"
	"github.com/ncstudio/ncstudio/viewer/decode"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// PlayOptions configure Play.
type PlayOptions struct {
	Title, Checkpoint string
	Seed              uint64
	SampleSteps       int     // 0: the model's default
	FPS               float64 // model steps per second; 0: the model's frame rate
	QuitAfter         time.Duration
}

// displayHz caps the window's redraw rate where swaps do not wait for the
// display (Xvfb, software GL).
const displayHz = 60

// Play opens a window in which the user plays m with mouse and keyboard:
// the model steps at its frame rate on its own goroutine; the window
// redraws at the display's rate, decoding each new latent with the shader
// decoder. It returns when the window is closed (or after o.QuitAfter).
func Play(m *model.Model, spec *sandbox.Spec, o PlayOptions) error {
	runtime.LockOSThread() // GLFW and the context belong to this thread
	defer runtime.UnlockOSThread()
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("play: no display (DISPLAY is not set); use `ncstudio play --headless --actions FILE --out DIR`, or run under xvfb-run")
	}
	r, err := NewRunner(m, spec, o.Seed)
	if err != nil {
		return err
	}
	if o.SampleSteps > 0 {
		r.AddSampleSteps(o.SampleSteps - r.Latest().Sampler)
	}
	if err := glfw.Init(); err != nil {
		return fmt.Errorf("play: cannot open a window: %v", err)
	}
	defer glfw.Terminate()
	glfw.WindowHint(glfw.ContextVersionMajor, 3)
	glfw.WindowHint(glfw.ContextVersionMinor, 3)
	glfw.WindowHint(glfw.OpenGLProfile, glfw.OpenGLCoreProfile)
	glfw.WindowHint(glfw.OpenGLForwardCompatible, glfw.True)
	w, h := m.Cfg.Width, m.Cfg.Height
	scale := max(1, min(1000/w, 700/h))
	win, err := glfw.CreateWindow(w*scale, h*scale, o.Title, nil, nil)
	if err != nil {
		return fmt.Errorf("play: this display offers no OpenGL 3.3 core context (%v); `ncstudio play --headless` needs none", err)
	}
	defer win.Destroy()
	win.MakeContextCurrent()
	glfw.SwapInterval(1)
	info, err := glctx.Load("GLFW window", glfw.GetProcAddress)
	if err != nil {
		return fmt.Errorf("play: %w", err)
	}
	v, err := newView(m, info, o)
	if err != nil {
		return fmt.Errorf("play: %w", err)
	}
	defer v.delete()
	v.bind(win, r)

	fps := o.FPS
	if fps <= 0 {
		fps = m.Cfg.FPS
	}
	r.Start(fps)
	defer r.Stop()
	start := time.Now()
	frameTime := time.Second / displayHz
	for !win.ShouldClose() {
		next := time.Now().Add(frameTime)
		glfw.PollEvents()
		if err := v.draw(win, r); err != nil {
			return fmt.Errorf("play: %w", err)
		}
		win.SwapBuffers()
		if o.QuitAfter > 0 && time.Since(start) > o.QuitAfter {
			break
		}
		time.Sleep(time.Until(next))
	}
	return nil
}

// view is the window's GL state and what its overlays show.
type view struct {
	m        *model.Model
	info     glctx.Info
	o        PlayOptions
	dec      *decode.Decoder
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
	lastStep int
	decoded  bool

	detect   chan detectJob
	fpsCount int
	fpsStart time.Time
	steps0   int
	stepsAt  time.Time
}

type detectJob struct {
	img  *image.RGBA
	step int
}

func newView(m *model.Model, info glctx.Info, o PlayOptions) (*view, error) {
	v := &view{m: m, info: info, o: o, lastStep: -1, fpsStart: time.Now(), stepsAt: time.Now()}
	v.st.on = toggles{hud: true, cursors: true, trail: true, log: true}
	v.st.hud = hud{injection: m.Cfg.Dyn.Injection, checkpoint: o.Checkpoint, renderer: info.Renderer}
	var err error
	if v.dec, err = decode.New(m); err != nil {
		return nil, err
	}
	if v.present, err = glctx.Program("fullscreen.vert", shaders.FullscreenVert, "present.frag", shaders.PresentFrag); err != nil {
		return nil, err
	}
	v.uni = glctx.Uniforms(v.present, "image", "other", "flipY", "difference", "gain")
	gl.GenVertexArrays(1, &v.vao)
	v.sandbox = newTexture(m.Cfg.Width, m.Cfg.Height)
	gl.GenQueries(1, &v.query)
	v.frame = image.NewRGBA(image.Rect(0, 0, m.Cfg.Width, m.Cfg.Height))
	v.detect = make(chan detectJob, 1)
	go v.detector()
	return v, glctx.CheckError("setting up the viewport")
}

func newTexture(w, h int) uint32 {
	var t uint32
	gl.GenTextures(1, &t)
	gl.BindTexture(gl.TEXTURE_2D, t)
	gl.TexImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, int32(w), int32(h), 0, gl.RGBA, gl.UNSIGNED_BYTE, nil)
	gl.TexParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
	gl.TexParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
	gl.TexParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE)
	gl.TexParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE)
	return t
}

func upload(tex uint32, img *image.RGBA) {
	gl.BindTexture(gl.TEXTURE_2D, tex)
	gl.PixelStorei(gl.UNPACK_ALIGNMENT, 1)
	gl.TexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, int32(img.Rect.Dx()), int32(img.Rect.Dy()), gl.RGBA, gl.UNSIGNED_BYTE, gl.Ptr(img.Pix))
}

// detector finds the model's cursor in decoded frames, off the GL thread.
func (v *view) detector() {
	det := eval.CursorDetector()
	for job := range v.detect {
		x, y, _ := det.Find(job.img)
		v.mu.Lock()
		v.st.detected, v.st.detectedOK, v.dirty = image.Pt(x, y), true, true
		v.mu.Unlock()
	}
}

// bind routes the window's input: function keys to the viewer, the rest
// to the runner's action collector.
func (v *view) bind(win *glfw.Window, r *Runner) {
	in := r.Input()
	win.SetInputMode(glfw.CursorMode, glfw.CursorHidden) // the model draws the cursor
	win.SetCursorPosCallback(func(win *glfw.Window, x, y float64) {
		v.mu.Lock()
		fx, fy, inside := v.lay.toFrame(v.toFramebuffer(win, x, y))
		v.st.mouse, v.st.mouseIn, v.dirty = image.Pt(fx, fy), inside, true
		v.mu.Unlock()
		in.Move(fx, fy)
	})
	win.SetMouseButtonCallback(func(_ *glfw.Window, b glfw.MouseButton, a glfw.Action, _ glfw.ModifierKey) {
		btn := map[glfw.MouseButton]action.Buttons{glfw.MouseButtonLeft: action.Left, glfw.MouseButtonMiddle: action.Middle, glfw.MouseButtonRight: action.Right}[b]
		switch {
		case btn == 0:
		case a == glfw.Press:
			in.Press(btn)
		case a == glfw.Release:
			in.Release(btn)
		}
	})
	win.SetScrollCallback(func(_ *glfw.Window, _, dy float64) {
		if s := int(dy); s != 0 {
			in.Scroll(s)
		}
	})
	win.SetCharCallback(func(_ *glfw.Window, c rune) { in.Type(string(c)) })
	win.SetKeyCallback(func(_ *glfw.Window, k glfw.Key, _ int, a glfw.Action, _ glfw.ModifierKey) {
		if k >= glfw.KeyF1 && k <= glfw.KeyF11 {
			if a == glfw.Press || a == glfw.Repeat {
				v.control(k, r)
			}
			return
		}
		name := keysym(k)
		switch {
		case name == "":
		case a == glfw.Press || a == glfw.Repeat:
			in.KeyDown(name)
		case a == glfw.Release:
			in.KeyUp(name)
		}
	})
}

// toFramebuffer converts window coordinates to framebuffer pixels (they
// differ on high-density displays).
func (v *view) toFramebuffer(win *glfw.Window, x, y float64) (float64, float64) {
	ww, wh := win.GetSize()
	fw, fh := win.GetFramebufferSize()
	if ww == 0 || wh == 0 {
		return x, y
	}
	return x * float64(fw) / float64(ww), y * float64(fh) / float64(wh)
}

// control handles the viewer's function keys.
func (v *view) control(k glfw.Key, r *Runner) {
	v.mu.Lock()
	defer v.mu.Unlock()
	on := &v.st.on
	switch k {
	case glfw.KeyF1:
		on.help = !on.help
	case glfw.KeyF2:
		on.hud = !on.hud
	case glfw.KeyF3:
		on.cursors = !on.cursors
	case glfw.KeyF4:
		on.trail = !on.trail
	case glfw.KeyF5:
		on.log = !on.log
	case glfw.KeyF6:
		on.split = !on.split
	case glfw.KeyF7:
		r.TogglePause()
	case glfw.KeyF8:
		r.SingleStep()
	case glfw.KeyF9:
		if err := r.Reset(); err != nil {
			v.st.log = append(v.st.log, "reset failed: "+err.Error())
		}
		v.lastStep = -1
	case glfw.KeyF10:
		r.AddSampleSteps(-1)
	case glfw.KeyF11:
		r.AddSampleSteps(1)
	}
	v.dirty = true
}

// draw renders one display frame.
func (v *view) draw(win *glfw.Window, r *Runner) error {
	snap := r.Latest()
	fw, fh := win.GetFramebufferSize()
	v.mu.Lock()
	split := v.st.on.split
	v.lay = newLayout(fw, fh, v.m.Cfg.Width, v.m.Cfg.Height, split)
	lay := v.lay
	v.mu.Unlock()

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
	if snap.Step != v.lastStep || !v.decoded {
		if !v.queryOut {
			gl.BeginQuery(gl.TIME_ELAPSED, v.query)
		}
		if err := v.dec.Decode(snap.Latent); err != nil {
			return err
		}
		if !v.queryOut {
			gl.EndQuery(gl.TIME_ELAPSED)
			v.queryOut = true
		}
		upload(v.sandbox, snap.Sandbox)
		v.mu.Lock()
		cursors := v.st.on.cursors
		v.mu.Unlock()
		if cursors {
			if err := v.dec.Read(v.frame); err != nil {
				return err
			}
			select {
			case v.detect <- detectJob{img: clone(v.frame), step: snap.Step}:
			default: // the detector is busy: skip this frame
			}
		}
		v.lastStep, v.decoded = snap.Step, true
		v.mu.Lock()
		v.st.trail, v.st.log, v.dirty = snap.Trail, snap.Log, true
		v.mu.Unlock()
	}
	v.updateHUD(snap)

	gl.BindFramebuffer(gl.FRAMEBUFFER, 0)
	gl.Viewport(0, 0, int32(fw), int32(fh))
	gl.ClearColor(0.12, 0.12, 0.14, 1)
	gl.Clear(gl.COLOR_BUFFER_BIT)
	gl.UseProgram(v.present)
	gl.BindVertexArray(v.vao)
	gl.Uniform1i(v.uni["image"], 0)
	gl.Uniform1i(v.uni["other"], 1)
	gl.Uniform1i(v.uni["flipY"], 1)
	gl.Uniform1f(v.uni["gain"], 4)
	v.drawPanel(lay, lay.neuralPanel(), v.dec.Texture(), 0)
	if split {
		v.drawPanel(lay, lay.sandboxPanel(), v.sandbox, 0)
		v.drawPanel(lay, lay.diffPanel(), v.dec.Texture(), v.sandbox)
	}
	v.drawOverlay(lay, fw, fh)
	return glctx.CheckError("drawing the window")
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
	gl.Uniform1i(v.uni["difference"], boolInt(other != 0))
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
	if h.step != s.Step || h.paused != s.Paused || h.sampler != s.Sampler || h.stepMs != s.StepMs {
		h.step, h.paused, h.sampler, h.stepMs = s.Step, s.Paused, s.Sampler, s.StepMs
		v.dirty = true
	}
}

func (v *view) delete() {
	close(v.detect)
	v.dec.Delete()
	gl.DeleteProgram(v.present)
	gl.DeleteVertexArrays(1, &v.vao)
	for _, t := range []uint32{v.sandbox, v.overlay} {
		gl.DeleteTextures(1, &t)
	}
	gl.DeleteQueries(1, &v.query)
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
