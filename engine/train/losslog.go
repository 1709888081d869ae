package train

import (
	"bufio"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/plot"
)

// The loss log is a CSV file next to the checkpoint (CKPT.losses.csv):
// a header "stage,step,loss,elapsed_s" and one line per training step,
// appended as training runs. A resumed run appends the steps it redoes
// again; the last line of a stage and step counts.

// LossLogHeader is the log's first line.
const LossLogHeader = "stage,step,loss,elapsed_s"

// LossLine formats one step for the log.
func LossLine(p Progress) string {
	return fmt.Sprintf("%s,%d,%.6g,%.3f", p.Stage, p.Step, p.Loss, p.Elapsed.Seconds())
}

// Curve is one stage's losses by step.
type Curve struct {
	Stage string
	Steps []int
	Loss  []float64
}

// ReadLossLog parses a loss log into one curve per stage, in the order the
// stages first appear. name is used in errors, which give the line.
func ReadLossLog(name string, r io.Reader) ([]Curve, error) {
	sc := bufio.NewScanner(r)
	byStage := map[string]map[int]float64{}
	var order []string
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			if line != LossLogHeader {
				return nil, fmt.Errorf("%s:1: header %q, want %q", name, line, LossLogHeader)
			}
			continue
		}
		if line == "" {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 4", name, n, len(f))
		}
		step, err := strconv.Atoi(f[1])
		if err != nil || step < 0 {
			return nil, fmt.Errorf("%s:%d: step %q is not a count", name, n, f[1])
		}
		loss, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: loss %q is not a number", name, n, f[2])
		}
		if byStage[f[0]] == nil {
			byStage[f[0]] = map[int]float64{}
			order = append(order, f[0])
		}
		byStage[f[0]][step] = loss
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var out []Curve
	for _, stage := range order {
		c := Curve{Stage: stage}
		for s := range byStage[stage] {
			c.Steps = append(c.Steps, s)
		}
		sort.Ints(c.Steps)
		for _, s := range c.Steps {
			c.Loss = append(c.Loss, byStage[stage][s])
		}
		out = append(out, c)
	}
	return out, nil
}

// PlotLosses draws the curves on a log scale, each smoothed by a running
// mean over about 2% of its steps (the raw per-batch losses are noisy).
func PlotLosses(curves []Curve, w, h int) *image.RGBA {
	c := plot.Chart{Title: "training loss (running mean)", XLabel: "step", YLabel: "", LogY: true}
	for i, cv := range curves {
		win := max(1, len(cv.Loss)/50)
		s := plot.Series{Name: cv.Stage, Color: plot.Palette[i%len(plot.Palette)]}
		sum := 0.0
		for j, v := range cv.Loss {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			sum += v
			if j >= win {
				sum -= cv.Loss[j-win]
			}
			s.X = append(s.X, float64(cv.Steps[j]))
			s.Y = append(s.Y, sum/float64(min(j+1, win)))
		}
		c.Series = append(c.Series, s)
	}
	return c.Draw(w, h)
}

// LossLog appends a run's steps to CKPT.losses.csv and redraws
// CKPT.losses.png whenever a checkpoint is written. The CLI and the studio
// both keep their runs' logs with it.
type LossLog struct {
	ckpt string
	f    *os.File
}

// OpenLossLog opens (or starts, with its header) the log of a checkpoint.
func OpenLossLog(ckptPath string) (*LossLog, error) {
	f, err := os.OpenFile(ckptPath+".losses.csv", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		fmt.Fprintln(f, LossLogHeader)
	}
	return &LossLog{ckpt: ckptPath, f: f}, nil
}

// Record logs a step (the latent-encoding stage has no loss and is not
// logged) and, after a checkpoint, redraws the plot.
func (l *LossLog) Record(p Progress) error {
	if p.Stage != "latents" {
		if _, err := fmt.Fprintln(l.f, LossLine(p)); err != nil {
			return err
		}
	}
	if p.Checkpoint != "" {
		return l.Plot()
	}
	return nil
}

// Plot draws the log into CKPT.losses.png.
func (l *LossLog) Plot() error {
	name := l.ckpt + ".losses.csv"
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	curves, err := ReadLossLog(name, f)
	if err != nil {
		return err
	}
	img := PlotLosses(curves, 720, 360)
	return atomicfile.WritePNG(l.ckpt+".losses.png", img)
}

func (l *LossLog) Close() error { return l.f.Close() }
