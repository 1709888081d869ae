package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/importer/guiworld"
)

func init() {
	register(&command{
		name:    "import guiworld",
		usage:   "DIR --out DIR [--size WxH]",
		summary: "make traces of a NeuralComputer GUIWorld directory (videos/NAME.mp4 with actions/NAME.csv)",
		run:     runImportGUIWorld,
	})
	register(&command{
		name:    "import video",
		usage:   "FILE --events FILE.csv|FILE.jsonl|FILE.json --out DIR [--size WxH]",
		summary: "make a trace of a screen recording and its action log (GUIWorld CSV, or computer-use JSON actions)",
		run:     runImportVideo,
	})
	register(&command{
		name:    "export guiworld",
		usage:   "TRACE... --out DIR",
		summary: "write traces in the GUIWorld layout (lossless videos/NAME.mp4 and actions/NAME.csv)",
		run:     runExportGUIWorld,
	})
}

// optionalSize reads "WxH"; "" is 0x0 (the source's own size).
func optionalSize(s string) (w, h int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	return parseSize(s)
}

func printImported(w io.Writer, ims []guiworld.Imported) {
	for _, im := range ims {
		fmt.Fprintf(w, "%s: %d frames (%d video frames, %d actions) → %s\n", im.Name, im.Frames, im.VideoFrames, im.Rows, im.Trace)
	}
}

func runImportGUIWorld(c *context) error {
	out := c.Flags.String("out", "", "directory for the traces (NAME.nctrace each)")
	size := c.Flags.String("size", "", "frame size WxH (default: the videos')")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 1 || *out == "" {
		return usagef("import guiworld: one DIR and --out DIR are required")
	}
	w, h, err := optionalSize(*size)
	if err != nil {
		return err
	}
	ims, err := guiworld.ImportDir(args[0], *out, w, h)
	if err != nil {
		return err
	}
	return c.Emit(ims, func(wr io.Writer) { printImported(wr, ims) })
}

func runImportVideo(c *context) error {
	out := c.Flags.String("out", "", "trace directory to write")
	events := c.Flags.String("events", "", "the action log: a GUIWorld CSV, or computer-use actions as JSON lines or a JSON array")
	size := c.Flags.String("size", "", "frame size WxH (default: the video's)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) != 1 || *out == "" || *events == "" {
		return usagef("import video: one FILE, --events FILE and --out DIR are required")
	}
	w, h, err := optionalSize(*size)
	if err != nil {
		return err
	}
	var skipped map[string]int
	actionsFor := func(info guiworld.Info) ([]action.Action, error) {
		f, err := os.Open(*events)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if strings.HasSuffix(*events, ".csv") {
			rows, err := guiworld.ReadCSV(*events, f)
			return guiworld.Actions(rows), err
		}
		log, err := guiworld.ReadActionLog(*events, f)
		if err != nil {
			return nil, err
		}
		var acts []action.Action
		acts, skipped, err = guiworld.LogActions(log, info.FPS, info.Width, info.Height)
		return acts, err
	}
	im, err := guiworld.ImportVideo(args[0], *out, actionsFor, w, h)
	if err != nil {
		return err
	}
	return c.Emit(im, func(wr io.Writer) {
		printImported(wr, []guiworld.Imported{im})
		for name, n := range skipped {
			fmt.Fprintf(wr, "skipped %d %q action(s) the trace cannot hold\n", n, name)
		}
	})
}

func runExportGUIWorld(c *context) error {
	out := c.Flags.String("out", "", "GUIWorld directory to write (videos/ and actions/ are created)")
	args, err := c.Parse()
	if err != nil {
		return err
	}
	if len(args) == 0 || *out == "" {
		return usagef("export guiworld: traces and --out DIR are required")
	}
	for _, t := range args {
		name := strings.TrimSuffix(filepath.Base(strings.TrimSuffix(t, "/")), ".nctrace")
		if err := guiworld.Export(t, *out, name); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "%s → %s/videos/%s.mp4, %s/actions/%s.csv\n", t, *out, name, *out, name)
	}
	return nil
}
