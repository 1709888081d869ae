package viewer

import (
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/term"
)

// TestRunnerTerminal: a terminal model's conventional computer is a live
// bash; keys typed through the runner reach it and show on its frames.
func TestRunnerTerminal(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	cfg.Width, cfg.Height = 256, 48
	cfg.Terminal = &model.TerminalConfig{Cols: 32, Rows: 3, CellW: 8, CellH: 16, Theme: "dark"}
	cfg.Dyn.CursorMap = false
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(m, nil, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	read := func(s Snapshot) string {
		return strings.TrimRight(strings.Join(term.NewReader(term.DefaultFont()).Read(s.Sandbox, 32, 3), "\n"), "\n")
	}
	if got := read(r.Latest()); got != "$" {
		t.Fatalf("first frame %q, want the prompt", got)
	}
	// Keys that arrive within one step are shown one a step.
	r.Input().KeyDown("e")
	r.Input().KeyDown("c")
	if a, b := r.Input().Step(), r.Input().Step(); len(a.KeyDown) != 1 || len(b.KeyDown) != 1 {
		t.Errorf("keys typed at once reach the model as %v then %v, want one a step", a, b)
	}
	keys, _ := term.ParseInput([]byte("echo $((6*7))\r"))
	for _, k := range keys {
		r.StepWith(term.KeysAction([]term.Key{k}))
	}
	deadline := time.Now().Add(5 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if got = read(r.StepWith(term.KeysAction(nil))); strings.Contains(got, "\n42\n$") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("the terminal shows\n%s", got)
}
