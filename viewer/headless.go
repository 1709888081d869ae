package viewer

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/metrics"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/termrec"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/viewer/decode"
	"github.com/ncstudio/ncstudio/viewer/glctx"
)

// HeadlessOptions configure Headless.
type HeadlessOptions struct {
	Out         string // directory to create
	Seed        uint64
	SampleSteps int      // 0: the model's default
	Sessions    Sessions // steps the model; nil: in this process (LocalSessions)
	// Progress, when set, is called after each step.
	Progress func(done, total int)
}

// HeadlessReport is what a headless replay measured; it is also written
// to report.json in the output directory.
type HeadlessReport struct {
	Checkpoint string     `json:"checkpoint,omitempty"`
	GL         glctx.Info `json:"gl"`
	Steps      int        `json:"steps"`
	StepMs     float64    `json:"step_ms"`   // mean Session.Step
	DecodeMs   float64    `json:"decode_ms"` // mean shader decode + readback
	// Cursor compares where the model drew its cursor (detected in each
	// frame) with where the actions put the mouse, over the frames where
	// the cursor is on screen.
	Cursor metrics.CursorError `json:"cursor"`
	// SandboxPSNR is the mean PSNR of the neural frames against the
	// sandbox's frames after the same actions.
	SandboxPSNR float64      `json:"sandbox_psnr"`
	PerStep     []StepRecord `json:"per_step"`
}

// StepRecord is one step of a headless replay.
type StepRecord struct {
	Step        int     `json:"step"`
	X           int     `json:"x"`
	Y           int     `json:"y"`
	DetectedX   int     `json:"detected_x"`
	DetectedY   int     `json:"detected_y"`
	SandboxPSNR float64 `json:"sandbox_psnr"`
}

// Headless replays actions on a session of m that starts from the
// sandbox's first frame of spec, decoding every step with the shader
// decoder in a headless GL context. It writes into o.Out (which must not
// exist or be empty): frames/NNNNNN.png, the rollout as a trace
// (rollout/), rollout.gif with the cursor path drawn, and report.json.
func Headless(m *model.Model, spec *sandbox.Spec, actions []action.Action, o HeadlessOptions) (HeadlessReport, error) {
	var rep HeadlessReport
	if err := makeEmptyDir(o.Out); err != nil {
		return rep, err
	}
	r, err := NewRunner(m, spec, o.Seed, o.Sessions)
	if err != nil {
		return rep, err
	}
	defer r.Close()
	r.SetSampleSteps(o.SampleSteps)
	gl, err := glctx.NewHeadless()
	if err != nil {
		return rep, err
	}
	defer gl.Close()
	rep.GL = gl.Info
	var dec *decode.Decoder
	if err := gl.Do(func() (err error) { dec, err = decode.New(m); return err }); err != nil {
		return rep, err
	}
	defer gl.Do(func() error { dec.Delete(); return nil })

	w, h := m.Cfg.Width, m.Cfg.Height
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	decodeTo := func(s Snapshot) (time.Duration, error) {
		start := time.Now()
		err := gl.Do(func() error { return dec.DecodeImage(s.Latent, frame) })
		return time.Since(start), err
	}
	tw, err := createRollout(filepath.Join(o.Out, "rollout"), m, "ncstudio play --headless", o.Seed)
	if err != nil {
		return rep, err
	}
	defer tw.Close()
	if err := os.Mkdir(filepath.Join(o.Out, "frames"), 0o755); err != nil {
		return rep, err
	}
	det := eval.CursorDetector()
	var stepTime, decodeTime time.Duration
	var psnrSum float64
	s := r.Latest()
	if _, err := decodeTo(s); err != nil {
		return rep, err
	}
	for i, a := range actions {
		// The trace pairs each frame with the action that follows it.
		if err := tw.Append(frame, a); err != nil {
			return rep, err
		}
		s = r.StepWith(a)
		stepTime += time.Duration(s.StepMs * float64(time.Millisecond))
		took, err := decodeTo(s)
		if err != nil {
			return rep, err
		}
		decodeTime += took
		if err := writePNG(filepath.Join(o.Out, "frames", fmt.Sprintf("%06d.png", i+1)), frame); err != nil {
			return rep, err
		}
		dx, dy, _ := det.Find(frame)
		rec := StepRecord{Step: i + 1, X: s.Action.X, Y: s.Action.Y, DetectedX: dx, DetectedY: dy,
			SandboxPSNR: metrics.PSNR(frame, s.Sandbox)}
		if det.Visible(rec.X, rec.Y, w, h) {
			rep.Cursor.Add(dx, dy, rec.X, rec.Y)
		}
		psnrSum += min(rec.SandboxPSNR, 100)
		rep.PerStep = append(rep.PerStep, rec)
		if o.Progress != nil {
			o.Progress(i+1, len(actions))
		}
	}
	if err := tw.Append(frame, s.Action); err != nil { // the last frame, with the action that made it repeated
		return rep, err
	}
	if err := tw.Close(); err != nil {
		return rep, err
	}
	rep.Steps = len(actions)
	rep.StepMs = stepTime.Seconds() * 1000 / float64(rep.Steps)
	rep.DecodeMs = decodeTime.Seconds() * 1000 / float64(rep.Steps)
	rep.SandboxPSNR = psnrSum / float64(rep.Steps)
	if err := writeGIF(filepath.Join(o.Out, "rollout"), filepath.Join(o.Out, "rollout.gif")); err != nil {
		return rep, err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return rep, err
	}
	return rep, atomicfile.Write(filepath.Join(o.Out, "report.json"), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// makeEmptyDir creates dir, or accepts it when it exists and is empty:
// a replay never mixes its files with others.
func makeEmptyDir(dir string) error {
	if dir == "" {
		return errors.New("play: no output directory given")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return fmt.Errorf("play: %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("play: %s exists and is not empty; choose a new --out", dir)
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// createRollout starts a trace of a model's frames (a cli trace with its
// terminal's tags for a terminal model).
func createRollout(dir string, m *model.Model, source string, seed uint64) (*trace.Writer, error) {
	meta := trace.Meta{Kind: m.Cfg.TraceKind(), Width: m.Cfg.Width, Height: m.Cfg.Height, FPS: m.Cfg.FPS,
		Source: source, Tags: map[string]string{"seed": fmt.Sprint(seed)}}
	if tc := m.Cfg.Terminal; tc != nil {
		maps.Copy(meta.Tags, termrec.Tags(termrec.ForModel(tc)))
	}
	return trace.Create(dir, meta)
}

// writeGIF exports a trace as a GIF at twice its size, with the cursor path.
func writeGIF(traceDir, path string) error {
	tr, err := trace.Open(traceDir)
	if err != nil {
		return err
	}
	defer tr.Close()
	return atomicfile.Write(path, func(w io.Writer) error {
		return trace.ExportGIF(tr, w, trace.ExportOptions{Scale: 2})
	})
}
