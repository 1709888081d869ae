//go:build cuda

package main

import (
	"github.com/ncstudio/ncstudio/engine/cuda"
	"github.com/ncstudio/ncstudio/engine/tensor"
	"github.com/ncstudio/ncstudio/engine/worker"
)

const defaultDevice = "cuda"

func openCUDA(gpu int, opts cuda.Options) (tensor.Backend, worker.Device, error) {
	be, info, err := cuda.Open(gpu, opts)
	if err != nil {
		return nil, worker.Device{}, err
	}
	return be, worker.Device{Name: info.Name, ComputeCapability: info.ComputeCapability, Multiprocessors: info.Multiprocessors,
		MemoryBytes: info.MemoryBytes, FreeMemoryBytes: info.FreeMemoryBytes, DriverVersion: info.DriverVersion}, nil
}
