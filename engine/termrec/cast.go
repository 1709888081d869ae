package termrec

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/ncstudio/ncstudio/engine/importer/asciinema"
	"github.com/ncstudio/ncstudio/engine/term"
)

// MaxCastFrames bounds an imported cast (an hour at 15 fps): pauses longer
// than the idle limit are shortened, but a cast may still run for hours.
const MaxCastFrames = 54000

// CastImport is the outcome of ImportCast.
type CastImport struct {
	Frames, Keys, Resizes, Markers int
	Duration                       float64 // seconds, after the idle limit
}

// ImportCast renders a cast into a trace in dir: frame k shows the screen
// after every event up to k/FPS seconds, and its action holds the input
// events until the next frame. The terminal is the cast's size unless o
// sets one; the frame fits the largest size the cast resizes to. Pauses
// longer than idleLimit seconds are shortened to it (the cast's own
// idle_time_limit when idleLimit is 0; none when it is negative).
func ImportCast(c *asciinema.Cast, name, dir string, o Options, idleLimit float64) (CastImport, error) {
	if idleLimit == 0 {
		idleLimit = c.IdleTimeLimit
	}
	c.LimitIdle(idleLimit)
	sizeGiven := o.Cols != 0 || o.Rows != 0
	o = o.withDefaults()
	cols, rows := c.Cols, c.Rows
	for _, e := range c.Events {
		if e.Code == 'r' {
			if w, h, err := asciinema.Resize(e.Data); err == nil {
				cols, rows = max(cols, w), max(rows, h)
			}
		}
	}
	if !sizeGiven {
		o.Cols, o.Rows = cols, rows
	}
	o.Source = "asciinema:" + filepath.Base(name)
	o.Tags = map[string]string{"asciinema.version": fmt.Sprint(c.Version)}
	if c.Title != "" {
		o.Tags["title"] = c.Title
	}
	if c.Command != "" {
		o.Tags["command"] = c.Command
	}
	frames := int(math.Floor(c.Duration*o.FPS)) + 2 // one frame after the last event
	if frames > MaxCastFrames {
		return CastImport{}, fmt.Errorf("%s: %.0f s at %g fps is %d frames, more than %d; lower --fps or --idle-limit", name, c.Duration, o.FPS, frames, MaxCastFrames)
	}
	rec, err := Create(dir, o, nil)
	if err != nil {
		return CastImport{}, err
	}
	// The terminal starts at the cast's initial size inside the frame.
	if err := rec.Resize(c.Cols, c.Rows); err != nil {
		rec.Close()
		return CastImport{}, fmt.Errorf("%s: %w", name, err)
	}
	res := CastImport{Duration: c.Duration}
	next := 0
	for k := range frames {
		t := float64(k) / o.FPS
		for ; next < len(c.Events) && c.Events[next].Time <= t; next++ {
			e := c.Events[next]
			switch e.Code {
			case 'o':
				rec.Output([]byte(e.Data))
			case 'i':
				keys, rest := term.ParseInput([]byte(e.Data))
				keys = append(keys, term.FlushInput(rest)...)
				rec.Keys(keys)
				res.Keys += len(keys)
			case 'r':
				w, h, err := asciinema.Resize(e.Data)
				if err == nil {
					err = rec.Resize(w, h)
				}
				if err != nil {
					rec.Close()
					return res, fmt.Errorf("%s:%d: %w", name, e.Line, err)
				}
				res.Resizes++
			case 'm':
				res.Markers++
			}
		}
		if err := rec.Tick(time.Duration(t * float64(time.Second))); err != nil {
			rec.Close()
			return res, err
		}
	}
	err = rec.Close()
	res.Frames = rec.Frames()
	return res, err
}
