package eval

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/plot"
)

func TestWriteReport(t *testing.T) {
	rate := 0.25
	results := []Result{
		{Checkpoint: "/x/a.safetensors", Injection: "internal", Traces: 2, Frames: 300, SamplerSteps: 1,
			Report: Report{OneStep: Scores{PSNR: 27.5, SSIM: 0.9}, Events: Scores{Frames: 5, ChangedPSNR: 12.3}, RolloutPSNR: 19.5, Drift: []float64{27, 24, 21},
				Idle: []float64{28, 25}, IdlePSNR: 25}, ProbeSuccess: &rate},
		{Checkpoint: "b.safetensors", Injection: "external", Report: Report{Drift: []float64{25, 20, 18}}},
		{Checkpoint: "term.safetensors", Injection: "internal", Report: Report{Reconstruction: Scores{Text: &metrics.TextScores{CharAccuracy: 0.999}}, OneStep: Scores{PSNR: 33.1, Text: &metrics.TextScores{CharAccuracy: 0.908, LineAccuracy: 0.885, ChangedAccuracy: 0.266}},
			RolloutText: &metrics.TextScores{CharAccuracy: 0.47, LineAccuracy: 0.336, ChangedAccuracy: 0.393}, RolloutPSNR: 24.2, Drift: []float64{30, 25}}},
	}
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, results, []string{"held/a.nctrace"}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| a.safetensors | internal | 27.50 | 0.9000 | 0.00 | 12.30 |", "| b.safetensors | external |", "| 19.50 | 25.00 | 0.25 |", "| idle PSNR (2) |",
		"| rollout chars |", "| term.safetensors | 0.908 | 0.885 | 0.266 | – | 33.10 | 0.470 | 0.336 | 0.393 | 24.20 | – | – |",
		"reads back 0.999 of characters", "cursor within 4 px in 0.0% of frames", "![Rollout PSNR by step](drift.png)", "`held/a.nctrace`"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "drift.png")); err != nil || st.Size() < 1000 {
		t.Errorf("drift.png: %v", err)
	}
	if err := WriteReport(dir, results, nil); err == nil {
		t.Error("a second report into the same folder was written")
	}
}

// TestHoldRows: each distinct hold baseline gets one italic row, named
// after its checkpoint only when there are several; results without one
// (saved before baselines existed) get none.
func TestHoldRows(t *testing.T) {
	hold := func(psnr float64) Baseline {
		return Baseline{OneStep: Scores{Frames: 10, PSNR: psnr}, Drift: []float64{psnr, psnr - 1}, RolloutPSNR: psnr - 0.5}
	}
	same := []Result{
		{Checkpoint: "a.safetensors", Report: Report{Hold: hold(20)}},
		{Checkpoint: "b.safetensors", Report: Report{Hold: hold(20)}},
		{Checkpoint: "old.safetensors"},
	}
	var b strings.Builder
	MarkdownTable(&b, same)
	if got := strings.Count(b.String(), "hold last frame"); got != 1 || !strings.Contains(b.String(), "| *hold last frame (baseline)* |  | 20.00 |") {
		t.Errorf("one shared baseline gives %d rows:\n%s", got, b.String())
	}
	b.Reset()
	same[1].Report.Hold = hold(20.001) // the same autoencoder in half floats
	MarkdownTable(&b, same)
	if got := strings.Count(b.String(), "hold last frame"); got != 1 {
		t.Errorf("baselines equal to the printed precision give %d rows:\n%s", got, b.String())
	}
	b.Reset()
	same[1].Report.Hold = hold(22)
	MarkdownTable(&b, same)
	for _, want := range []string{"| *hold last frame, a.safetensors* |  | 20.00 |", "| *hold last frame, b.safetensors* |  | 22.00 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("two baselines: no %q in\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "old.safetensors*") {
		t.Errorf("a result without a baseline got a row:\n%s", b.String())
	}
	// Scores that were not measured (no events, no rollouts, no probes)
	// read as dashes, not zeros.
	if !strings.Contains(b.String(), "| old.safetensors |  | 0.00 | 0.0000 | 0.00 | – | 0.000 | 0.0 | – | – | – |") {
		t.Errorf("unmeasured scores are not dashes:\n%s", b.String())
	}
}

// TestDriftChartHoldColors: one hold baseline is drawn grey; several are
// drawn in their checkpoints' colours faded towards grey, each its own.
func TestDriftChartHoldColors(t *testing.T) {
	hold := func(psnr float64) Baseline {
		return Baseline{OneStep: Scores{Frames: 10, PSNR: psnr}, Drift: []float64{psnr, psnr - 3, psnr - 4}}
	}
	results := []Result{
		{Checkpoint: "a.safetensors", Report: Report{Drift: []float64{30, 28, 27}, Hold: hold(20)}},
		{Checkpoint: "b.safetensors", Report: Report{Drift: []float64{29, 26, 25}, Hold: hold(24)}},
	}
	has := func(img *image.RGBA, c color.RGBA) bool {
		for i := 0; i < len(img.Pix); i += 4 {
			if img.Pix[i] == c.R && img.Pix[i+1] == c.G && img.Pix[i+2] == c.B {
				return true
			}
		}
		return false
	}
	two := DriftChart(results, 720, 360)
	a, b := holdColor(plot.Palette[0], 2), holdColor(plot.Palette[1], 2)
	if a == b || a == holdGrey || !has(two, a) || !has(two, b) {
		t.Errorf("two baselines: colours %v and %v, drawn %v and %v", a, b, has(two, a), has(two, b))
	}
	results[1].Report.Hold = results[0].Report.Hold
	if one := DriftChart(results, 720, 360); !has(one, holdGrey) || has(one, a) {
		t.Error("one shared baseline is not drawn grey")
	}
}
