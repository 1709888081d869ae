// common.cuh: what every kernel file shares. The kernels compile two ways:
// with nvcc to PTX (`make ptx`, embedded in the cuda-tagged backend), and
// with g++ through emu.h, which runs them on the CPU for the tests.
//
// Conventions: a kernel is declared with KERNEL(name, (params)) so that both
// builds see one C name; parameters are pointers, int and float only (cu
// passes every argument as an 8-byte value); every loop over work items
// strides by the grid, so any grid size is correct and the host picks one
// that fits the device.
#pragma once

#ifdef __CUDACC__
#include <mma.h>
#define KERNEL(name, params) extern "C" __global__ void name params
#else
#include "emu.h"
#define KERNEL(name, params)                           \
	extern "C" void name params;                       \
	static emu::Registration registration_##name(#name, name); \
	extern "C" void name params
#endif

#define GRID_LOOP(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)
#define BLOCK_LOOP(row, rows) for (int row = blockIdx.x; row < (rows); row += gridDim.x)

// warp_sum adds v over the 32 lanes of a warp; every lane gets the sum.
template <class T>
__device__ __forceinline__ T warp_sum(T v) {
	for (int m = 16; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
	return v;
}

// block_sum adds v over the block (blockDim.x a multiple of 32, at most
// 1024); every thread gets the sum. It may be called repeatedly.
template <class T>
__device__ T block_sum(T v) {
	__shared__ T partial[32];
	__shared__ T total;
	int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
	v = warp_sum(v);
	if (lane == 0) partial[warp] = v;
	__syncthreads();
	if (warp == 0) {
		T s = lane < int(blockDim.x / 32) ? partial[lane] : T(0);
		s = warp_sum(s);
		if (lane == 0) total = s;
	}
	__syncthreads();
	T s = total;
	__syncthreads();  // total and partial may be reused by the next call
	return s;
}

// Broadcast index: an output element's offset in an input of up to four
// merged dimensions (d0 outermost) with element strides s0..s3 (0 where the
// input is broadcast). The host merges and pads dimensions (tensor.Broadcast).
__device__ __forceinline__ long long bcast_offset(long long i, int d1, int d2, int d3, int s0, int s1, int s2, int s3) {
	long long i3 = i % d3;
	i /= d3;
	long long i2 = i % d2;
	i /= d2;
	long long i1 = i % d1;
	long long i0 = i / d1;
	return i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3;
}
