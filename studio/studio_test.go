package studio

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/model/embedded"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestAppIDMatchesFyneAppToml keeps AppID and FyneApp.toml's Details.ID equal,
// so a packaged app and `go build` share preferences and storage.
func TestAppIDMatchesFyneAppToml(t *testing.T) {
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ID\s*=\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("FyneApp.toml has no ID")
	}
	if got := string(m[1]); got != AppID {
		t.Fatalf("FyneApp.toml ID = %q, studio.AppID = %q", got, AppID)
	}
}

// TestPlaceholderContent lays the window out (Play page stubbed, Welcome page selected) with Fyne's software
// test driver (no display needed) and checks that it shows what it promises.
func TestPlaceholderContent(t *testing.T) {
	test.NewTempApp(t)
	opts := Options{
		Version:  "ncstudio test · go1.26 · linux/amd64",
		Commands: []string{"ncstudio version [--json]\tprint the version", "ncstudio studio\topen the studio"},
	}
	w := test.NewTempWindow(t, content(opts, fyne.NewStaticResource("icon.png", nil),
		container.NewAppTabs(container.NewTabItem("Play", widget.NewLabel("play")))))
	w.Resize(fyne.NewSize(1200, 800))
	for _, o := range test.LaidOutObjects(w.Content()) {
		if tabs, ok := o.(*container.AppTabs); ok {
			if tabs.Selected().Text != "Play" {
				t.Errorf("the studio opens on %q, want Play", tabs.Selected().Text)
			}
			tabs.SelectIndex(len(tabs.Items) - 1) // Welcome
		}
	}

	var texts []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, "\n")
	want := []string{Title, "Welcome to NC Studio", opts.Version,
		"ncstudio version [--json]", "print the version", "ncstudio studio", "open the studio"}
	for _, p := range pages {
		want = append(want, p.name)
		if !p.built {
			want = append(want, p.about+" (coming)")
		}
	}
	for _, s := range want {
		if !strings.Contains(all, s) {
			t.Errorf("placeholder page lacks %q; labels:\n%s", s, all)
		}
	}

	img := w.Canvas().Capture()
	if img.Bounds().Dx() < 1000 || img.Bounds().Dy() < 700 {
		t.Errorf("captured canvas is %v, want about 1200x800", img.Bounds())
	}
}

func TestRunWithoutDisplay(t *testing.T) {
	if !needsX11() {
		t.Skip("only X11 platforms check DISPLAY")
	}
	t.Setenv("DISPLAY", "")
	if err := Run(Options{}); err != ErrNoDisplay {
		t.Fatalf("Run without DISPLAY = %v, want ErrNoDisplay", err)
	}
}

// The whole window fits a 1280x800 screen: no page may demand more width
// (long labels must wrap or truncate).
func TestWindowFitsTheScreen(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	ws := pagesWorkspace(t)
	st, err := newTestStudio(t, Options{Workspace: ws, Commands: []string{"ncstudio play [--ckpt CKPT] [--spec FILE] [--steps N] [--fps F] [--seed S] [--headless --actions FILE --out DIR [--json]]\tplay"}}, w)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	c := content(st.opts, fyne.NewStaticResource("icon.png", nil), st.tabs)
	if min := c.MinSize(); min.Width > 1200 || min.Height > 760 {
		t.Errorf("the studio needs at least %v", min)
	}
}

