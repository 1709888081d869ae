package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/metrics"
)

// TestPrintEvalEvents: the text report has the event steps' rows (model
// and hold) when eval scored any, in the PSNR and the text tables.
func TestPrintEvalEvents(t *testing.T) {
	text := func(changed float64) *metrics.TextScores {
		return &metrics.TextScores{CharAccuracy: 0.9, LineAccuracy: 0.8, ChangedAccuracy: changed, ChangedCells: 50}
	}
	res := eval.Result{Checkpoint: "t.safetensors", Injection: "internal"}
	r := &res.Report
	r.Reconstruction.Text, r.OneStep.Text, r.Hold.OneStep.Text = text(1), text(0.5), text(0)
	var b bytes.Buffer
	printEval(&b, &res)
	if strings.Contains(b.String(), "events") {
		t.Errorf("events rows without event steps:\n%s", b.String())
	}
	r.Events = eval.Scores{Frames: 3, PSNR: 21.5, Text: text(0.625)}
	r.Hold.Events = eval.Scores{Frames: 3, PSNR: 12.25, Text: text(0)}
	b.Reset()
	printEval(&b, &res)
	out := b.String()
	for _, want := range []string{"events             21.50", "events hold        12.25", "0.625 of 50"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the report:\n%s", want, out)
		}
	}
}
