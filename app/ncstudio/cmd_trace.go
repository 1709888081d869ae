package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func init() {
	register(&command{
		name:    "trace info",
		usage:   "PATH [--json]",
		summary: "show a trace's metadata, length, size on disk and action counts",
		run:     runTraceInfo,
	})
	register(&command{
		name:    "trace validate",
		usage:   "PATH [--json]",
		summary: "decode a whole trace and report its first problem (exit status 1)",
		run:     runTraceValidate,
	})
	register(&command{
		name:    "trace export",
		usage:   "PATH (--gif OUT.gif | --png-dir DIR) [--from I] [--to J] [--scale K]",
		summary: "export frames as a GIF with the cursor path drawn, or as PNG files",
		run:     runTraceExport,
	})
}

// openTrace parses the single PATH argument and opens the trace.
func openTrace(c *context, name string) (*trace.Reader, string, error) {
	args, err := c.Parse()
	if err != nil {
		return nil, "", err
	}
	if len(args) != 1 {
		return nil, "", usagef("%s: want one PATH, got %d arguments", name, len(args))
	}
	r, err := trace.Open(args[0])
	return r, args[0], err
}

// traceInfo is the --json form of `trace info`.
type traceInfo struct {
	Path        string          `json:"path"`
	Meta        trace.Meta      `json:"meta"`
	Frames      int             `json:"frames"`
	Seconds     float64         `json:"seconds"` // frames at the nominal fps
	DiskBytes   int64           `json:"disk_bytes"`
	FramesBytes int64           `json:"frames_bytes"`
	RawBytes    int64           `json:"raw_bytes"` // the frames as plain RGB
	Ratio       float64         `json:"compression_ratio"`
	Actions     trace.Stats     `json:"actions"`
	Recovery    *trace.Recovery `json:"recovery,omitempty"`
}

func runTraceInfo(c *context) error {
	r, path, err := openTrace(c, "trace info")
	if err != nil {
		return err
	}
	defer r.Close()
	m := r.Meta()
	info := traceInfo{
		Path:        path,
		Meta:        m,
		Frames:      r.Len(),
		Seconds:     float64(r.Len()) / m.FPS,
		DiskBytes:   dirSize(path),
		FramesBytes: r.FramesSize(),
		RawBytes:    int64(r.Len()) * int64(m.Width) * int64(m.Height) * 3,
		Actions:     trace.ComputeStats(r.Events()),
		Recovery:    r.Recovery(),
	}
	if info.FramesBytes > 0 {
		info.Ratio = float64(info.RawBytes) / float64(info.FramesBytes)
	}
	return c.Emit(info, func(w io.Writer) { printTraceInfo(w, &info) })
}

func printTraceInfo(w io.Writer, info *traceInfo) {
	m := &info.Meta
	fmt.Fprintf(w, "trace:    %s\n", ckptPrintable(info.Path))
	fmt.Fprintf(w, "kind:     %s, %dx%d at %g fps\n", ckptPrintable(string(m.Kind)), m.Width, m.Height, m.FPS)
	fmt.Fprintf(w, "source:   %s\n", ckptPrintable(m.Source))
	fmt.Fprintf(w, "created:  %s\n", m.Created.Format(time.RFC3339))
	switch {
	case m.Cursor.Sprite == "":
		fmt.Fprintln(w, "cursor:   none drawn")
	default:
		fmt.Fprintf(w, "cursor:   %s, hotspot (%d, %d)\n", ckptPrintable(m.Cursor.Sprite), m.Cursor.HotX, m.Cursor.HotY)
	}
	dur := time.Duration(info.Seconds * float64(time.Second)).Round(100 * time.Millisecond)
	fmt.Fprintf(w, "frames:   %s (%v at %g fps)\n", ckptThousands(int64(info.Frames)), dur, m.FPS)
	fmt.Fprintf(w, "on disk:  %s (frames %s; %s as raw RGB, %.1fx smaller)\n",
		traceBytes(info.DiskBytes), traceBytes(info.FramesBytes), traceBytes(info.RawBytes), info.Ratio)
	a := info.Actions
	fmt.Fprintf(w, "actions:  %s clicks, %s keys, %s text chars, %s scroll steps, %s moves (%.0f px)\n",
		ckptThousands(int64(a.Clicks)), ckptThousands(int64(a.Keys)), ckptThousands(int64(a.TextChars)),
		ckptThousands(int64(a.Scroll)), ckptThousands(int64(a.Moves)), a.Distance)
	if len(m.Tags) > 0 {
		keys := make([]string, 0, len(m.Tags))
		for k := range m.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = ckptPrintable(k) + "=" + ckptPrintable(m.Tags[k])
		}
		fmt.Fprintf(w, "tags:     %s\n", strings.Join(keys, " "))
	}
	if info.Recovery != nil {
		fmt.Fprintf(w, "state:    %s\n", ckptPrintable(info.Recovery.String()))
	} else {
		fmt.Fprintln(w, "state:    complete")
	}
}

