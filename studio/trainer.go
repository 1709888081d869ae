package studio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/worker"
)

// trainer runs one training at a time on its own goroutine, for the Train
// page; it belongs to the studio, not the page, so training goes on while
// other pages are shown. Pausing cancels the run, which writes the
// checkpoint and its resume file; resuming continues it exactly.
type trainer struct {
	mu      sync.Mutex
	opts    train.Options
	device  string // worker.Train's device: cpu or cuda
	state   trainState
	last    train.Progress
	curves  []train.Curve // loss by stage, for the live plot
	events  []string      // checkpoints written, errors
	err     error
	cancel  context.CancelFunc
	done    chan struct{}
	changed func() // called (from the training goroutine) after each report
}

type trainState int

const (
	trainIdle trainState = iota
	trainRunning
	trainPaused
	trainFinished
	trainFailed
	trainCancelled
)

func (s trainState) String() string {
	return [...]string{"ready", "training", "paused", "finished", "failed", "cancelled"}[s]
}

// snapshot is a copy of the trainer's state for the page.
type trainSnapshot struct {
	state  trainState
	opts   train.Options
	last   train.Progress
	curves []train.Curve
	events []string
	err    error
}

func (t *trainer) snapshot() trainSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	curves := make([]train.Curve, len(t.curves))
	for i, c := range t.curves {
		curves[i] = train.Curve{Stage: c.Stage, Steps: append([]int(nil), c.Steps...), Loss: append([]float64(nil), c.Loss...)}
	}
	return trainSnapshot{t.state, t.opts, t.last, curves, append([]string(nil), t.events...), t.err}
}

// start begins a new run on device (cpu or cuda).
func (t *trainer) start(o train.Options, device string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == trainRunning {
		return errors.New("a training run is in progress")
	}
	t.opts, t.device, t.curves, t.events, t.err, t.last = o, device, nil, nil, nil, train.Progress{}
	t.run(o)
	return nil
}

// pause stops the run, keeping what resuming needs.
func (t *trainer) pause() {
	t.mu.Lock()
	cancel, done := t.cancel, t.done
	t.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// cancelRun ends a running or paused run for good: the checkpoint written
// at the stop stays, the resume file goes.
func (t *trainer) cancelRun() error {
	t.pause()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != trainPaused {
		return fmt.Errorf("nothing to cancel (training is %s)", t.state)
	}
	if err := os.Remove(train.ResumePath(t.opts.Out)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	t.state = trainCancelled
	t.events = append(t.events, "cancelled: "+t.opts.Out+" holds the state at the stop; it cannot be resumed")
	return nil
}

// resume continues a paused run.
func (t *trainer) resume() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != trainPaused {
		return fmt.Errorf("nothing to resume (training is %s)", t.state)
	}
	t.run(train.Options{Out: t.opts.Out, Resume: true})
	return nil
}

// run starts the goroutine; called with mu held.
func (t *trainer) run(o train.Options) {
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel, t.done, t.state = cancel, make(chan struct{}), trainRunning
	done := t.done
	go func() {
		defer close(done)
		err := t.train(ctx, o)
		t.mu.Lock()
		t.cancel = nil
		switch {
		case errors.Is(err, context.Canceled):
			t.state = trainPaused
			t.events = append(t.events, "paused: "+o.Out+" holds the state, Resume continues")
		case err != nil:
			t.state, t.err = trainFailed, err
			t.events = append(t.events, "failed: "+err.Error())
		default:
			t.state = trainFinished
			t.events = append(t.events, "finished: "+o.Out)
		}
		changed := t.changed
		t.mu.Unlock()
		if changed != nil {
			changed()
		}
	}()
}

// train runs engine/train with the loss log that the CLI also keeps.
func (t *trainer) train(ctx context.Context, o train.Options) error {
	log, err := train.OpenLossLog(o.Out)
	if err != nil {
		return err
	}
	defer log.Close()
	o.Progress = func(p train.Progress) {
		logErr := log.Record(p)
		t.mu.Lock()
		t.last = p
		if p.Stage != "latents" {
			if n := len(t.curves); n == 0 || t.curves[n-1].Stage != p.Stage {
				t.curves = append(t.curves, train.Curve{Stage: p.Stage})
			}
			c := &t.curves[len(t.curves)-1]
			c.Steps, c.Loss = append(c.Steps, p.Step), append(c.Loss, p.Loss)
		}
		if p.Checkpoint != "" {
			t.events = append(t.events, fmt.Sprintf("checkpoint written: %s (%s step %d)", p.Checkpoint, p.Stage, p.Step))
		}
		if logErr != nil {
			t.events = append(t.events, "loss log: "+logErr.Error())
		}
		changed := t.changed
		t.mu.Unlock()
		if changed != nil {
			changed()
		}
	}
	return worker.Train(ctx, t.device, o, func(where string) { t.event("training on " + where) })
}

// event adds a line to the events (from the training goroutine).
func (t *trainer) event(s string) {
	t.mu.Lock()
	t.events = append(t.events, s)
	changed := t.changed
	t.mu.Unlock()
	if changed != nil {
		changed()
	}
}
