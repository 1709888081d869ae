package viewer

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/inconsolata"
	"golang.org/x/image/math/fixed"
)

// Overlays are drawn on the CPU into a transparent image the size of the
// window (text needs a font, and they change at most once per model step
// or mouse move), then blended over the panels.

// Overlays says which overlays are shown (the function keys switch them).
type Overlays struct {
	Help, HUD, Cursors, Trail, Log bool
	Split                          bool // sandbox | neural computer | difference
}

// hud is what the heads-up display reports.
type hud struct {
	displayFPS, stepsPerSec float64
	stepMs, decodeMs        float64
	sampler                 int
	hold                    float32 // the sampler's hold (0: off)
	injection, checkpoint   string
	decoder                 string // who decodes latents: the GL renderer, or the CPU
	device                  string // where the model steps
	step                    int
	paused                  bool
}

// overlayState is everything the overlay shows.
type overlayState struct {
	on         Overlays
	mouse      image.Point // real mouse, frame pixels
	mouseIn    bool
	detected   image.Point // where the model drew its cursor
	detectedOK bool
	trail      []image.Point
	log        []string
	hud        hud
	// terminal marks a terminal model: no mouse, and the conventional
	// computer is a bash.
	terminal bool
}

var (
	colMouse    = color.RGBA{0, 230, 90, 255}
	colDetected = color.RGBA{255, 60, 60, 255}
	colTrail    = color.RGBA{255, 210, 0, 255}
	colBox      = color.RGBA{0, 0, 0, 170} // premultiplied: 67% black
	colText     = color.RGBA{235, 235, 235, 255}
	colHead     = color.RGBA{120, 200, 255, 255}
)

var face = inconsolata.Regular8x16

const lineH = 16

// KeyHelp lists the viewer's keys, one line each (the F1 overlay, the
// studio's Help > Keys).
var KeyHelp = []string{
	"F1   this help",
	"F2   heads-up display: speed, latency, sampler, model",
	"F3   cursors: green cross = your mouse, red ring = the model's cursor",
	"F4   cursor trail (the last second of mouse positions)",
	"F5   action log",
	"F6   split view: sandbox (or bash) | neural computer | difference",
	"F7   pause / resume",
	"F8   single step (while paused)",
	"F9   reset the neural computer from the sandbox's (or bash's) frame",
	"F10  fewer sampler steps    F11  more sampler steps",
	"Everything else (mouse, keys, text) goes to the neural computer.",
}

// drawOverlay draws st into dst (cleared first) for layout l.
func drawOverlay(dst *image.RGBA, l layout, st *overlayState) {
	clear(dst.Pix)
	panels := []int{l.neuralPanel()}
	if l.panels == 3 {
		panels = append(panels, l.sandboxPanel())
	}
	if st.on.Trail {
		for _, p := range panels {
			for i := 1; i < len(st.trail); i++ {
				a, b := l.toWindow(p, st.trail[i-1].X, st.trail[i-1].Y), l.toWindow(p, st.trail[i].X, st.trail[i].Y)
				fade := uint8(80 + 175*i/len(st.trail))
				line(dst, a, b, scaleColor(colTrail, fade))
			}
		}
	}
	if st.on.Cursors && !st.terminal {
		if st.mouseIn {
			for _, p := range panels {
				cross(dst, l.toWindow(p, st.mouse.X, st.mouse.Y), max(6, int(3*l.scale)), colMouse)
			}
		}
		if st.detectedOK {
			ring(dst, l.toWindow(l.neuralPanel(), st.detected.X, st.detected.Y), max(5, int(2.5*l.scale)), colDetected)
		}
	}
	if l.panels == 3 {
		names := []string{"sandbox", "neural computer", "difference"}
		if st.terminal {
			names[0] = "bash"
		}
		for i, name := range names {
			// Top right: a terminal's text and a desktop's menus start at the left.
			r := l.panel(i)
			textBox(dst, image.Pt(r.Max.X-4-font.MeasureString(face, name).Ceil()-12, r.Min.Y+4), []string{name}, colText)
		}
	}
	if st.on.HUD {
		h := st.hud
		state := "running"
		if h.paused {
			state = "PAUSED (F7 resumes, F8 steps)"
		}
		textBox(dst, image.Pt(8, 8), []string{
			fmt.Sprintf("%s  step %d  %s", h.checkpoint, h.step, state),
			fmt.Sprintf("display %4.0f fps   model %4.1f steps/s", h.displayFPS, h.stepsPerSec),
			fmt.Sprintf("step %5.1f ms   decode %5.2f ms", h.stepMs, h.decodeMs),
			fmt.Sprintf("sampler %d step(s)   hold %g   injection %s", h.sampler, h.hold, h.injection),
			"model on " + h.device + "   decode on " + h.decoder,
		}, colText)
	}
	if st.on.Log && len(st.log) > 0 {
		lines := append([]string{"actions"}, st.log...)
		textBox(dst, image.Pt(8, l.fbH-8-len(lines)*lineH-8), lines, colText)
	}
	if st.on.Help {
		w := 0
		for _, s := range KeyHelp {
			w = max(w, font.MeasureString(face, s).Ceil())
		}
		lines := append([]string{"NC Studio play: keys"}, KeyHelp...)
		textBox(dst, image.Pt((l.fbW-w)/2, (l.fbH-len(lines)*lineH)/2), lines, colText)
	} else if !st.on.HUD {
		textBox(dst, image.Pt(8, 8), []string{"F1: keys"}, colText)
	}
}

