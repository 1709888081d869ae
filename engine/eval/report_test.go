package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReport(t *testing.T) {
	rate := 0.25
	results := []Result{
		{Checkpoint: "/x/a.safetensors", Injection: "internal", Traces: 2, Frames: 300, SamplerSteps: 1,
			Report: Report{OneStep: Scores{PSNR: 27.5, SSIM: 0.9}, RolloutPSNR: 19.5, Drift: []float64{27, 24, 21}}, ProbeSuccess: &rate},
		{Checkpoint: "b.safetensors", Injection: "external", Report: Report{Drift: []float64{25, 20, 18}}},
	}
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, results, []string{"held/a.nctrace"}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| a.safetensors | internal | 27.50 |", "| b.safetensors | external |", "| 0.25 |", "![Rollout PSNR by step](drift.png)", "`held/a.nctrace`"} {
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
