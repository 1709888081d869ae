package probe

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/term"
	"github.com/ncstudio/ncstudio/engine/termrec"
)

// ArithmeticWait is how many idle steps the arithmetic probe waits after
// Return for the answer (python3 prints within two frames in the traces).
const ArithmeticWait = 4

// Arithmetic is the terminal probe in the style of the Neural Computers
// paper's Python probe: from a fresh "$ " prompt it types
// python3 -c "print(A+B)" a character per step, presses Return, waits, and
// reads the line under the command off the model's frame. It passes when
// that line is the sum. Want is the frame a real bash would show, rendered
// from its transcript ("$ " + command, the sum, the next prompt). n probes
// with sums drawn from o.Seed; m must be a terminal model. With o.Film the
// film's expected row echoes the command as it is typed and shows Want from
// Return on.
func Arithmetic(m *model.Model, n int, o RunOptions) ([]Result, error) {
	tc := m.Cfg.Terminal
	if tc == nil {
		return nil, fmt.Errorf("probe: the arithmetic probe needs a terminal model; this one learns desktops")
	}
	render, err := termrec.ForModel(tc).Renderer()
	if err != nil {
		return nil, err
	}
	reader := term.NewReader(render.Font)
	screenFrame := func(transcript string) (*image.RGBA, error) {
		s, err := term.NewScreen(tc.Cols, tc.Rows, nil)
		if err != nil {
			return nil, err
		}
		s.Write([]byte(transcript))
		return render.Frame(s.Grid()), nil
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xa717))
	var out []Result
	for range n {
		a, b := rng.IntN(100), rng.IntN(100)
		cmd := fmt.Sprintf(`python3 -c "print(%d+%d)"`, a, b)
		r := Result{Name: cmd}
		if r.Start, err = screenFrame("$ "); err != nil {
			return nil, err
		}
		if r.Want, err = screenFrame(fmt.Sprintf("$ %s\r\n%d\r\n$ ", cmd, a+b)); err != nil {
			return nil, err
		}
		s, err := m.NewSessionHistory([]*image.RGBA{r.Start}, action.Action{}, o.Seed+uint64(len(out)))
		if err != nil {
			return nil, err
		}
		keys, _ := term.ParseInput([]byte(cmd + "\r"))
		steps := make([]action.Action, 0, len(keys)+ArithmeticWait)
		for _, k := range keys {
			steps = append(steps, term.KeysAction([]term.Key{k}))
		}
		steps = append(steps, make([]action.Action, ArithmeticWait)...)
		r.Got = image.NewRGBA(r.Want.Rect)
		if o.Film {
			r.Film = newFilm(len(steps), r.Want.Rect.Dx(), r.Want.Rect.Dy())
		}
		for i, a := range steps {
			s.Step(a)
			r.Steps++
			typed := i == len(keys)-2 // the command typed, Return not yet
			if typed || o.Film {
				s.Frame(r.Got)
			}
			if typed {
				r.Echoed = Echoed(reader.Read(r.Got, tc.Cols, tc.Rows), tc.Cols, cmd)
			}
			if o.Film {
				want := r.Want
				if i < len(cmd) { // the command echoed so far
					if want, err = screenFrame("$ " + cmd[:i+1]); err != nil {
						return nil, err
					}
				}
				putFilm(r.Film, i, want, r.Got)
			}
		}
		s.Frame(r.Got)
		r.Answer = ArithmeticAnswer(reader.Read(r.Got, tc.Cols, tc.Rows), cmd)
		r.Pass = r.Answer == fmt.Sprint(a+b)
		r.ChangedPSNR, _ = metrics.ChangedPSNR(r.Got, r.Want, r.Start)
		out = append(out, r)
	}
	return out, nil
}

// Echoed is the share of cmd's characters that screen shows where a shell
// typed from a bare "$ " prompt at its top left would echo them (wrapping at
// cols): partial credit for a probe whose command was not typed whole.
func Echoed(screen []string, cols int, cmd string) float64 {
	if cmd == "" {
		return 0
	}
	right := 0
	for i, c := range []byte(cmd) {
		x, y := (len("$ ")+i)%cols, (len("$ ")+i)/cols
		if y < len(screen) && x < len(screen[y]) && screen[y][x] == c {
			right++
		}
	}
	return float64(right) / float64(len(cmd))
}

// ArithmeticAnswer is the line under the (last) line showing cmd, "" when
// no line shows it. Long commands wrap, so the command is looked for with
// the screen's rows joined.
func ArithmeticAnswer(screen []string, cmd string) string {
	for y := len(screen) - 1; y >= 0; y-- {
		// The command may wrap over several rows ending at row y.
		var joined string
		for top := y; top >= 0; top-- {
			joined = screen[top] + joined
			if strings.HasSuffix(joined, cmd) && strings.HasPrefix(joined, "$ ") {
				if y+1 < len(screen) {
					return strings.TrimSpace(screen[y+1])
				}
				return ""
			}
			if len(joined) > len(cmd)+2 {
				break
			}
		}
	}
	return ""
}