// textBox draws lines on a translucent box with its top-left at p; the
// first line is a heading when there are several.
func textBox(dst *image.RGBA, p image.Point, lines []string, col color.RGBA) {
	w := 0
	for _, s := range lines {
		w = max(w, font.MeasureString(face, s).Ceil())
	}
	box := image.Rect(p.X, p.Y, p.X+w+12, p.Y+len(lines)*lineH+8)
	draw.Draw(dst, box, image.NewUniform(colBox), image.Point{}, draw.Over)
	d := font.Drawer{Dst: dst, Face: face}
	for i, s := range lines {
		d.Src = image.NewUniform(col)
		if i == 0 && len(lines) > 1 {
			d.Src = image.NewUniform(colHead)
		}
		d.Dot = fixed.P(p.X+6, p.Y+4+(i+1)*lineH-4)
		d.DrawString(s)
	}
}

func scaleColor(c color.RGBA, a uint8) color.RGBA {
	f := func(v uint8) uint8 { return uint8(int(v) * int(a) / 255) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), a}
}

// line draws a 2-pixel-wide segment (Bresenham).
func line(dst *image.RGBA, a, b image.Point, c color.RGBA) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := sign(b.X-a.X), sign(b.Y-a.Y)
	err := dx + dy
	for {
		dot(dst, a.X, a.Y, c)
		dot(dst, a.X+1, a.Y, c)
		dot(dst, a.X, a.Y+1, c)
		if a == b {
			return
		}
		if e2 := 2 * err; e2 >= dy {
			err += dy
			a.X += sx
		} else {
			err += dx
			a.Y += sy
		}
	}
}

func cross(dst *image.RGBA, p image.Point, r int, c color.RGBA) {
	line(dst, image.Pt(p.X-r, p.Y), image.Pt(p.X+r, p.Y), c)
	line(dst, image.Pt(p.X, p.Y-r), image.Pt(p.X, p.Y+r), c)
}

func ring(dst *image.RGBA, p image.Point, r int, c color.RGBA) {
	for y := -r - 1; y <= r+1; y++ {
		for x := -r - 1; x <= r+1; x++ {
			if d := x*x + y*y; d >= (r-1)*(r-1) && d <= (r+1)*(r+1) {
				dot(dst, p.X+x, p.Y+y, c)
			}
		}
	}
}

func dot(dst *image.RGBA, x, y int, c color.RGBA) {
	if image.Pt(x, y).In(dst.Rect) {
		dst.SetRGBA(x, y, c)
	}
}

func abs(v int) int { return max(v, -v) }

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
