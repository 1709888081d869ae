package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestStudioWindowGUI builds ncstudio, opens the studio on the X display in
// $DISPLAY (`make test` runs the tests under xvfb-run), waits for its window,
// screenshots the screen and checks that something was drawn, moves the
// mouse across the Play page's viewport and sees the neural cursor follow,
// then checks that --quit-after closes it.
func TestStudioWindowGUI(t *testing.T) {
	bin := buildForGUI(t)
	const quitAfter = 30 * time.Second
	g := startGUI(t, bin, "^NC Studio$", "studio", "--ckpt", "default", "--quit-after", quitAfter.String()) // --ckpt: not the checkpoint played last on this machine
	geo := g.geometry()
	if geo["WIDTH"] < 400 || geo["HEIGHT"] < 300 {
		t.Errorf("window is %dx%d, want about 1200x800", geo["WIDTH"], geo["HEIGHT"])
	}

	// Screenshot until the page has been drawn: text, icons and the logo give
	// hundreds of distinct colours; an empty or single-colour screen a handful.
	shot := filepath.Join(t.TempDir(), "studio.png")
	const minColours = 64
	colours := 0
	for deadline := time.Now().Add(15 * time.Second); ; {
		if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
			t.Fatalf("import -window root: %v\n%s", err, out)
		}
		img, err := decodePNG(shot)
		if err != nil {
			t.Fatal(err)
		}
		if colours = distinctColours(img); colours > minColours {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("screenshot %s has only %d distinct colours (want > %d): the studio drew nothing?\n%s",
				shot, colours, minColours, g.output.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("screenshot has %d distinct colours", colours)

	// The studio opens on the Play page: move the mouse over the viewport
	// (right of the sidebars, below the toolbar) and look for the mouse
	// crosshair there and, once the model has drawn its cursor, the red
	// ring the cursor detector puts around it.
	// Window-relative throughout: the window may still be moving to the
	// screen's centre when it first appears.
	shots := t.TempDir()
	// Both places are on plain wallpaper, right of the icons: over an icon
	// the model's blurred cursor is harder to find.
	from := image.Pt(geo["WIDTH"]/2, geo["HEIGHT"]*2/3)
	followed := false
	for i, p := range []image.Point{{geo["WIDTH"] * 6 / 10, geo["HEIGHT"] / 2}, {geo["WIDTH"] * 8 / 10, geo["HEIGHT"] / 3}} {
		// Glide there as a hand does: the model learnt continuous motion,
		// and a jump leaves its cursor behind for a while.
		for k := 1; k <= 10; k++ {
			q := from.Add(p.Sub(from).Mul(k).Div(10))
			g.xdo("mousemove", "--window", g.win, strconv.Itoa(q.X), strconv.Itoa(q.Y))
			time.Sleep(80 * time.Millisecond)
		}
		from = p
		var mouse, model bool
		for k := 0; !(mouse && model) && k < 20; k++ {
			// Wiggle by a pixel, as a hand does: the model draws its cursor
			// anew each step, and ghosts of old positions fade.
			g.xdo("mousemove", "--window", g.win, strconv.Itoa(p.X+k%2), strconv.Itoa(p.Y))
			time.Sleep(time.Second)
			img := g.shot(shots, fmt.Sprintf("move%d", i))
			mouse = near(img, p.X, p.Y, 8, colourMouse)
			model = near(img, p.X, p.Y, 40, colourModelCursor)
		}
		t.Logf("move %d to %v: mouse crosshair shown %v, model's cursor detected near it %v", i, p, mouse, model)
		if !mouse {
			t.Errorf("move %d: no mouse crosshair near %v (screenshot %s)", i, p, keepScreenshot(filepath.Join(shots, fmt.Sprintf("move%d.png", i))))
		}
		followed = followed || model
	}
	// The model's cursor follows the mouse; over a long idle rollout the
	// default model also leaves cursor ghosts that the detector sometimes
	// prefers for a while (viewer's headless test measures the following
	// against a control), so one of the two places must show it here.
	if !followed {
		t.Errorf("the model's cursor was not found near the mouse at either place (screenshot %s)", keepScreenshot(filepath.Join(shots, "move1.png")))
	}
	g.waitQuit(quitAfter)
}

// buildForGUI skips unless a display and the X tools are there, and builds
// ncstudio.
func buildForGUI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("GUI test: skipped with -short")
	}
	if os.Getenv("DISPLAY") == "" {
		t.Skip("GUI test: DISPLAY is not set; `make test` runs the tests under xvfb-run")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("GUI test: %s not found (make deps installs xdotool and imagemagick)", tool)
		}
	}
	bin := filepath.Join(t.TempDir(), "ncstudio")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// guiProc is a running ncstudio window.
type guiProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	start  time.Time
	win    string // X window id
	output *lockedBuffer
	exited chan error
	waited bool
}

