package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/train"
)

// CUDABinary is the CUDA worker's file name (`make build-cuda` builds it
// into bin/, next to ncstudio).
const CUDABinary = "ncworker-cuda"

// EnvWorker names a worker binary to use instead of looking for CUDABinary.
const EnvWorker = "NCSTUDIO_CUDA_WORKER"

// FindCUDA returns the CUDA worker's path: $NCSTUDIO_CUDA_WORKER, else
// ncworker-cuda next to the running executable, else on PATH.
func FindCUDA() (string, error) {
	if p := os.Getenv(EnvWorker); p != "" {
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), CUDABinary)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(CUDABinary); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("the CUDA worker %s is not built: run 'make build-cuda' (it needs Debian's nvidia-cuda-toolkit to build and the NVIDIA driver to run), or set %s", CUDABinary, EnvWorker)
}

// Client is the parent's side of one worker process. Its methods may be
// called from one goroutine at a time.
type Client struct {
	Hello Message // the worker's hello: protocol, version, device

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *tailBuffer
	wmu    sync.Mutex // writes to stdin (cancel comes from another goroutine)
}

// helloTimeout bounds the wait for the first message (a CUDA context and
// the PTX's JIT compilation take a few seconds on a cold driver).
const helloTimeout = 60 * time.Second

// Start runs the worker at path with args and waits for its hello. When the
// worker cannot run (no driver, no GPU, a crash), the error says why, from
// what it printed.
func Start(path string, args ...string) (*Client, error) {
	c := &Client{cmd: exec.Command(path, args...), stderr: &tailBuffer{max: 8 << 10}}
	c.cmd.Stderr = c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("worker %s: %v", path, err)
	}
	c.out = bufio.NewReaderSize(stdout, 1<<16)
	type result struct {
		m   Message
		err error
	}
	got := make(chan result, 1)
	go func() {
		m, _, err := c.read()
		got <- result{m, err}
	}()
	var r result
	select {
	case r = <-got:
	case <-time.After(helloTimeout):
		r.err = fmt.Errorf("no hello within %v", helloTimeout)
	}
	if r.err == nil && r.m.Type == "error" {
		r.err = errors.New(r.m.Error)
	}
	if r.err == nil && (r.m.Type != "hello" || r.m.Protocol != Protocol) {
		r.err = fmt.Errorf("speaks protocol %d (%q), this program %d", r.m.Protocol, r.m.Type, Protocol)
	}
	if r.err != nil {
		c.kill()
		return nil, fmt.Errorf("worker %s cannot run: %v", filepath.Base(path), r.err)
	}
	c.Hello = r.m
	return c, nil
}

// read returns the next message and the raw bytes that follow it. When the
// worker has exited, the error carries its exit status and what it printed.
func (c *Client) read() (Message, []byte, error) {
	var m Message
	line, err := readLine(c.out)
	if err == nil {
		if jerr := json.Unmarshal(line, &m); jerr != nil {
			// Not the protocol: a library that printed and exited (cu does,
			// without a GPU). Report it with whatever else came.
			rest, _ := io.ReadAll(io.LimitReader(c.out, 4<<10))
			return m, nil, c.exited(strings.TrimSpace(string(line) + "\n" + string(rest)))
		}
	} else {
		return m, nil, c.exited("")
	}
	var raw []byte
	if m.Bytes > 0 {
		raw = make([]byte, m.Bytes)
		if _, err := io.ReadFull(c.out, raw); err != nil {
			return m, nil, c.exited("")
		}
	}
	return m, raw, nil
}

// exited waits for the process and describes its end.
func (c *Client) exited(printed string) error {
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	var status string
	select {
	case err := <-done:
		status = "exited"
		if err != nil {
			status = "exited (" + err.Error() + ")"
		}
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		status = "stopped answering"
	}
	msg := strings.TrimSpace(printed + "\n" + c.stderr.String())
	if strings.Contains(msg, "NoDevice") { // what gorgonia.org/cu prints when cuInit finds no GPU
		msg = "no NVIDIA GPU was found (cuInit: NoDevice)"
	}
	if msg == "" {
		return fmt.Errorf("the worker %s", status)
	}
	return fmt.Errorf("the worker %s: %s", status, msg)
}

