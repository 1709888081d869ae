package guiworld

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/importer/video"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Imported is one video of a GUIWorld directory made into a trace.
type Imported struct {
	Name   string `json:"name"`
	Trace  string `json:"trace"`
	Frames int    `json:"frames"`
	// Rows and VideoFrames differ when the log and the video do not cover
	// the same time; the trace has the shorter.
	Rows        int `json:"rows"`
	VideoFrames int `json:"video_frames"`
}

// ImportDir makes a trace in outDir of every videos/NAME.mp4 of dir with
// its actions/NAME.csv, frames scaled to width x height (0: the video's
// size); positions are scaled alike.
func ImportDir(dir, outDir string, width, height int) ([]Imported, error) {
	videos, err := filepath.Glob(filepath.Join(dir, "videos", "*.mp4"))
	if err != nil {
		return nil, err
	}
	if len(videos) == 0 {
		return nil, fmt.Errorf("%s: no videos/*.mp4 (the GUIWorld layout: videos/NAME.mp4 with actions/NAME.csv)", dir)
	}
	var out []Imported
	for _, v := range videos {
		name := strings.TrimSuffix(filepath.Base(v), ".mp4")
		im, err := importVideo(v, filepath.Join(dir, "actions", name+".csv"), filepath.Join(outDir, name+".nctrace"), width, height)
		if err != nil {
			return out, err
		}
		out = append(out, im)
	}
	return out, nil
}

func importVideo(videoPath, csvPath, traceDir string, width, height int) (Imported, error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return Imported{}, fmt.Errorf("%s: its action log: %w", videoPath, err)
	}
	rows, err := ReadCSV(csvPath, f)
	f.Close()
	if err != nil {
		return Imported{}, err
	}
	im, err := ImportVideo(videoPath, traceDir, func(Info) ([]action.Action, error) { return Actions(rows), nil }, width, height)
	im.Rows = len(rows)
	return im, err
}

// Info is what an action source learns of the video.
type Info = video.Info

// ImportVideo makes a trace in traceDir of a screen recording and its
// actions (one per video frame, in the video's pixels; actionsFor is given
// the video's size and rate), frames scaled to width x height (0: the
// video's size). Video frames beyond the actions are left out.
func ImportVideo(videoPath, traceDir string, actionsFor func(Info) ([]action.Action, error), width, height int) (Imported, error) {
	im := Imported{Name: strings.TrimSuffix(filepath.Base(videoPath), filepath.Ext(videoPath)), Trace: traceDir}
	info, err := video.Probe(videoPath)
	if err != nil {
		return im, err
	}
	if info.FPS <= 0 {
		info.FPS = FPS
	}
	acts, err := actionsFor(info)
	if err != nil {
		return im, err
	}
	im.Rows = len(acts)
	if width == 0 && height == 0 {
		width, height = info.Width, info.Height
	}
	for i := range acts { // screen pixels to frame pixels
		acts[i].X = min(max(acts[i].X*width/info.Width, 0), width-1)
		acts[i].Y = min(max(acts[i].Y*height/info.Height, 0), height-1)
	}
	if err := os.MkdirAll(filepath.Dir(traceDir), 0o755); err != nil {
		return im, err
	}
	dec, err := video.Open(videoPath, width, height, 0)
	if err != nil {
		return im, err
	}
	defer dec.Close()
	w, err := trace.Create(traceDir, trace.Meta{Kind: trace.GUI, Width: width, Height: height, FPS: info.FPS,
		Source: "video:" + filepath.Base(videoPath), Tags: map[string]string{"screen": fmt.Sprintf("%dx%d", info.Width, info.Height)}})
	if err != nil {
		return im, err
	}
	frame := image.NewRGBA(image.Rect(0, 0, width, height))
	for {
		err := dec.Next(frame)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.Close()
			return im, err
		}
		im.VideoFrames++
		if im.VideoFrames > len(acts) {
			continue // video past the end of the log: no actions to pair with
		}
		if err := w.Append(frame, acts[im.VideoFrames-1]); err != nil {
			w.Close()
			return im, err
		}
	}
	im.Frames = w.Len()
	if err := w.Close(); err != nil {
		return im, err
	}
	if im.Frames < 2 {
		return im, fmt.Errorf("%s: only %d frames pair a video frame with an action", videoPath, im.Frames)
	}
	return im, nil
}

// Export writes a GUI trace in the GUIWorld layout under dir:
// videos/NAME.mp4 (lossless, the trace's size and frame rate) and
// actions/NAME.csv. What the CSV cannot hold (middle button, scroll, text
// not typed by keys) is lost.
func Export(traceDir, dir, name string) error {
	r, err := trace.Open(traceDir)
	if err != nil {
		return err
	}
	defer r.Close()
	m := r.Meta()
	for _, sub := range []string{"videos", "actions"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	enc, err := video.Create(filepath.Join(dir, "videos", name+".mp4"), m.Width, m.Height, m.FPS)
	if err != nil {
		return err
	}
	acts := make([]action.Action, r.Len())
	for i := range r.Len() {
		f, err := r.Frame(i)
		if err != nil {
			enc.Close()
			return err
		}
		if err := enc.Write(f); err != nil {
			enc.Close()
			return err
		}
		acts[i] = r.Action(i)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	csvPath := filepath.Join(dir, "actions", name+".csv")
	out, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	if err := WriteCSV(out, Rows(acts, m.FPS)); err != nil {
		out.Close()
		return fmt.Errorf("%s: %w", csvPath, err)
	}
	return out.Close()
}
