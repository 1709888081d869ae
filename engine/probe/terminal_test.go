package probe

import (
	"math"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/term"
)

func TestArithmeticAnswer(t *testing.T) {
	cmd := `python3 -c "print(23+58)"`
	// A real bash's screen in a narrow terminal, where the command wraps.
	s, _ := term.NewScreen(16, 6, nil)
	s.Write([]byte("$ echo hi\r\nhi\r\n$ " + cmd + "\r\n81\r\n$ "))
	screen := term.NewReader(term.DefaultFont()).Read(term.DefaultRenderer().Frame(s.Grid()), 16, 6)
	if got := ArithmeticAnswer(screen, cmd); got != "81" {
		t.Errorf("answer %q from %q", got, screen)
	}
	for _, bad := range [][]string{{"$ " + cmd}, {"$ python3", "81"}, {cmd, "81"}, nil} {
		if got := ArithmeticAnswer(bad, cmd); got != "" {
			t.Errorf("answer %q from %q", got, bad)
		}
	}
}

func TestEchoed(t *testing.T) {
	cmd := `python3 -c "print(68+1)"`
	for _, c := range []struct {
		screen []string
		cols   int
		want   float64
	}{
		{[]string{"$ " + cmd}, 32, 1},
		{[]string{"$ pyth"}, 32, 4.0 / 24},
		{[]string{"$ pvth"}, 32, 3.0 / 24},
		{[]string{"$ python3 -c \"pr", "int(68+1)\""}, 16, 1},     // wrapped at 16 columns
		{[]string{"$ python3 -c \"print(68+1)\""}, 16, 14.0 / 24}, // not wrapped where it should be
		{nil, 32, 0},
	} {
		if got := Echoed(c.screen, c.cols, cmd); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Echoed(%q, %d) = %.4f, want %.4f", c.screen, c.cols, got, c.want)
		}
	}
}

// TestArithmeticOnAModel runs the probe on an untrained terminal model: it
// plays, renders the bash frame it compares with, and does not pass.
func TestArithmeticOnAModel(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	cfg.Width, cfg.Height = 64, 48
	cfg.Terminal = &model.TerminalConfig{Cols: 8, Rows: 3, CellW: 8, CellH: 16, Theme: "dark"}
	cfg.Dyn.CursorMap = false
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Arithmetic(m, 2, RunOptions{Seed: 1, Film: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Pass || rs[0].Echoed < 0 || rs[0].Echoed >= 1 || rs[0].Steps != len(rs[0].Name)+1+ArithmeticWait || rs[0].Want.Bounds().Dx() != 64 {
		t.Errorf("results %+v", rs[0])
	}
	checkFilmEnd(t, rs[0])
	desktop, _ := model.Preset("tiny")
	m2, _ := model.New(cpu.New(), desktop, 1)
	if _, err := Arithmetic(m2, 1, RunOptions{Seed: 1}); err == nil {
		t.Error("a desktop model was probed as a terminal")
	}
}
