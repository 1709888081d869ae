package worker

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"sync"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/train"
)

// maxLine bounds a request line (train options with many trace paths).
const maxLine = 16 << 20

// Serve is the worker's side: it says hello with dev, then answers requests
// from in on out with be until quit, the end of in, or ctx's end.
func Serve(ctx context.Context, be tensor.Backend, dev Device, version string, in io.Reader, out io.Writer) error {
	s := &server{be: be, out: bufio.NewWriter(out)}
	dev.Backend = be.Name()
	if err := s.send(Message{Type: "hello", Protocol: Protocol, Version: version, Device: &dev}, nil); err != nil {
		return err
	}
	r := bufio.NewReaderSize(in, 1<<16)
	defer s.stopTraining()
	for {
		var req Request
		line, err := readLine(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(line, &req); err != nil {
			s.fail(fmt.Errorf("bad request %.80q: %v", line, err))
			continue
		}
		var payload []byte
		if req.Bytes > 0 {
			payload = make([]byte, req.Bytes)
			if _, err := io.ReadFull(r, payload); err != nil {
				return fmt.Errorf("worker: reading %d bytes after %q: %v", req.Bytes, req.Op, err)
			}
		}
		switch req.Op {
		case "train":
			s.train(ctx, req)
		case "cancel":
			s.stopTraining()
		case "open", "step":
			if s.training() { // one backend, one user at a time
				s.fail(fmt.Errorf("%s: the worker is training", req.Op))
				break
			}
			if _, err := guarded(func() (any, error) {
				if req.Op == "open" {
					s.open(req, payload)
				} else {
					s.step(req)
				}
				return nil, nil
			}); err != nil {
				s.fail(err)
			}
		case "close":
			s.sess = nil
			s.send(Message{Type: "closed"}, nil)
		case "quit":
			return nil
		default:
			s.fail(fmt.Errorf("unknown request %q", req.Op))
		}
	}
}

// guarded runs f, turning a panic into an error: the backend panics on
// device errors (out of memory, a failed launch), which the parent should
// hear as an answer, not as a dead worker.
func guarded[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, more, err := r.ReadLine()
		if err != nil {
			return nil, err
		}
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("worker: request line longer than %d bytes", maxLine)
		}
		if !more {
			return line, nil
		}
	}
}

type server struct {
	be tensor.Backend

	mu  sync.Mutex // out is written by the request loop and the training goroutine
	out *bufio.Writer

	runMu  sync.Mutex
	cancel context.CancelFunc // of the training run in progress; nil when none
	done   chan struct{}      // closed when that run has ended

	model *model.Model
	ckpt  string
	sess  *model.Session
}

// send writes one message and its raw bytes.
func (s *server) send(m Message, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := writeLine(s.out, m, raw); err != nil {
		return err
	}
	return s.out.Flush()
}

// writeLine writes v as one JSON line, then the raw bytes it announces:
// the protocol's unit, both ways.
func writeLine(w io.Writer, v any, raw []byte) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(line, '\n')); err != nil {
		return err
	}
	_, err = w.Write(raw)
	return err
}

func (s *server) fail(err error) { s.send(Message{Type: "error", Error: err.Error()}, nil) }

// train starts a run on its own goroutine, so that cancel can arrive.
func (s *server) train(ctx context.Context, req Request) {
	if s.training() {
		s.fail(errors.New("a training run is in progress"))
		return
	}
	if req.Train == nil {
		s.fail(errors.New("train: no options"))
		return
	}
	o := *req.Train
	o.Resume = req.Resume
	o.Progress = func(p train.Progress) { s.send(Message{Type: "progress", Progress: &p}, nil) }
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.runMu.Lock()
	s.cancel, s.done = cancel, done
	s.runMu.Unlock()
	go func() {
		defer close(done)
		m, err := guarded(func() (*model.Model, error) { return train.Run(ctx, s.be, o) })
		s.runMu.Lock()
		if s.done == done {
			s.cancel, s.done = nil, nil
		}
		s.runMu.Unlock()
		switch {
		case errors.Is(err, context.Canceled):
			s.send(Message{Type: "cancelled", Checkpoint: o.Out}, nil)
		case err != nil:
			s.fail(err)
		default:
			s.send(Message{Type: "done", Checkpoint: o.Out, Params: m.ParamCount()}, nil)
		}
	}()
}

// stopTraining cancels the run in progress and waits until it has written
// its checkpoint.
func (s *server) stopTraining() {
	s.runMu.Lock()
	cancel, done := s.cancel, s.done
	s.runMu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (s *server) training() bool {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.cancel != nil
}

// open starts a play session; the payload is the first frame, RGBA.
func (s *server) open(req Request, frame []byte) {
	if s.model == nil || s.ckpt != req.Checkpoint {
		m, _, err := model.Load(s.be, req.Checkpoint)
		if err != nil {
			s.fail(err)
			return
		}
		s.model, s.ckpt = m, req.Checkpoint
	}
	w, h := s.model.Cfg.Width, s.model.Cfg.Height
	if len(frame) != 4*w*h {
		s.fail(fmt.Errorf("open: a %dx%d frame has %d bytes, got %d", w, h, 4*w*h, len(frame)))
		return
	}
	var prev action.Action
	if req.Action != nil {
		prev = *req.Action
	}
	img := &image.RGBA{Pix: frame, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	sess, err := s.model.NewSessionHistory([]*image.RGBA{img}, prev, req.Seed)
	if err != nil {
		s.fail(err)
		return
	}
	if req.SampleSteps > 0 {
		sess.SampleSteps = req.SampleSteps
	}
	s.sess = sess
	s.sendLatent("opened", sess.Latent())
}

// step applies an action; a sample_steps > 0 or a hold changes the
// sampler first.
func (s *server) step(req Request) {
	if s.sess == nil {
		s.fail(errors.New("step: no session is open"))
		return
	}
	if req.SampleSteps > 0 {
		s.sess.SampleSteps = req.SampleSteps
	}
	if req.Hold != nil {
		s.sess.Hold = max(*req.Hold, 0)
	}
	var a action.Action
	if req.Action != nil {
		a = *req.Action
	}
	s.sendLatent("latent", s.sess.Step(a))
}

func (s *server) sendLatent(typ string, z *tensor.Tensor) {
	s.send(Message{Type: typ, Shape: z.Shape, Bytes: 4 * z.Numel()}, float32Bytes(s.be.ToHost(z)))
}

func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

func bytesFloat32(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
