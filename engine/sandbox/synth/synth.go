// Package synth writes synthetic training traces: a scripted agent driving
// a sandbox desktop, every frame paired with the action that followed it.
package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/agent"
	"github.com/ncstudio/ncstudio/engine/trace"
)

// Options describe one synthetic trace.
type Options struct {
	Spec          *sandbox.Spec // nil for the default desktop
	Width, Height int
	FPS           float64
	Agent         string // random, goal or mixed
	Seed          uint64
	Frames        int
	// Progress, if set, is called after every frame with the number written.
	Progress func(frames int)
}

// Write records a trace into dir (which must not exist yet). When ctx is
// cancelled it stops, closes the trace with the frames so far (a valid
// trace) and returns ctx's error.
func Write(ctx context.Context, dir string, o Options) (trace.Meta, error) {
	spec := o.Spec
	if spec == nil {
		spec = sandbox.DefaultSpec()
	}
	if o.Frames < 1 {
		return trace.Meta{}, fmt.Errorf("synth: %d frames, want at least 1", o.Frames)
	}
	d, err := sandbox.New(spec, sandbox.Options{Width: o.Width, Height: o.Height, FPS: o.FPS})
	if err != nil {
		return trace.Meta{}, err
	}
	ag, err := agent.New(o.Agent, o.Seed)
	if err != nil {
		return trace.Meta{}, err
	}
	w, err := trace.Create(dir, Meta(d, o.Agent, o.Seed))
	if err != nil {
		return trace.Meta{}, err
	}
	if err := SaveSpec(dir, spec); err != nil {
		w.Close()
		return trace.Meta{}, err
	}
	frame := image.NewRGBA(image.Rect(0, 0, o.Width, o.Height))
	d.Render(frame)
	for i := range o.Frames {
		if err := ctx.Err(); err != nil {
			m, cerr := w.Meta(), w.Close()
			if cerr != nil {
				return m, cerr
			}
			return m, err
		}
		a := ag.Next(d)
		if err := w.Append(frame, a); err != nil {
			w.Close()
			return trace.Meta{}, err
		}
		d.Step(a)
		d.Render(frame)
		if o.Progress != nil {
			o.Progress(i + 1)
		}
	}
	if err := w.Close(); err != nil {
		return trace.Meta{}, err
	}
	return w.Meta(), nil
}

// Meta is the trace metadata of a recording of d: the sandbox's arrow
// sprite (the I-beam is drawn over editors; the desktop's CursorMask knows
// which), and tags naming the spec, agent and seed.
func Meta(d *sandbox.Desktop, agentName string, seed uint64) trace.Meta {
	w, h := d.Size()
	arrow := sandbox.CursorSprite(sandbox.Arrow)
	tags := map[string]string{"spec": d.Spec().Name, "spec_sha256": specHash(d.Spec())}
	if agentName != "" {
		tags["agent"] = agentName
		tags["seed"] = fmt.Sprint(seed)
	}
	return trace.Meta{
		Kind: trace.GUI, Width: w, Height: h, FPS: d.FPS(),
		Source: "sandbox:" + d.Spec().Name,
		Cursor: trace.Cursor{Sprite: trace.CursorFile, HotX: arrow.HotX, HotY: arrow.HotY, Image: arrow.Image},
		Tags:   tags,
	}
}

// specHash identifies a spec's content, so traces of different desktops
// that share a name can be told apart.
func specHash(s *sandbox.Spec) string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
