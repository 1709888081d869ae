package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ncstudio/ncstudio/engine/bench"
	"github.com/ncstudio/ncstudio/engine/cuda"
)

// runBench is `ncworker bench`: the CUDA backend's benchmark table against
// PyTorch on the same GPU (docs/PERFORMANCE.md).
func runBench(args []string) error {
	fs := flag.NewFlagSet("ncworker bench", flag.ExitOnError)
	device := fs.String("device", defaultDevice, "cuda, emulator or cpu")
	gpu := fs.Int("gpu", 0, "which GPU")
	presets := fs.String("presets", "default,xl", "presets to train and play (comma-separated)")
	gemm := fs.Int("gemm", 4096, "size of the square GEMM")
	batch := fs.Int("batch", 8, "training batch")
	trainSteps := fs.Int("train-steps", 20, "timed training steps per stage")
	playSteps := fs.Int("play-steps", 100, "timed play steps")
	torch := fs.Bool("torch", true, "compare with PyTorch on the GPU (needs CUDA PyTorch)")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of a Markdown table")
	fs.Parse(args)
	be, _, err := open(*device, *gpu, cuda.Options{})
	if err != nil {
		return err
	}
	bf16, _, err := open(*device, *gpu, cuda.Options{BF16: true})
	if err != nil {
		return err
	}
	rep, err := bench.RunGPU(be, bench.GPUOptions{BF16: bf16, GEMMSize: *gemm, Presets: strings.Split(*presets, ","), Batch: *batch,
		TrainSteps: *trainSteps, PlaySteps: *playSteps, Torch: *torch})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Print(rep.Markdown())
	return nil
}
