package worker_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/train"
	"github.com/ncstudio/ncstudio/engine/worker"
)

// The test binary doubles as the worker process: run with this variable set
// to a backend name, it serves the protocol instead of testing.
const envServe = "NCSTUDIO_TEST_WORKER"

func TestMain(m *testing.M) {
	if name := os.Getenv(envServe); name != "" {
		var be tensor.Backend = cpu.New()
		if name == "emulator" {
			be = cuda.NewEmulated(cuda.Options{})
		}
		if err := worker.Serve(context.Background(), be, worker.Device{Name: name}, "test", os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func start(t *testing.T, backend string) *worker.Client {
	t.Helper()
	t.Setenv(envServe, backend)
	c, err := worker.Start(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if c.Hello.Device == nil || c.Hello.Device.Name != backend {
		t.Fatalf("hello %+v", c.Hello)
	}
	return c
}

func tinyData(t *testing.T) (string, model.Config) {
	return synthtest.Tiny(t, "goal", 1, 40)
}

// Training in the worker reports progress, writes the checkpoint, stops on
// cancel with its state saved, and resumes from there to the end.
func TestTrainCancelResume(t *testing.T) {
	c := start(t, "cpu")
	data, cfg := tinyData(t)
	out := filepath.Join(t.TempDir(), "tiny.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	var steps int
	o := train.Options{Data: []string{data}, Config: cfg, Out: out, AESteps: 400, DynSteps: 10, Batch: 2, LR: 3e-3, Seed: 1,
		Progress: func(p train.Progress) {
			if p.Stage == "autoencoder" {
				steps = p.Step
				if p.Step == 5 {
					cancel()
				}
			}
		}}
	if _, err := c.Train(ctx, o, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if steps < 5 || steps >= 400 {
		t.Fatalf("the run stopped after %d autoencoder steps", steps)
	}
	if _, err := os.Stat(train.ResumePath(out)); err != nil {
		t.Fatalf("no resume file after cancel: %v", err)
	}
	var first int
	params, err := c.Train(context.Background(), train.Options{Out: out, Progress: func(p train.Progress) {
		if first == 0 && p.Stage == "autoencoder" {
			first = p.Step
		}
	}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if first != steps+1 {
		t.Errorf("resumed at autoencoder step %d, want %d", first, steps+1)
	}
	m, _, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if m.ParamCount() != params {
		t.Errorf("worker reported %d parameters, the checkpoint has %d", params, m.ParamCount())
	}
}

// A play session in the worker (the CUDA kernels, emulated) steps like a
// session of the same checkpoint on the CPU. (An untrained tiny model: the
// emulator is slow, and the arithmetic is the same at any size.)
func TestSessionMatchesCPU(t *testing.T) {
	c := start(t, "emulator")
	cfg, _ := model.Preset("tiny")
	local, err := model.New(cpu.New(), cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := local.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	desk, err := sandbox.New(nil, sandbox.Options{Width: local.Cfg.Width, Height: local.Cfg.Height})
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, local.Cfg.Width, local.Cfg.Height))
	desk.Render(frame)
	start := action.Action{X: 20, Y: 30}
	sess, z0, err := c.Open(path, frame, start, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := local.NewSessionHistory([]*image.RGBA{frame}, start, 7)
	if err != nil {
		t.Fatal(err)
	}
	compare := func(what string, got []float32, want *tensor.Tensor) {
		t.Helper()
		if rel, _ := backendtest.RelErr(got, local.Backend().ToHost(want)); rel > 5e-3 {
			t.Errorf("%s: latent differs from the CPU session's by %.3g (relative)", what, rel)
		}
	}
	compare("first latent", z0, ref.Latent())
	for i, a := range []action.Action{{X: 25, Y: 30}, {X: 30, Y: 34}, {X: 30, Y: 34, Buttons: action.Left}} {
		z, err := sess.Step(a, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		compare(fmt.Sprintf("step %d", i+1), z, ref.Step(a))
	}
	// The hold travels with a step and stays for the next ones.
	hold := float32(0.5)
	ref.Hold = hold
	for i, a := range []action.Action{{X: 40, Y: 10}, {X: 41, Y: 10}} {
		h := &hold
		if i > 0 {
			h = nil
		}
		z, err := sess.Step(a, 0, h)
		if err != nil {
			t.Fatal(err)
		}
		compare(fmt.Sprintf("held step %d", i+1), z, ref.Step(a))
	}
}

// A worker that cannot run says why; a CUDA build without a GPU prints cu's
// initialisation error and exits, which the client turns into a sentence.
func TestStartFailures(t *testing.T) {
	for _, tc := range []struct{ script, want string }{
		{`echo 'Error in initialization, please refer to "https://docs.nvidia.com/..." for details on: NoDevice'; exit 1`, "no NVIDIA GPU was found"},
		{`echo '{"type":"error","error":"cuda: no GPU 3 (1 found)"}'; exit 1`, "no GPU 3"},
		{`echo boom >&2; exit 2`, "boom"},
		{`echo '{"type":"hello","protocol":99}'`, "protocol 99"},
	} {
		start := time.Now()
		_, err := worker.Start("/bin/sh", "-c", tc.script)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one that says %q", tc.script, err, tc.want)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("%s: took %v to fail", tc.script, time.Since(start))
		}
	}
}
