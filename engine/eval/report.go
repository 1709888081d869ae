package eval

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
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
	// ProbeSuccess is the share of the standard probes passed, when run.
	ProbeSuccess *float64 `json:"probe_success,omitempty"`
}

// DriftChart draws each result's rollout PSNR by step, one line each.
func DriftChart(results []Result, w, h int) *image.RGBA {
	chart := plot.Chart{Title: "rollout PSNR (dB) by step, true actions", XLabel: "step"}
	for i, r := range results {
		s := plot.Series{Name: filepath.Base(r.Checkpoint), Color: plot.Palette[i%len(plot.Palette)]}
		for j, v := range r.Report.Drift {
			s.X, s.Y = append(s.X, float64(j+1)), append(s.Y, v)
		}
		chart.Series = append(chart.Series, s)
	}
	return chart.Draw(w, h)
}

// MarkdownTable writes one row per result: desktop models with PSNR and
// cursor columns, terminal models (whose scores read frames as text) with
// character, line and changed-cell accuracy, each kind in a table of its own.
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
		fmt.Fprintln(w, "| checkpoint | injection | 1-step PSNR | SSIM | changed PSNR | cursor acc. | cursor Δr (px) | rollout PSNR (32) | probes |")
		fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, r := range desktop {
			o := r.Report.OneStep
			fmt.Fprintf(w, "| %s | %s | %.2f | %.4f | %.2f | %.3f | %.1f | %.2f | %s |\n", filepath.Base(r.Checkpoint), r.Injection,
				o.PSNR, o.SSIM, o.ChangedPSNR, o.Cursor.Accuracy, o.Cursor.DR, r.Report.RolloutPSNR, probeCell(r))
		}
	}
	if len(terminal) > 0 {
		if len(desktop) > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "| checkpoint | 1-step chars | lines | changed cells | 1-step PSNR | rollout chars | lines | changed cells | rollout PSNR (32) | probe |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, r := range terminal {
			o, roll := r.Report.OneStep.Text, r.Report.RolloutText
			if roll == nil {
				roll = &metrics.TextScores{}
			}
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f | %.2f | %.3f | %.3f | %.3f | %.2f | %s |\n", filepath.Base(r.Checkpoint),
				o.CharAccuracy, o.LineAccuracy, o.ChangedAccuracy, r.Report.OneStep.PSNR,
				roll.CharAccuracy, roll.LineAccuracy, roll.ChangedAccuracy, r.Report.RolloutPSNR, probeCell(r))
		}
	}
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
	if err := atomicfile.Write(filepath.Join(dir, "drift.png"), func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
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
	b.WriteString("\nOne-step scores predict each frame from the true frames before it; the rollout runs free from one true frame, driven by the true actions.\n\n")
	b.WriteString("![Rollout PSNR by step](drift.png)\n")
	for _, r := range results {
		fmt.Fprintf(&b, "\n## %s\n\n%d traces, %d frames; sampler %d step(s), context noise %g. Reconstruction %.2f dB; one step %.2f dB, SSIM %.4f; ",
			filepath.Base(r.Checkpoint), r.Traces, r.Frames, r.SamplerSteps, r.ContextNoise, r.Report.Reconstruction.PSNR,
			r.Report.OneStep.PSNR, r.Report.OneStep.SSIM)
		if t := r.Report.Reconstruction.Text; t != nil {
			fmt.Fprintf(&b, "the autoencoder alone reads back %.3f of characters (the ceiling).\n", t.CharAccuracy)
		} else {
			fmt.Fprintf(&b, "cursor within 4 px in %.1f%% of frames.\n", 100*r.Report.OneStep.Cursor.Accuracy)
		}
	}
	return atomicfile.Write(filepath.Join(dir, "report.md"), func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
}
