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

// MarkdownTable writes one row per result.
func MarkdownTable(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| checkpoint | injection | 1-step PSNR | SSIM | changed PSNR | cursor acc. | cursor Δr (px) | rollout PSNR (32) | probes |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		o := r.Report.OneStep
		probes := "–"
		if r.ProbeSuccess != nil {
			probes = fmt.Sprintf("%.2f", *r.ProbeSuccess)
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %.4f | %.2f | %.3f | %.1f | %.2f | %s |\n", filepath.Base(r.Checkpoint), r.Injection,
			o.PSNR, o.SSIM, o.ChangedPSNR, o.Cursor.Accuracy, o.Cursor.DR, r.Report.RolloutPSNR, probes)
	}
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
		fmt.Fprintf(&b, "\n## %s\n\n%d traces, %d frames; sampler %d step(s), context noise %g. Reconstruction %.2f dB; one step %.2f dB, SSIM %.4f; cursor within 4 px in %.1f%% of frames.\n",
			filepath.Base(r.Checkpoint), r.Traces, r.Frames, r.SamplerSteps, r.ContextNoise, r.Report.Reconstruction.PSNR,
			r.Report.OneStep.PSNR, r.Report.OneStep.SSIM, 100*r.Report.OneStep.Cursor.Accuracy)
	}
	return atomicfile.Write(filepath.Join(dir, "report.md"), func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
}
