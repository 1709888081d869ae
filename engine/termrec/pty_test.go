package termrec

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// typeSlowly writes each line a character at a time, as a person types.
func typeSlowly(w io.WriteCloser, lines ...string) {
	defer w.Close()
	time.Sleep(300 * time.Millisecond) // the prompt
	for _, l := range lines {
		for _, c := range []byte(l) {
			w.Write([]byte{c})
			time.Sleep(15 * time.Millisecond)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// readScreens reads every frame of a terminal trace back into text.
func readScreens(t *testing.T, dir string) (*trace.Reader, [][]string) {
	t.Helper()
	if err := trace.Validate(dir); err != nil {
		t.Fatal(err)
	}
	r, err := trace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	o, err := OptionsOf(r.Meta())
	if err != nil {
		t.Fatal(err)
	}
	rend, err := o.Renderer()
	if err != nil {
		t.Fatal(err)
	}
	reader := term.NewReader(rend.Font)
	var screens [][]string
	for i := range r.Len() {
		f, err := r.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		screens = append(screens, reader.Read(f, o.Cols, o.Rows))
	}
	return r, screens
}

// TestRecordBash records a real bash in a PTY running a few commands typed
// into it, and reads the session back from the frames.
func TestRecordBash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bash")
	in, keys := io.Pipe()
	go typeSlowly(keys, "echo hello world\r", "printf '\\e[1;31mred\\e[0m %d\\n' $((23+58))\r", "exit\r")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := RunPTY(ctx, dir, Options{Cols: 40, Rows: 10, FPS: 20},
		[]string{"env", "PS1=$ ", "bash", "--norc", "--noprofile", "-i"}, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ExitCode != 0 || s.Frames < 20 {
		t.Fatalf("session %+v", s)
	}
	r, screens := readScreens(t, dir)
	last := strings.Join(screens[len(screens)-1], "\n")
	for _, want := range []string{"$ echo hello world\nhello world\n", "red 81", "$ exit"} {
		if !strings.Contains(last, want) {
			t.Errorf("last screen lacks %q:\n%s", want, last)
		}
	}
	// The typed keys are the trace's actions, in order, and the screen
	// echoes them as they are typed.
	var typed strings.Builder
	returns, firstEcho := 0, -1
	for i := range r.Len() {
		a := r.Action(i)
		typed.WriteString(a.Text)
		for _, k := range a.KeyDown {
			if k == "Return" {
				returns++
			}
		}
		if firstEcho < 0 && strings.Contains(strings.Join(screens[i], "\n"), "$ e") {
			firstEcho = i
		}
	}
	if got := typed.String(); !strings.HasPrefix(got, "echo hello world") || returns != 3 {
		t.Errorf("typed %q with %d Returns", got, returns)
	}
	if firstEcho < 0 || firstEcho > len(screens)/2 {
		t.Errorf("the first typed character shows at frame %d of %d", firstEcho, len(screens))
	}
	if m := r.Meta(); m.Kind != trace.CLI || m.Width != 320 || m.Height != 160 || m.Source != "pty:env" {
		t.Errorf("meta %+v", m)
	}
}

// TestRecordKilled: a program that never ends is killed when the context
// ends, and what was recorded is a valid trace.
func TestRecordKilled(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sleep")
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	s, err := RunPTY(ctx, dir, Options{Cols: 20, Rows: 4, FPS: 10}, []string{"sh", "-c", "echo started; sleep 60"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ExitCode != -1 || s.Frames < 3 {
		t.Errorf("session %+v", s)
	}
	_, screens := readScreens(t, dir)
	if got := screens[len(screens)-1][0]; got != "started" {
		t.Errorf("last screen's first line %q", got)
	}
}

func TestRunPTYErrors(t *testing.T) {
	if _, err := RunPTY(context.Background(), t.TempDir()+"/x", Options{}, nil, nil, nil); err == nil {
		t.Error("no command accepted")
	}
	_, err := RunPTY(context.Background(), t.TempDir()+"/x", Options{}, []string{"/no/such/program"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/no/such/program") {
		t.Errorf("missing program: %v", err)
	}
	_, err = RunPTY(context.Background(), t.TempDir()+"/x", Options{Cols: 5000, Rows: 2}, []string{"true"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "5000x2") {
		t.Errorf("huge terminal: %v", err)
	}
}
