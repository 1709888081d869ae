package main

import (
	"fmt"
	"image"
	"image/draw"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/probe"
	"github.com/ncstudio/ncstudio/engine/sandbox"
)

func init() {
	register(&command{
		name:    "probe",
		usage:   "[--ckpt CKPT] [--spec FILE] [--out DIR] [--json]",
		summary: "check behaviours of a neural computer against the sandbox (open icons, drag, type, compute, menu, close)",
		run:     runProbe,
	})
}

// probeReport is the --json form of `probe`.
type probeReport struct {
	Checkpoint string         `json:"checkpoint"`
	Spec       string         `json:"spec"`
	Success    float64        `json:"success"`
	Echoed     float64        `json:"echoed,omitempty"` // terminal: mean share of the command drawn right
	Results    []probe.Result `json:"results"`
}

func runProbe(c *context) error {
	ckptPath := c.Flags.String("ckpt", "default", ckptHelp)
	specFile := c.Flags.String("spec", "", "desktop spec the probes come from (default: the built-in desktop)")
	out := c.Flags.String("out", "", "write each probe's start | sandbox | model frames, and its film (sandbox above model, a column per step), as PNGs into this directory")
	seed := c.Flags.Uint64("seed", 1, "sampler seed")
	if _, err := c.Parse(); err != nil {
		return err
	}
	spec, err := loadSpec(*specFile)
	if err != nil {
		return err
	}
	m, _, err := loadModel(*ckptPath)
	if err != nil {
		return err
	}
	results, suite, err := runProbes(m, spec, probe.RunOptions{Seed: *seed, Film: *out != ""})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeProbeImages(*out, results); err != nil {
			return err
		}
	}
	rep := probeReport{Checkpoint: *ckptPath, Spec: suite, Success: probe.SuccessRate(results), Echoed: probe.MeanEchoed(results), Results: results}
	return c.Emit(rep, func(w io.Writer) {
		for _, r := range results {
			mark := "FAIL"
			if r.Pass {
				mark = "pass"
			}
			if m.Cfg.Terminal != nil {
				fmt.Fprintf(w, "%s  %-30s echoed %3.0f%%  read %-8q changed PSNR %5.1f dB (%d steps)\n", mark, r.Name, 100*r.Echoed, r.Answer, r.ChangedPSNR, r.Steps)
				continue
			}
			fmt.Fprintf(w, "%s  %-22s changed PSNR %5.1f dB, distance ratio %.2f (%d steps)\n", mark, r.Name, r.ChangedPSNR, r.Ratio, r.Steps)
		}
		fmt.Fprintf(w, "success %.2f (%d probes of %s)\n", rep.Success, len(results), suite)
		if m.Cfg.Terminal != nil {
			fmt.Fprintf(w, "commands echoed: %.2f of their characters drawn right before Return\n", rep.Echoed)
		}
	})
}

// arithmeticProbes is how many sums the terminal probe asks.
const arithmeticProbes = 12

// runProbes runs the probes that fit the model: the desktop probes of spec,
// or the arithmetic probe for a terminal model. suite names them.
func runProbes(m *model.Model, spec *sandbox.Spec, o probe.RunOptions) (rs []probe.Result, suite string, err error) {
	if m.Cfg.Terminal != nil {
		rs, err = probe.Arithmetic(m, arithmeticProbes, o)
		return rs, "the terminal arithmetic probe", err
	}
	rs, err = probe.Run(m, spec, probe.Standard(spec), o)
	return rs, fmt.Sprintf("desktop %q", spec.Name), err
}

// fileSafe turns a probe's name into a file name part: letters, digits
// and + . _ kept, every other run of characters one "-" (a terminal
// probe's name is a shell command, quotes and parentheses included).
func fileSafe(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("+._", r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// writeProbeImages saves start | expected | model side by side per probe,
// and its film (expected above model, a column per step) when it has one.
func writeProbeImages(dir string, results []probe.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, r := range results {
		b := r.Start.Rect
		img := image.NewRGBA(image.Rect(0, 0, 3*b.Dx(), b.Dy()))
		for k, f := range []*image.RGBA{r.Start, r.Want, r.Got} {
			draw.Draw(img, b.Add(image.Pt(k*b.Dx(), 0)), f, b.Min, draw.Src)
		}
		name := fmt.Sprintf("%02d-%s", i, fileSafe(r.Name))
		if err := atomicfile.WritePNG(filepath.Join(dir, name+".png"), img); err != nil {
			return err
		}
		if r.Film != nil {
			if err := atomicfile.WritePNG(filepath.Join(dir, name+"-steps.png"), r.Film); err != nil {
				return err
			}
		}
	}
	return nil
}