// dirSize is the total size of the files in a trace directory.
func dirSize(dir string) int64 {
	entries, _ := os.ReadDir(dir)
	var n int64
	for _, e := range entries {
		if st, err := e.Info(); err == nil && st.Mode().IsRegular() {
			n += st.Size()
		}
	}
	return n
}

// traceBytes formats a size in decimal units: 1234567 -> "1.2 MB".
func traceBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v, i = v/unit, i+1
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGTP"[i])
}

// traceValidation is the --json form of `trace validate`.
type traceValidation struct {
	Path     string          `json:"path"`
	OK       bool            `json:"ok"`
	Error    string          `json:"error,omitempty"`
	Frames   int             `json:"frames"`
	Recovery *trace.Recovery `json:"recovery,omitempty"`
}

func runTraceValidate(c *context) error {
	r, path, err := openTrace(c, "trace validate")
	if err == nil {
		defer r.Close()
		err = r.Validate()
	}
	if u := (usageError{}); errors.As(err, &u) {
		return err
	}
	v := traceValidation{Path: path, OK: err == nil}
	if err != nil {
		v.Error = err.Error()
	} else {
		v.Frames, v.Recovery = r.Len(), r.Recovery()
	}
	if err := c.Emit(v, func(w io.Writer) {
		if v.OK {
			fmt.Fprintf(w, "OK %s: %s frames, every frame and event checked", ckptPrintable(path), ckptThousands(int64(v.Frames)))
			if v.Recovery != nil {
				fmt.Fprintf(w, " (%s)", ckptPrintable(v.Recovery.String()))
			}
			fmt.Fprintln(w)
		}
	}); err != nil {
		return err
	}
	return err // the problem itself is printed by main, with exit status 1
}

// traceExport is the --json form of `trace export`.
type traceExport struct {
	Path   string `json:"path"`
	Out    string `json:"out"`
	Format string `json:"format"` // "gif" or "png"
	From   int    `json:"from"`
	To     int    `json:"to"` // exclusive
	Frames int    `json:"frames"`
	Bytes  int64  `json:"bytes,omitempty"` // size of the GIF
}

func runTraceExport(c *context) error {
	gifOut := c.Flags.String("gif", "", "write an animated GIF with the cursor path drawn to this file")
	pngDir := c.Flags.String("png-dir", "", "write one PNG per frame (frame_NNNNNN.png) into this directory")
	from := c.Flags.Int("from", 0, "first frame to export")
	to := c.Flags.Int("to", 0, "export up to this frame, excluded (default: the end)")
	scale := c.Flags.Float64("scale", 1, "scale factor for the output size, e.g. 0.5 or 2")
	r, path, err := openTrace(c, "trace export")
	if err != nil {
		return err
	}
	defer r.Close()
	if (*gifOut == "") == (*pngDir == "") {
		return usagef("trace export: want exactly one of --gif and --png-dir")
	}
	if *to == 0 {
		*to = r.Len()
	}
	if *from < 0 || *from >= *to || *to > r.Len() {
		return usagef("trace export: --from %d --to %d outside the trace's frames 0..%d", *from, *to, r.Len())
	}
	if !(*scale > 0) {
		return usagef("trace export: --scale must be positive")
	}
	p := newProgress(c.Stderr, "exporting", "frames", *to-*from)
	opts := trace.ExportOptions{From: *from, To: *to, Scale: *scale, Progress: func(done, _ int) { p.set(done) }}
	res := traceExport{Path: path, From: *from, To: *to, Frames: *to - *from}
	if *gifOut != "" {
		res.Out, res.Format = *gifOut, "gif"
		res.Bytes, err = exportGIF(r, *gifOut, opts)
	} else {
		res.Out, res.Format = *pngDir, "png"
		_, err = trace.ExportPNGs(r, *pngDir, opts)
	}
	p.finish()
	if err != nil {
		return err
	}
	return c.Emit(res, func(w io.Writer) {
		if res.Format == "gif" {
			fmt.Fprintf(w, "wrote %s: frames %d..%d (%s)\n", res.Out, res.From, res.To-1, traceBytes(res.Bytes))
		} else {
			fmt.Fprintf(w, "wrote %d PNG files to %s: frames %d..%d\n", res.Frames, res.Out, res.From, res.To-1)
		}
	})
}

// exportGIF writes the GIF atomically, so a failed export leaves no
// half-written file, and returns its size.
func exportGIF(r *trace.Reader, out string, opts trace.ExportOptions) (int64, error) {
	var n int64
	err := atomicfile.Write(out, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := trace.ExportGIF(r, cw, opts)
		n = cw.n
		return err
	})
	return n, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
