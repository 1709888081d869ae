package eval

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/plot"
)

// Result is one checkpoint's evaluation as `ncstudio eval --json` prints
// it and the studio's Evaluate page shows it.
type Result struct {
	Checkpoint string `json:"checkpoint"`
	Injection  string `json:"injection"`
	Traces     int    `json:"traces"`
	Frames     int    `json:"frames"`
	Report     Report `json:"report"`
	// The sampler the rollouts and one-step predictions used.
	SamplerSteps int     `json:"sampler_steps"`
	ContextNoise float32 `json:"context_noise"`
	Hold         float32 `json:"hold,omitempty"`
	HoldTokens   bool    `json:"hold_tokens,omitempty"`
	// ProbeSuccess is the share of the standard probes passed, when run.
	ProbeSuccess *float64 `json:"probe_success,omitempty"`
}

// holdGrey draws the hold baseline in charts.
var holdGrey = color.RGBA{150, 150, 150, 255}

// holdColor is the colour of a hold baseline: grey when it is the only
// one, else its checkpoint's colour faded halfway to grey, so that each
// line can be told from the others and matched to its checkpoint.
func holdColor(c color.RGBA, n int) color.RGBA {
	if n == 1 {
		return holdGrey
	}
	mix := func(a, b uint8) uint8 { return uint8((int(a) + int(b)) / 2) }
	return color.RGBA{mix(c.R, holdGrey.R), mix(c.G, holdGrey.G), mix(c.B, holdGrey.B), 255}
}

// DriftChart draws each result's rollout PSNR by step, one line each, and
// the hold baseline (once per distinct baseline) in grey, or in faded
// colours of the checkpoints when there are several.
func DriftChart(results []Result, w, h int) *image.RGBA {
	chart := plot.Chart{Title: "rollout PSNR (dB) by step, true actions", XLabel: "step"}
	curve := func(name string, c color.RGBA, drift []float64) {
		s := plot.Series{Name: name, Color: c}
		for j, v := range drift {
			s.X, s.Y = append(s.X, float64(j+1)), append(s.Y, v)
		}
		chart.Series = append(chart.Series, s)
	}
	for i, r := range results {
		curve(filepath.Base(r.Checkpoint), plot.Palette[i%len(plot.Palette)], r.Report.Drift)
	}
	holds := distinctHolds(results)
	for _, i := range holds {
		if drift := results[i].Report.Hold.Drift; len(drift) > 0 {
			curve(holdName(results[i], len(holds)), holdColor(plot.Palette[i%len(plot.Palette)], len(holds)), drift)
		}
	}
	return chart.Draw(w, h)
}

// distinctHolds are the indexes of the results whose hold baseline differs
// from every earlier one's (results on the same traces with the same
// autoencoder share one); results saved before baselines existed have none.
func distinctHolds(results []Result) []int {
	var idx []int
	for i, r := range results {
		if r.Report.Hold.OneStep.Frames > 0 && !slices.ContainsFunc(idx, func(j int) bool { return sameHold(results[j].Report.Hold, r.Report.Hold) }) {
			idx = append(idx, i)
		}
	}
	return idx
}

// sameHold: two baselines that agree to the printed precision are one (an
// autoencoder and its half-float copy differ in the fifth digit).
func sameHold(a, b Baseline) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 0.005 }
	return near(a.OneStep.PSNR, b.OneStep.PSNR) && near(a.RolloutPSNR, b.RolloutPSNR) && slices.EqualFunc(a.Drift, b.Drift, near)
}

// holdName labels r's baseline, one of n distinct ones: plain when it is
// the only one, else after the checkpoint it came with.
func holdName(r Result, n int) string {
	if n == 1 {
		return "hold last frame (baseline)"
	}
	return "hold last frame, " + filepath.Base(r.Checkpoint)
}

