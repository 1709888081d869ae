//go:build !cuda

package main

import (
	"errors"

	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/worker"
)

// Without the cuda tag there is no GPU to open; the default device makes
// that the first thing a user of this build hears.
const defaultDevice = "cuda"

func openCUDA(int, cuda.Options) (tensor.Backend, worker.Device, error) {
	return nil, worker.Device{}, errors.New("this ncworker was built without CUDA: build it with 'make build-cuda' (go build -tags cuda)")
}
