// ncstudio.cu: the one translation unit of the CUDA backend's kernels.
// `make ptx` compiles it to ncstudio.ptx (compute_80; the driver JIT-compiles
// for the GPU at hand); engine/cuda/emu.cc compiles it for the CPU emulator.
#include "elementwise.cu"
#include "norm.cu"
#include "layout.cu"
#include "gemm.cu"