// MarkdownTable writes one row per result: desktop models with PSNR and
// cursor columns, terminal models (whose scores read frames as text) with
// character, line and changed-cell accuracy, each kind in a table of its own,
// with the hold baselines' rows in italics after the checkpoints'.
func MarkdownTable(w io.Writer, results []Result) {
	var desktop, terminal []Result
	for _, r := range results {
		if r.Report.OneStep.Text != nil {
			terminal = append(terminal, r)
		} else {
			desktop = append(desktop, r)
		}
	}
	if len(desktop) > 0 {
		fmt.Fprintf(w, "| checkpoint | injection | 1-step PSNR | SSIM | changed PSNR | events: changed PSNR | cursor acc. | cursor Δr (px) | rollout PSNR (32) | %s | probes |\n", idleHeader(desktop))
		fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		row := func(name, injection string, o, events Scores, rollout, idle, probes string) {
			fmt.Fprintf(w, "| %s | %s | %.2f | %.4f | %.2f | %s | %.3f | %.1f | %s | %s | %s |\n", name, injection,
				o.PSNR, o.SSIM, o.ChangedPSNR, eventCell(events, "%.2f", events.ChangedPSNR), o.Cursor.Accuracy, o.Cursor.DR, rollout, idle, probes)
		}
		for _, r := range desktop {
			row(filepath.Base(r.Checkpoint), r.Injection, r.Report.OneStep, r.Report.Events, rolloutCell(r.Report.Drift, r.Report.RolloutPSNR), idleCell(r.Report), probeCell(r))
		}
		holds := distinctHolds(desktop)
		for _, i := range holds {
			hold := desktop[i].Report.Hold
			row("*"+holdName(desktop[i], len(holds))+"*", "", hold.OneStep, hold.Events, rolloutCell(hold.Drift, hold.RolloutPSNR), "–", "–")
		}
	}
	if len(terminal) > 0 {
		if len(desktop) > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "| checkpoint | 1-step chars | lines | changed cells | events: changed cells | 1-step PSNR | rollout chars | lines | changed cells | rollout PSNR (32) | %s | probe |\n", idleHeader(terminal))
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		row := func(name string, one, events Scores, roll *metrics.TextScores, drift []float64, rollout float64, idle, probe string) {
			o := one.Text
			ev := 0.0
			if events.Text != nil {
				ev = events.Text.ChangedAccuracy
			}
			rolled := "– | – | – | –"
			if roll != nil && len(drift) > 0 {
				rolled = fmt.Sprintf("%.3f | %.3f | %.3f | %.2f", roll.CharAccuracy, roll.LineAccuracy, roll.ChangedAccuracy, rollout)
			}
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f | %s | %.2f | %s | %s | %s |\n", name,
				o.CharAccuracy, o.LineAccuracy, o.ChangedAccuracy, eventCell(events, "%.3f", ev), one.PSNR, rolled, idle, probe)
		}
		for _, r := range terminal {
			row(filepath.Base(r.Checkpoint), r.Report.OneStep, r.Report.Events, r.Report.RolloutText, r.Report.Drift, r.Report.RolloutPSNR, idleCell(r.Report), probeCell(r))
		}
		holds := distinctHolds(terminal)
		for _, i := range holds {
			hold := terminal[i].Report.Hold
			if hold.OneStep.Text != nil {
				row("*"+holdName(terminal[i], len(holds))+"*", hold.OneStep, hold.Events, hold.RolloutText, hold.Drift, hold.RolloutPSNR, "–", "–")
			}
		}
	}
}

// eventCell formats v, a score of the event windows, or "–" when none
// were scored (no --events, or traces without events).
func eventCell(events Scores, format string, v float64) string {
	if events.Frames == 0 {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

// rolloutCell formats a rollout PSNR, or "–" when no rollouts ran.
func rolloutCell(drift []float64, psnr float64) string {
	if len(drift) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", psnr)
}

// idleHeader names the idle column after the results' idle steps (the
// first result's that ran any).
func idleHeader(results []Result) string {
	for _, r := range results {
		if n := len(r.Report.Idle); n > 0 {
			return fmt.Sprintf("idle PSNR (%d)", n)
		}
	}
	return "idle PSNR"
}

// idleCell is the PSNR to the start frame at the end of the idle runs, "–"
// when none ran.
func idleCell(r Report) string {
	if len(r.Idle) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", r.IdlePSNR)
}

// probeCell is a result's probe success for a table, "–" when not run.
func probeCell(r Result) string {
	if r.ProbeSuccess == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *r.ProbeSuccess)
}

// WriteReport writes dir/report.md (what was evaluated on which traces, the
// table, the drift plot) and dir/drift.png. dir must not exist yet.
func WriteReport(dir string, results []Result, traces []string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s exists: choose another name", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	img := DriftChart(results, 720, 360)
	if err := atomicfile.WritePNG(filepath.Join(dir, "drift.png"), img); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Evaluation, %s\n\n", time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "Held-out traces (%d):\n\n", len(traces))
	for _, t := range traces {
		fmt.Fprintf(&b, "- `%s`\n", t)
	}
	b.WriteString("\n")
	MarkdownTable(&b, results)
	b.WriteString("\nOne-step scores predict each frame from the true frames before it; the rollout runs free from one true frame, driven by the true actions. The rows in italics (grey in the plot) are the baseline that holds the last true frame through the model's autoencoder: a model has to beat it to be worth playing.\n\n")
	b.WriteString("![Rollout PSNR by step](drift.png)\n")
	for _, r := range results {
		fmt.Fprintf(&b, "\n## %s\n\n%d traces, %d frames; sampler %d step(s), context noise %g, hold %g. Reconstruction %.2f dB; one step %.2f dB, SSIM %.4f; ",
			filepath.Base(r.Checkpoint), r.Traces, r.Frames, r.SamplerSteps, r.ContextNoise, r.Hold, r.Report.Reconstruction.PSNR,
			r.Report.OneStep.PSNR, r.Report.OneStep.SSIM)
		if t := r.Report.Reconstruction.Text; t != nil {
			fmt.Fprintf(&b, "the autoencoder alone reads back %.3f of characters (the ceiling).\n", t.CharAccuracy)
		} else {
			fmt.Fprintf(&b, "cursor within 4 px in %.1f%% of frames.\n", 100*r.Report.OneStep.Cursor.Accuracy)
		}
	}
	return atomicfile.Write(filepath.Join(dir, "report.md"), func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
}
