package termrec

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/importer/asciinema"
)

// TestImportCasts renders the sample casts of every version and reads the
// screens back from the frames.
func TestImportCasts(t *testing.T) {
	cases := []struct {
		file       string
		cols, rows int
		lastScreen []string // lines the last frame starts with
		somewhere  string   // text some frame shows
		typed      string   // text of the input events
	}{
		{"v1.cast", 80, 24, []string{"$ ls --color", "bin  run.sh", "$ exit"}, "bin  run.sh", ""},
		{"v2.cast", 100, 30, []string{"$"}, "red blue", "ls"},
		{"v3.cast", 120, 40, []string{"$ echo ete", "ete", "$ reverse"}, "$ echo", "echo été"}, // the reader knows ASCII: é reads as e,
		{"asciinema-rec.cast", 40, 12, []string{"$ echo hello", "hello", `$ printf "\e[31mred\e[0m\n"`, "red", "$ exit", "exit"}, "hello", `echo helloprintf "\e[31mred\e[0m\n"exit`},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			name := filepath.Join("..", "importer", "asciinema", "testdata", c.file)
			cast, err := asciinema.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "cast")
			res, err := ImportCast(cast, name, dir, Options{FPS: 10}, 0)
			if err != nil {
				t.Fatal(err)
			}
			r, screens := readScreens(t, dir)
			o, _ := OptionsOf(r.Meta())
			if o.Cols != c.cols || o.Rows != c.rows || res.Frames != r.Len() {
				t.Errorf("%dx%d terminal, %d frames (result %+v)", o.Cols, o.Rows, r.Len(), res)
			}
			last := screens[len(screens)-1]
			if !slices.Equal(last[:len(c.lastScreen)], c.lastScreen) {
				t.Errorf("last screen starts\n%q\nwant\n%q", last[:len(c.lastScreen)], c.lastScreen)
			}
			seen := false
			for _, s := range screens {
				seen = seen || strings.Contains(strings.Join(s, "\n"), c.somewhere)
			}
			if !seen {
				t.Errorf("no frame shows %q", c.somewhere)
			}
			var typed strings.Builder
			for i := range r.Len() {
				typed.WriteString(r.Action(i).Text)
			}
			if got := strings.TrimSpace(typed.String()); got != c.typed {
				t.Errorf("typed %q, want %q", got, c.typed)
			}
		})
	}
}

// TestImportCastIdleLimit: the cast's idle limit shortens its pause, a
// negative limit keeps it.
func TestImportCastIdleLimit(t *testing.T) {
	name := filepath.Join("..", "importer", "asciinema", "testdata", "v2.cast")
	frames := func(limit float64) int {
		cast, err := asciinema.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ImportCast(cast, name, filepath.Join(t.TempDir(), "c"), Options{FPS: 10}, limit)
		if err != nil {
			t.Fatal(err)
		}
		return res.Frames
	}
	// 5.0 s in all; the 3.19 s pause becomes 1.5 s with the cast's limit.
	if kept, limited := frames(-1), frames(0); kept != 52 || limited != 35 {
		t.Errorf("frames without limit %d (want 52), with the cast's 1.5 s limit %d (want 35)", kept, limited)
	}
}
