package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStudioWindowGUI builds ncstudio, opens the studio on the X display in
// $DISPLAY (`make test` runs the tests under xvfb-run), waits for its window,
// screenshots the screen and checks that something was drawn, then checks
// that --quit-after closes it.
func TestStudioWindowGUI(t *testing.T) {
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

	dir := t.TempDir()
	bin := filepath.Join(dir, "ncstudio")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const quitAfter = 20 * time.Second
	cmd := exec.Command(bin, "studio", "--quit-after", quitAfter.String())
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waited := false
	defer func() {
		if !waited {
			cmd.Process.Kill()
			<-exited
		}
	}()

	// Wait for the window: the one titled "NC Studio" owned by our process.
	pid := strconv.Itoa(cmd.Process.Pid)
	var win string
	for deadline := time.Now().Add(60 * time.Second); ; {
		out, _ := exec.Command("xdotool", "search", "--all", "--pid", pid, "--name", "^NC Studio$").Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			win = f[0]
			break
		}
		select {
		case err := <-exited:
			waited = true
			t.Fatalf("studio exited before its window appeared (%v):\n%s", err, stderr.String())
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no \"NC Studio\" window after 60s; studio output:\n%s", stderr.String())
		}
	}
	t.Logf("window %s appeared after %v", win, time.Since(start).Round(time.Millisecond))

	if out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", win).Output(); err == nil {
		geo := map[string]int{}
		for _, l := range strings.Fields(string(out)) {
			if k, v, ok := strings.Cut(l, "="); ok {
				geo[k], _ = strconv.Atoi(v)
			}
		}
		t.Logf("window geometry %dx%d", geo["WIDTH"], geo["HEIGHT"])
		if geo["WIDTH"] < 400 || geo["HEIGHT"] < 300 {
			t.Errorf("window is %dx%d, want about 1200x800", geo["WIDTH"], geo["HEIGHT"])
		}
	}

	// Screenshot until the page has been drawn: text, icons and the logo give
	// hundreds of distinct colours; an empty or single-colour screen a handful.
	shot := filepath.Join(dir, "studio.png")
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
				shot, colours, minColours, stderr.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("screenshot has %d distinct colours", colours)

	// --quit-after must end the studio by itself, cleanly.
	select {
	case err := <-exited:
		waited = true
		if err != nil {
			t.Fatalf("studio exited with %v:\n%s", err, stderr.String())
		}
		if el := time.Since(start); el < quitAfter-time.Second {
			t.Errorf("studio exited after %v, before --quit-after %v", el, quitAfter)
		}
	case <-time.After(time.Until(start.Add(quitAfter + 30*time.Second))):
		t.Fatalf("studio still running %v after start despite --quit-after %v", time.Since(start), quitAfter)
	}
	if s := stderr.String(); strings.Contains(s, "Fyne error") || strings.Contains(s, "panic") {
		t.Errorf("studio logged errors:\n%s", s)
	}
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
