// Package worker runs training and play sessions in a separate process, the
// CUDA worker (app/ncworker): a binary built with -tags cuda cannot even
// start where there is no NVIDIA driver (gorgonia.org/cu exits in its
// init), so the studio and the CLI stay CUDA-free and talk to it over pipes.
//
// The protocol (docs/CUDA.md has the full description):
//
//   - The parent writes requests on the worker's stdin, one JSON object per
//     line. The worker writes messages on its stdout, one JSON object per
//     line; a message with "bytes": N is followed by exactly N raw bytes
//     (little-endian float32 latents).
//   - The worker's first message is "hello" (protocol version, backend,
//     device) or "error" (why it cannot run, e.g. no GPU), then it exits.
//   - "train" runs engine/train with the given options and streams
//     "progress" messages, then "done", "cancelled" (after a "cancel"
//     request: the checkpoint holds the state, as on Ctrl-C) or "error".
//   - "open" starts a play session from a checkpoint and frames; "step"
//     applies an action and answers with the new latent; "close" ends it.
//   - "quit", or the end of stdin, ends the worker.
package worker

import (
	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/train"
)

// Protocol is the version in the hello message; it changes when a request
// or message changes incompatibly.
const Protocol = 1

// Device describes what the worker computes on.
type Device struct {
	Backend           string `json:"backend"` // e.g. "cuda (NVIDIA H100 80GB HBM3)"
	Name              string `json:"name,omitempty"`
	ComputeCapability string `json:"compute_capability,omitempty"`
	Multiprocessors   int    `json:"multiprocessors,omitempty"`
	MemoryBytes       int64  `json:"memory_bytes,omitempty"`
	FreeMemoryBytes   int64  `json:"free_memory_bytes,omitempty"`
	DriverVersion     int    `json:"driver_version,omitempty"`
}

// Request is one line the parent sends.
type Request struct {
	Op string `json:"op"` // train, cancel, open, step, close, quit

	Train  *train.Options `json:"train,omitempty"`  // train
	Resume bool           `json:"resume,omitempty"` // train: continue the run that writes Train.Out

	// open: the checkpoint, the first frame (RGBA, Width x Height, in the
	// bytes that follow the line), the pointer there, the sampler's seed
	// and steps.
	Checkpoint  string `json:"checkpoint,omitempty"`
	Seed        uint64 `json:"seed,omitempty"`
	SampleSteps int    `json:"sample_steps,omitempty"`
	// Hold, when present, sets the sampler's hold (0: off) before a step.
	Hold *float32 `json:"hold,omitempty"`

	Action *action.Action `json:"action,omitempty"` // open (the pointer), step

	Bytes int `json:"bytes,omitempty"` // raw bytes following the line
}

// Message is one line the worker sends.
type Message struct {
	Type string `json:"type"` // hello, progress, done, cancelled, opened, latent, closed, error

	Protocol int     `json:"protocol,omitempty"` // hello
	Version  string  `json:"version,omitempty"`  // hello
	Device   *Device `json:"device,omitempty"`   // hello

	Progress *train.Progress `json:"progress,omitempty"` // progress

	Checkpoint string `json:"checkpoint,omitempty"` // done, cancelled
	Params     int    `json:"params,omitempty"`     // done: the trained model's parameter count

	Shape []int `json:"shape,omitempty"` // opened, latent: the latent's shape
	Bytes int   `json:"bytes,omitempty"` // latent: raw bytes following the line

	Error string `json:"error,omitempty"`
}
