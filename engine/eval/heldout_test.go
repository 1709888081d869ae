package eval

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// TestTerminalHeldOutSet checks the terminal's held-out sessions that the
// README's scores come from (testdata/terminal-heldout): real-time typist
// sessions on bash, kept as recorded because a recording made again
// differs (when output arrives depends on the machine's load). Each must
// be whole, of the terminal preset's geometry, and read back as a shell.
func TestTerminalHeldOutSet(t *testing.T) {
	f, err := term.FontForCell(8, 16)
	if err != nil {
		t.Fatal(err)
	}
	rd := term.NewReader(f)
	for seed := 1001; seed <= 1004; seed++ {
		dir := filepath.Join("testdata", "terminal-heldout", fmt.Sprintf("bash-live-seed%d.nctrace", seed))
		if err := trace.Validate(dir); err != nil {
			t.Fatal(err)
		}
		r, err := trace.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		m := r.Meta()
		if m.Kind != trace.CLI || m.Width != 256 || m.Height != 192 || !m.Complete || m.Frames < 1200 {
			t.Errorf("%s: %s %dx%d, %d frames, complete %v; want a whole cli trace of 256x192, 1200+ frames", dir, m.Kind, m.Width, m.Height, m.Frames, m.Complete)
		}
		if m.Tags["seed"] != fmt.Sprint(seed) || m.Tags["agent"] != "typist" {
			t.Errorf("%s: tags %v, want the typist of seed %d", dir, m.Tags, seed)
		}
		// By the end the typist has run many commands: prompts on screen.
		last, err := r.Frame(r.Len() - 1)
		if err != nil {
			t.Fatal(err)
		}
		lines, prompts := rd.Read(last, 32, 12), 0
		for _, l := range lines {
			if strings.HasPrefix(l, "$") {
				prompts++
			}
		}
		if prompts < 2 {
			t.Errorf("%s: the last screen reads\n%s\nwant shell prompts", dir, strings.Join(lines, "\n"))
		}
		r.Close()
	}
}
