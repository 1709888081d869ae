// Package workspace is the studio's folder of the user's files: trained
// checkpoints, traces and recordings, each in its own subfolder, listed
// with what the Library shows about them, renamed, and moved to the
// desktop's trash (never deleted outright).
package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/ckpt"
	"github.com/ncstudio/ncstudio/engine/eval"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/trace"
	"github.com/ncstudio/ncstudio/engine/train"
)

// Workspace is a folder holding checkpoints/, traces/ and recordings/.
type Workspace struct{ Root string }

// Default is ~/NCStudio.
func Default() (Workspace, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return Workspace{}, err
	}
	return Workspace{filepath.Join(home, "NCStudio")}, nil
}

func (w Workspace) Checkpoints() string { return filepath.Join(w.Root, "checkpoints") }
func (w Workspace) Traces() string      { return filepath.Join(w.Root, "traces") }
func (w Workspace) Recordings() string  { return filepath.Join(w.Root, "recordings") }
func (w Workspace) Specs() string       { return filepath.Join(w.Root, "specs") }

// Create makes the folders that are missing.
func (w Workspace) Create() error {
	for _, d := range []string{w.Checkpoints(), w.Traces(), w.Recordings()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// Checkpoint is what the Library shows of a checkpoint file.
type Checkpoint struct {
	Path     string
	Name     string // file name without .safetensors
	Bytes    int64
	Modified time.Time
	Params   int
	Config   model.Config
	Meta     map[string]string
	// Err says why the file is not a usable checkpoint (it is listed anyway,
	// so that the user can see and remove it).
	Err error
}

// Summary is one line: size, injection, parameters, training steps.
func (c Checkpoint) Summary() string {
	if c.Err != nil {
		return "unreadable: " + c.Err.Error()
	}
	s := fmt.Sprintf("%dx%d · %s injection · %.2f M parameters", c.Config.Width, c.Config.Height, c.Config.Dyn.Injection, float64(c.Params)/1e6)
	if ae, dyn := c.Meta[train.MetaAESteps], c.Meta[train.MetaDynSteps]; ae != "" || dyn != "" {
		s += fmt.Sprintf(" · trained %s autoencoder + %s dynamics steps", orDash(ae), orDash(dyn))
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// ListCheckpoints lists the .safetensors files of the checkpoints folder,
// newest first, reading only their headers.
func (w Workspace) ListCheckpoints() ([]Checkpoint, error) {
	entries, err := readDir(w.Checkpoints())
	if err != nil {
		return nil, err
	}
	var out []Checkpoint
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		out = append(out, ReadCheckpoint(filepath.Join(w.Checkpoints(), e.Name())))
	}
	slices.SortFunc(out, func(a, b Checkpoint) int { return b.Modified.Compare(a.Modified) })
	return out, nil
}

// ReadCheckpoint describes one checkpoint file from its header.
func ReadCheckpoint(path string) Checkpoint {
	c := Checkpoint{Path: path, Name: strings.TrimSuffix(filepath.Base(path), ".safetensors")}
	if st, err := os.Stat(path); err == nil {
		c.Bytes, c.Modified = st.Size(), st.ModTime()
	}
	h, err := ckpt.ReadHeader(path)
	c.describe(h, err)
	return c
}

// DescribeBytes describes a checkpoint held in memory (the built-in one).
func DescribeBytes(name string, data []byte) Checkpoint {
	c := Checkpoint{Name: name, Bytes: int64(len(data))}
	c.describe(ckpt.DecodeHeader(name, bytes.NewReader(data), int64(len(data))))
	return c
}

// describe fills in what the header says, or why it cannot be read.
func (c *Checkpoint) describe(h *ckpt.Header, err error) {
	if err != nil {
		c.Err = err
		return
	}
	c.Params, c.Meta = h.ParamCount(), h.Metadata
	if c.Config, err = model.UnmarshalConfig(h.Metadata[model.MetaConfig]); err != nil {
		c.Err = fmt.Errorf("%s: not an NC Studio model: %v", c.Name, err)
	}
}

// Trace is what the Library shows of a trace.
type Trace struct {
	Path     string
	Name     string // folder name without .nctrace
	Meta     trace.Meta
	Frames   int
	Duration time.Duration
	Err      error
}

// Summary is one line: frames, duration, size, source.
func (t Trace) Summary() string {
	if t.Err != nil {
		return "unreadable: " + t.Err.Error()
	}
	return fmt.Sprintf("%d frames · %s · %dx%d · %s", t.Frames, t.Duration.Round(100*time.Millisecond), t.Meta.Width, t.Meta.Height, t.Meta.Source)
}

// ListTraces lists the traces of a folder (the traces or the recordings
// folder), newest first.
func ListTraces(dir string) ([]Trace, error) {
	entries, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Trace
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".nctrace") {
			continue
		}
		out = append(out, ReadTrace(filepath.Join(dir, e.Name())))
	}
	slices.SortFunc(out, func(a, b Trace) int { return b.Meta.Created.Compare(a.Meta.Created) })
	return out, nil
}

// ReadTrace describes one trace.
func ReadTrace(path string) Trace {
	t := Trace{Path: path, Name: strings.TrimSuffix(filepath.Base(path), ".nctrace")}
	r, err := trace.Open(path)
	if err != nil {
		t.Err = err
		return t
	}
	defer r.Close()
	t.Meta, t.Frames = r.Meta(), r.Len()
	if t.Frames > 0 {
		t.Duration = r.Time(t.Frames-1) - r.Time(0)
	}
	return t
}

// Frame reads frame i of a trace (for thumbnails and the scrubber).
func Frame(path string, i int) (*image.RGBA, error) {
	r, err := trace.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if i < 0 || i >= r.Len() {
		return nil, fmt.Errorf("%s: frame %d of %d", path, i, r.Len())
	}
	return r.Frame(i)
}

// readDir lists a folder; a missing folder is empty.
func readDir(dir string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

// Rename gives a checkpoint or trace a new name in its folder, keeping its
// extension, and moves a checkpoint's companion files (.resume, loss log)
// along. It refuses names with path separators and existing targets.
func Rename(path, name string) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("%q is not a file name", name)
	}
	ext := filepath.Ext(path)
	to := filepath.Join(filepath.Dir(path), strings.TrimSuffix(name, ext)+ext)
	if to == path {
		return path, nil
	}
	if _, err := os.Lstat(to); err == nil {
		return "", fmt.Errorf("%s already exists", to)
	}
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	for _, suffix := range companions(path) {
		if _, err := os.Stat(path + suffix); err == nil {
			if err := os.Rename(path+suffix, to+suffix); err != nil {
				return to, err
			}
		}
	}
	return to, nil
}

// companions are the files that belong to a checkpoint.
func companions(path string) []string {
	if filepath.Ext(path) != ".safetensors" {
		return nil
	}
	return []string{train.ResumePath(""), ".losses.csv", ".losses.png", eval.LastSuffix}
}

// ImportTrace copies a trace folder into the workspace's traces (under a
// new name if one of that name is there) after checking that it opens.
func ImportTrace(w Workspace, src string) (string, error) {
	r, err := trace.Open(src)
	if err != nil {
		return "", err
	}
	r.Close()
	if err := w.Create(); err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(strings.TrimSuffix(src, "/")), ".nctrace")
	to := UniquePath(filepath.Join(w.Traces(), base), ".nctrace")
	if err := os.CopyFS(to, os.DirFS(src)); err != nil {
		os.RemoveAll(to) // a half-copied trace would list as broken
		return "", fmt.Errorf("copying %s into %s: %w", src, w.Traces(), err)
	}
	return to, nil
}

// UniquePath is base+ext, or base-2+ext, base-3+ext, ... if that exists.
func UniquePath(base, ext string) string {
	p := base + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(p); err != nil {
			return p
		}
		p = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}