// Dropping a trace folder copies it into the workspace (a cast is
// rendered into one); playing a
// checkpoint makes it the first recent one (and the one restored next time).
func TestDropAndRecent(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	ws := pagesWorkspace(t)
	st, err := newTestStudio(t, Options{Workspace: ws}, w)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	st.mainMenu(func() {})
	src := filepath.Join(t.TempDir(), "elsewhere.nctrace")
	if err := os.CopyFS(src, os.DirFS(filepath.Join(ws.Traces(), "tiny.nctrace"))); err != nil {
		t.Fatal(err)
	}
	st.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(src)})
	if len(st.library.traces) != 2 {
		t.Errorf("after the drop the Library lists %d traces", len(st.library.traces))
	}
	// A dropped asciinema cast is rendered into a terminal trace.
	st.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(filepath.Join("..", "engine", "importer", "asciinema", "testdata", "v2.cast"))})
	if len(st.library.traces) != 3 {
		t.Errorf("after dropping a cast the Library lists %d traces", len(st.library.traces))
	}
	if err := trace.Validate(filepath.Join(ws.Traces(), "v2.nctrace")); err != nil {
		t.Error(err)
	}

	cfg, _ := model.Preset("tiny")
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(ws.Checkpoints(), "mine.safetensors")
	if err := m.Save(ck, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.playCheckpoint(ck, "mine"); err != nil {
		t.Fatal(err)
	}
	if r := st.recent(); len(r) != 1 || r[0] != ck || st.prefs().String(prefLastCheckpoint) != ck {
		t.Errorf("recent %v, last %q", r, st.prefs().String(prefLastCheckpoint))
	}
	if items := st.recentMenu.ChildMenu.Items; len(items) != 1 || items[0].Label != "mine.safetensors" {
		t.Errorf("recent menu %v", items)
	}
	// A removed checkpoint leaves the list.
	os.Remove(ck)
	if r := st.recent(); len(r) != 0 {
		t.Errorf("recent after removal: %v", r)
	}

	// The Library lists both built-in checkpoints; Play on the terminal
	// plays it, remembered as built-in (not a recent file), and the CUDA
	// worker gets it as a file of the workspace.
	terminal := -1
	for i, c := range st.library.ckpts {
		if c.Name == "terminal (built-in)" && c.Err == nil {
			terminal = i
		}
	}
	if terminal < 0 || st.library.ckpts[0].Name != builtinName {
		t.Fatalf("the Library lists %+v", st.library.ckpts)
	}
	st.library.ckptList.Select(terminal)
	for _, o := range test.LaidOutObjects(st.library.detail) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Play" {
			test.Tap(b)
		}
	}
	if st.play == nil || st.play.checkpoint != "terminal (built-in)" || st.prefs().String(prefLastCheckpoint) != builtinPath(embedded.Builtins[1]) || len(st.recent()) != 0 {
		t.Errorf("after Play on the built-in terminal: page %v, last %q, recent %v", st.play != nil, st.prefs().String(prefLastCheckpoint), st.recent())
	}
	file, err := st.playCheckpointFile()
	if data, rerr := os.ReadFile(file); err != nil || rerr != nil || !bytes.Equal(data, embedded.Builtins[1].Bytes()) {
		t.Errorf("the played built-in terminal as a file: %q, %v %v", file, err, rerr)
	}
}

// Applying a desktop on the Sandbox page restarts the Play page from it.
func TestPlayFollowsTheAppliedDesktop(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m, _, err := embedded.Load(cpu.New())
	if err != nil {
		t.Fatal(err)
	}
	st, err := newTestStudio(t, Options{Workspace: pagesWorkspace(t), Model: m, Checkpoint: "default"}, w)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	before := st.play.off.Runner().Latest().Sandbox
	mail, err := os.ReadFile("../docs/examples/mail.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.sandbox.apply(mail); err != nil {
		t.Fatal(err)
	}
	after := st.play.off.Runner().Latest().Sandbox
	if bytes.Equal(before.Pix, after.Pix) {
		t.Error("the Play page still starts from the built-in desktop")
	}
	if st.play.checkpoint != "default" || st.play.off.Runner().Model() != m {
		t.Errorf("the restarted Play page runs %q", st.play.checkpoint)
	}
}

// newTestStudio is newStudio for tests: it also waits until the pages have
// heard the CUDA probe, which Fyne's test driver delivers on the probe's own
// goroutine (see watchCUDA).
func newTestStudio(t *testing.T, opts Options, w fyne.Window) (*studio, error) {
	t.Helper()
	st, err := newStudio(opts, w)
	if err != nil {
		return nil, err
	}
	select {
	case <-st.cudaProbed:
	case <-time.After(time.Minute):
		t.Fatal("the CUDA probe did not answer within a minute")
	}
	return st, nil
}
