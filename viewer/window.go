package viewer

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// PlayOptions configure Play.
type PlayOptions struct {
	Title, Checkpoint string
	Seed              uint64
	SampleSteps       int     // 0: the model's default
	FPS               float64 // model steps per second; 0: the model's frame rate
	QuitAfter         time.Duration
	Sessions          Sessions // steps the model; nil: in this process (LocalSessions)
	Device            string   // where Sessions step, for the HUD ("": the model's backend)
	Decode            string   // who draws the latents: DecodeShader, DecodeCPU or DecodeAuto
}

// Who decodes latents into frames for a viewport. The shaders do, unless
// the GL renderer is software: there the shaders run on the CPU too, and the
// CPU decoder (OpenBLAS, Winograd convolutions) takes 9 ms a frame where
// llvmpipe takes 200-500 on two cores.
const (
	DecodeAuto   = "auto"   // the CPU on a software renderer, else the shaders ("" too)
	DecodeShader = "shader" // the fragment-shader decoder (viewer/decode)
	DecodeCPU    = "cpu"    // the model's CPU decoder, the frame uploaded
)

// decodesOnCPU resolves a PlayOptions.Decode for a context's renderer.
func decodesOnCPU(decode string, info glctx.Info) (bool, error) {
	switch decode {
	case DecodeAuto, "":
		return info.Software(), nil
	case DecodeShader, DecodeCPU:
		return decode == DecodeCPU, nil
	}
	return false, fmt.Errorf("viewer: decode on %q: want %q, %q or auto", decode, DecodeShader, DecodeCPU)
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
	r, err := NewRunner(m, spec, o.Seed, o.Sessions)
	if err != nil {
		return err
	}
	defer r.Close()
	r.SetSampleSteps(o.SampleSteps)
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
	r.DecodeFrames(v.cpu)
	bind(win, v, r)

	fps := o.FPS
	if fps <= 0 {
		fps = m.Cfg.FPS
	}
	r.Start(fps)
	start := time.Now()
	frameTime := time.Second / displayHz
	for !win.ShouldClose() {
		next := time.Now().Add(frameTime)
		glfw.PollEvents()
		fw, fh := win.GetFramebufferSize()
		if err := v.draw(0, fw, fh, r); err != nil {
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

// bind routes the window's input: function keys to the viewer, the rest
// to the runner's action collector.
func bind(win *glfw.Window, v *view, r *Runner) {
	in := r.Input()
	win.SetInputMode(glfw.CursorMode, glfw.CursorHidden) // the model draws the cursor
	win.SetCursorPosCallback(func(win *glfw.Window, x, y float64) {
		fx, fy := toFramebuffer(win, x, y)
		v.mouseAt(fx, fy, r)
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
				v.control(Control(k-glfw.KeyF1), r)
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

// toFramebuffer converts window coordinates to framebuffer pixels (they
// differ on high-density displays).
func toFramebuffer(win *glfw.Window, x, y float64) (float64, float64) {
	ww, wh := win.GetSize()
	fw, fh := win.GetFramebufferSize()
	if ww == 0 || wh == 0 {
		return x, y
	}
	return x * float64(fw) / float64(ww), y * float64(fh) / float64(wh)
}
