package termrec

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRunScript drives a real bash with the typist and checks that the
// frames keep pace with the keys and that commands print what they should.
func TestRunScript(t *testing.T) {
	home := t.TempDir()
	if err := PrepareHome(home); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "typist")
	const frames = 300
	s, err := RunScript(context.Background(), dir, Options{Cols: 32, Rows: 12, Env: ShellEnv(home), Dir: home}, ShellArgv, NewTypist(3), frames)
	if err != nil {
		t.Fatal(err)
	}
	if s.Frames != frames {
		t.Fatalf("%d frames, want %d", s.Frames, frames)
	}
	r, screens := readScreens(t, dir)
	typedSteps, echoed := 0, 0
	for i := range r.Len() - 1 {
		a := r.Action(i)
		if len(a.Text) == 1 && a.Text != " " && len(a.KeyDown) <= 2 {
			typedSteps++
			if !slices.Equal(screens[i], screens[i+1]) {
				echoed++
			} else if testing.Verbose() {
				t.Logf("step %d %v: unchanged %q", i, a, screens[i+1])
			}
		}
	}
	if typedSteps < 100 || echoed < typedSteps*98/100 {
		t.Errorf("%d of %d typed characters showed in the next frame", echoed, typedSteps)
	}
	// Arithmetic commands print their sums on the next line.
	sum := regexp.MustCompile(`^\$ (?:expr (\d+) \+ (\d+)|python3 -c "print\((\d+)\+(\d+)\)")$`)
	checked := 0
	for _, sc := range screens {
		for y := 0; y+1 < len(sc); y++ {
			m := sum.FindStringSubmatch(sc[y])
			if m == nil {
				continue
			}
			a, _ := strconv.Atoi(m[1] + m[3])
			b, _ := strconv.Atoi(m[2] + m[4])
			if next := sc[y+1]; next != "" && !strings.HasPrefix(next, "$") {
				checked++
				if next != fmt.Sprint(a+b) {
					t.Errorf("%q printed %q", sc[y], next)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no arithmetic command with its output in any frame")
	}
	t.Logf("%d typed characters, %d echoed at once; %d sums read", typedSteps, echoed, checked)
}