// send writes a request and its raw bytes.
func (c *Client) send(r Request, raw []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := writeLine(c.stdin, r, raw); err != nil {
		return fmt.Errorf("worker: %v", err)
	}
	return nil
}

// Train runs engine/train in the worker (resume: continue the run that
// writes o.Out), calling o.Progress for every report. Cancelling ctx asks
// the worker to stop; it writes the checkpoint and Train returns
// context.Canceled, as train.Run does. It returns the parameter count.
func (c *Client) Train(ctx context.Context, o train.Options, resume bool) (int, error) {
	progress := o.Progress
	if err := c.send(Request{Op: "train", Train: &o, Resume: resume}, nil); err != nil {
		return 0, err
	}
	stop := context.AfterFunc(ctx, func() { c.send(Request{Op: "cancel"}, nil) })
	defer stop()
	for {
		m, _, err := c.read()
		if err != nil {
			return 0, err
		}
		switch m.Type {
		case "progress":
			if progress != nil && m.Progress != nil {
				progress(*m.Progress)
			}
		case "done":
			return m.Params, nil
		case "cancelled":
			return 0, context.Canceled
		case "error":
			return 0, errors.New(m.Error)
		}
	}
}

// Session is a play session in the worker: the model steps on its device,
// latents come back.
type Session struct {
	c     *Client
	Shape []int // the latent's shape
}

// Open starts a session of the checkpoint from frame (the model's size),
// with the pointer at prev, sampling with seed and sampleSteps (0: the
// checkpoint's). It returns the first latent.
func (c *Client) Open(checkpoint string, frame *image.RGBA, prev action.Action, seed uint64, sampleSteps int) (*Session, []float32, error) {
	w, h := frame.Rect.Dx(), frame.Rect.Dy()
	pix := make([]byte, 0, 4*w*h)
	for y := 0; y < h; y++ {
		pix = append(pix, frame.Pix[y*frame.Stride:y*frame.Stride+4*w]...)
	}
	if err := c.send(Request{Op: "open", Checkpoint: checkpoint, Seed: seed, SampleSteps: sampleSteps, Action: &prev, Bytes: len(pix)}, pix); err != nil {
		return nil, nil, err
	}
	z, shape, err := c.latent("opened")
	if err != nil {
		return nil, nil, err
	}
	return &Session{c: c, Shape: shape}, z, nil
}

// Step applies one action and returns the new latent. sampleSteps > 0
// changes the sampler's steps first, a non-nil hold its hold.
func (s *Session) Step(a action.Action, sampleSteps int, hold *float32) ([]float32, error) {
	if err := s.c.send(Request{Op: "step", Action: &a, SampleSteps: sampleSteps, Hold: hold}, nil); err != nil {
		return nil, err
	}
	z, _, err := s.c.latent("latent")
	return z, err
}

func (c *Client) latent(want string) ([]float32, []int, error) {
	m, raw, err := c.read()
	if err != nil {
		return nil, nil, err
	}
	if m.Type == "error" {
		return nil, nil, errors.New(m.Error)
	}
	if m.Type != want {
		return nil, nil, fmt.Errorf("worker: %q answered where %q was expected", m.Type, want)
	}
	return bytesFloat32(raw), m.Shape, nil
}

// Close ends the worker: quit, then a kill if it does not exit.
func (c *Client) Close() error {
	c.send(Request{Op: "quit"}, nil)
	c.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		c.kill()
		return errors.New("worker: killed after not quitting for 10 s")
	}
}

func (c *Client) kill() {
	c.stdin.Close()
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
