package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
)

// LastSuffix names the file beside a checkpoint that keeps its latest
// evaluation (CKPT.safetensors.eval.json), for the studio's Library.
const LastSuffix = ".eval.json"

// Last is a checkpoint's latest evaluation.
type Last struct {
	When   time.Time `json:"when"`
	Result Result    `json:"result"`
}

// SaveLast writes res as the latest evaluation of the checkpoint at
// ckptPath (atomically: an interrupted write keeps the previous one).
func SaveLast(ckptPath string, res Result) error {
	return atomicfile.Write(ckptPath+LastSuffix, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(Last{When: time.Now().UTC(), Result: res})
	})
}

// LoadLast reads the latest evaluation of the checkpoint at ckptPath;
// os.ErrNotExist when it was never evaluated.
func LoadLast(ckptPath string) (Last, error) {
	var l Last
	b, err := os.ReadFile(ckptPath + LastSuffix)
	if err != nil {
		return l, err
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return l, fmt.Errorf("%s%s: %v", ckptPath, LastSuffix, err)
	}
	return l, nil
}

// Summary is one line of the scores that matter most: one-step and
// rollout quality, and the cursor (desktops) or the text (terminals).
func (r Result) Summary() string {
	rep := &r.Report
	parts := []string{fmt.Sprintf("one step %.2f dB, SSIM %.3f", rep.OneStep.PSNR, rep.OneStep.SSIM),
		fmt.Sprintf("rollout %.2f dB", rep.RolloutPSNR)}
	if t := rep.OneStep.Text; t != nil {
		parts = append(parts, fmt.Sprintf("characters %.3f, lines %.3f", t.CharAccuracy, t.LineAccuracy))
	} else {
		parts = append(parts, fmt.Sprintf("cursor %.0f%%", 100*rep.OneStep.Cursor.Accuracy))
	}
	if r.ProbeSuccess != nil {
		parts = append(parts, fmt.Sprintf("probes %.0f%%", 100**r.ProbeSuccess))
	}
	return fmt.Sprintf("%s (%d traces, %d frames)", strings.Join(parts, " · "), r.Traces, r.Frames)
}