// startGUI runs bin with args and waits for its window whose title matches
// the regular expression title.
func startGUI(t *testing.T, bin, title string, args ...string) *guiProc {
	t.Helper()
	g := &guiProc{t: t, cmd: exec.Command(bin, args...), output: &lockedBuffer{}, exited: make(chan error, 1)}
	g.cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	g.cmd.Stdout, g.cmd.Stderr = g.output, g.output
	g.start = time.Now()
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { g.exited <- g.cmd.Wait() }()
	t.Cleanup(func() {
		if !g.waited {
			g.cmd.Process.Kill()
			<-g.exited
		}
	})
	pid := strconv.Itoa(g.cmd.Process.Pid)
	for deadline := time.Now().Add(60 * time.Second); ; {
		out, _ := exec.Command("xdotool", "search", "--all", "--pid", pid, "--name", title).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			g.win = f[0]
			break
		}
		select {
		case err := <-g.exited:
			g.waited = true
			t.Fatalf("%s exited before its window appeared (%v):\n%s", args[0], err, g.output.String())
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q window after 60s; output:\n%s", title, g.output.String())
		}
	}
	t.Logf("window %s appeared after %v", g.win, time.Since(g.start).Round(time.Millisecond))
	return g
}

// geometry is the window's X, Y, WIDTH and HEIGHT.
func (g *guiProc) geometry() map[string]int {
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", g.win).Output()
	if err != nil {
		g.t.Fatalf("xdotool getwindowgeometry: %v", err)
	}
	geo := map[string]int{}
	for _, l := range strings.Fields(string(out)) {
		if k, v, ok := strings.Cut(l, "="); ok {
			geo[k], _ = strconv.Atoi(v)
		}
	}
	g.t.Logf("window geometry %dx%d at (%d, %d)", geo["WIDTH"], geo["HEIGHT"], geo["X"], geo["Y"])
	return geo
}

// keepScreenshot copies a failing test's screenshot out of its temporary
// folder, which the test removes, and returns where it went.
func keepScreenshot(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "lost: " + err.Error()
	}
	f, err := os.CreateTemp("", "ncstudio-gui-failure-*.png")
	if err != nil {
		return "lost: " + err.Error()
	}
	defer f.Close()
	f.Write(b)
	return f.Name()
}

// shot screenshots the window into dir/NAME.png and decodes it.
func (g *guiProc) shot(dir, name string) image.Image {
	path := filepath.Join(dir, name+".png")
	if out, err := exec.Command("import", "-window", g.win, path).CombinedOutput(); err != nil {
		g.t.Fatalf("import: %v\n%s", err, out)
	}
	img, err := decodePNG(path)
	if err != nil {
		g.t.Fatal(err)
	}
	return img
}

// xdo runs xdotool with args.
func (g *guiProc) xdo(args ...string) {
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		g.t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// waitQuit checks that --quit-after d ends the program by itself, cleanly.
func (g *guiProc) waitQuit(d time.Duration) {
	t := g.t
	select {
	case err := <-g.exited:
		g.waited = true
		if err != nil {
			t.Fatalf("exited with %v:\n%s", err, g.output.String())
		}
		if el := time.Since(g.start); el < d-time.Second {
			t.Errorf("exited after %v, before --quit-after %v", el, d)
		}
		if strings.Contains(g.output.String(), "did not finish shutting down") {
			t.Logf("Fyne's shutdown hung; the studio's watchdog ended the process")
		}
	case <-time.After(time.Until(g.start.Add(d + 30*time.Second))):
		// SIGQUIT makes the Go runtime print every goroutine's stack:
		// where it hangs.
		g.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-g.exited:
			g.waited = true
		case <-time.After(5 * time.Second):
		}
		t.Fatalf("still running %v after start despite --quit-after %v; its output and stacks:\n%s", time.Since(g.start), d, g.output.String())
	}
	if s := withoutPrefsRace(g.output.String()); strings.Contains(s, "Fyne error") || strings.Contains(s, "panic") || strings.Contains(s, "Error in Fyne call thread") {
		t.Errorf("logged errors:\n%s", s)
	}
}

// withoutPrefsRace drops Fyne's "Preferences load error ... Cause: EOF"
// report: Fyne saves preferences on exit by truncating and rewriting the
// file while its own file watcher may read it, a harmless race inside Fyne
// 2.7 that we cannot prevent.
func withoutPrefsRace(s string) string {
	lines := strings.Split(s, "\n")
	var keep []string
	for i := 0; i < len(lines); i++ {
		if strings.Contains(lines[i], "Preferences load error") && i+1 < len(lines) && strings.Contains(lines[i+1], "Cause: EOF") {
			i += 2 // the error, its cause and its location
			continue
		}
		if strings.Contains(lines[i], "Preferences load error") && strings.TrimSpace(strings.Join(lines[i+1:], "")) == "" {
			break // the same race at exit, cut off before its cause was logged
		}
		keep = append(keep, lines[i])
	}
	return strings.Join(keep, "\n")
}

func decodePNG(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(data))
}

func distinctColours(img image.Image) int {
	seen := map[[4]uint32]struct{}{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = struct{}{}
		}
	}
	return len(seen)
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
