// Package cuda is the GPU compute backend: tensor.Backend on an NVIDIA GPU
// through the CUDA driver API (gorgonia.org/cu), with kernels of our own in
// CUDA C (kernels/), compiled to PTX by `make ptx` and embedded.
//
// The same kernel sources also compile as C++ against kernels/emu.h into a
// CPU emulator (NewEmulated), which needs no GPU and no CUDA: it runs every
// kernel with GPU threads as fibers, barriers, warp shuffles and emulated tf32 tensor
// cores, so that `make test` checks the kernels' arithmetic and this
// package's launch code on any machine. The real device (Open) is only in
// binaries built with `-tags cuda`, because gorgonia.org/cu calls cuInit in
// its package init and exits the process when there is no GPU; such a
// binary is the worker process (app/ncworker) that the studio and the CLI
// start for CUDA work.
//
// Matrix products run on tensor cores: tf32 inputs with float32
// accumulation, or, with Options.Precise, the 3xTF32 split that recovers
// float32 accuracy (the conformance suite uses it to difference gradients).
package cuda
