// Command ncworker is the CUDA worker: it trains and steps neural computers
// on an NVIDIA GPU for the studio and for `ncstudio train/play --device
// cuda`, speaking engine/worker's protocol on stdin and stdout. `ncworker
// train` runs one training run by itself, with ncstudio train's flags, on a
// GPU machine where ncstudio (which links OpenGL) may not start.
//
// Built with -tags cuda (`make build-cuda`, bin/ncworker-cuda) it computes
// on the GPU. The same program without the tag offers only the CPU backend
// and the CPU emulator of the CUDA kernels, which is how the tests run the
// protocol on machines without a GPU.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/worker"
)

var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "train" {
		if err := runTrain(os.Args[2:], os.Stderr); err != nil {
			if err != flag.ErrHelp {
				fmt.Fprintln(os.Stderr, "ncworker train:", err)
			}
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		if err := runBench(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "ncworker bench:", err)
			os.Exit(1)
		}
		return
	}
	fs := flag.NewFlagSet("ncworker", flag.ExitOnError)
	device := fs.String("device", defaultDevice, "cuda (a GPU; needs a -tags cuda build), emulator (the CUDA kernels on the CPU, slow: for tests) or cpu")
	gpu := fs.Int("gpu", 0, "which GPU, with --device cuda")
	precise := fs.Bool("precise", false, "3xTF32 matrix products (float32 accuracy, 3x the tensor-core work) instead of tf32")
	bf16 := fs.Bool("bf16", false, "bf16 matrix products (twice tf32's rate, about 3 significant digits)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ncworker [--device cuda|emulator|cpu] [--gpu N] [--precise | --bf16]\n"+
			"       ncworker bench [--presets default,xl] [--gemm 4096] [--json] (ncworker bench -h)\n"+
			"       ncworker train --data DIR... --out CKPT [ncstudio train's flags] (ncworker train -h)\n\n"+
			"Started by ncstudio; speaks JSON lines on stdin/stdout (docs/CUDA.md).\n\n")
		fs.PrintDefaults()
	}
	fs.Parse(os.Args[1:])

	be, dev, err := open(*device, *gpu, cuda.Options{Precise: *precise, BF16: *bf16})
	if err != nil {
		// The protocol's way to say why the worker cannot run.
		fmt.Printf(`{"type":"error","error":%q}`+"\n", err.Error())
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := worker.Serve(ctx, be, dev, version, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ncworker:", err)
		os.Exit(1)
	}
}

func open(device string, gpu int, opts cuda.Options) (tensor.Backend, worker.Device, error) {
	switch device {
	case "cuda":
		return openCUDA(gpu, opts)
	case "emulator":
		return cuda.NewEmulated(opts), worker.Device{Name: "CPU emulator of the CUDA kernels"}, nil
	case "cpu":
		return cpu.New(), worker.Device{Name: "CPU"}, nil
	}
	return nil, worker.Device{}, fmt.Errorf("--device is cuda, emulator or cpu, not %q", device)
}
