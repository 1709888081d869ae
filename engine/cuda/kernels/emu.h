// emu.h lets the CUDA C kernels of this folder compile as C++ and run on the
// CPU, so that `make test` checks their arithmetic on machines without a GPU.
//
// Model: one launch runs its blocks one after another; the threads of a
// block are fibers on one OS thread (emu.cc), switched at barriers and warp
// exchanges, so __syncthreads, warp shuffles and __shared__ memory
// (function statics: shared by the block's threads, reused by the next
// block) behave as on the device. Tensor-core fragments hold the
// whole tile; lane 0 of a warp does the warp's matrix work, which is the only
// thing our kernels depend on (they never index fragments by lane).
#pragma once

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <utility>

struct dim3 {
	unsigned x = 1, y = 1, z = 1;
};

namespace emu {

extern dim3 thread_idx, block_idx;  // of the fiber running
extern dim3 block_dim, grid_dim;

void sync_threads();
void sync_warp();
uint64_t exchange(uint64_t v, int src_lane);  // value of v in lane src_lane of this warp
int lane();

using Entry = std::function<void(const uint64_t*)>;
void add_kernel(const char* name, int nargs, Entry entry);

// Kernel arguments arrive as 8-byte values, as cuLaunchKernel reads them
// through gorgonia.org/cu: pointers, ints (low 32 bits) and floats (bits).
template <class T>
T from_arg(uint64_t v) {
	if constexpr (std::is_pointer_v<T>) {
		return reinterpret_cast<T>(v);
	} else if constexpr (std::is_same_v<T, float>) {
		uint32_t b = uint32_t(v);
		float f;
		std::memcpy(&f, &b, 4);
		return f;
	} else {
		return T(int64_t(v));
	}
}

template <class... A, size_t... I>
void call(void (*f)(A...), const uint64_t* args, std::index_sequence<I...>) {
	f(from_arg<A>(args[I])...);
}

struct Registration {
	template <class... A>
	Registration(const char* name, void (*f)(A...)) {
		add_kernel(name, sizeof...(A), [f](const uint64_t* args) { call(f, args, std::index_sequence_for<A...>{}); });
	}
};

template <class T>
T shuffle(T v, int src) {
	uint64_t bits = 0;
	std::memcpy(&bits, &v, sizeof(T));
	bits = exchange(bits, src);
	T out;
	std::memcpy(&out, &bits, sizeof(T));
	return out;
}

}  // namespace emu

#define threadIdx emu::thread_idx
#define blockIdx emu::block_idx
#define blockDim emu::block_dim
#define gridDim emu::grid_dim
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __restrict__ __restrict
#define __align__(n) __attribute__((aligned(n)))

inline void __syncthreads() { emu::sync_threads(); }
inline void __syncwarp(unsigned = 0xffffffffu) { emu::sync_warp(); }
template <class T>
T __shfl_xor_sync(unsigned, T v, int mask) {
	return emu::shuffle(v, emu::lane() ^ mask);
}
template <class T>
T __shfl_down_sync(unsigned, T v, int delta) {
	int src = emu::lane() + delta;
	T got = emu::shuffle(v, src < 32 ? src : emu::lane());
	return src < 32 ? got : v;
}
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
using std::max;  // CUDA's integer min and max
using std::min;
inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }

// bf16 (cuda_bf16.h): the top 16 bits of a float, rounded to nearest even.
struct __nv_bfloat16 {
	uint16_t bits;
};
inline __nv_bfloat16 __float2bfloat16(float f) {
	uint32_t b;
	std::memcpy(&b, &f, 4);
	if ((b & 0x7fffffffu) > 0x7f800000u) return __nv_bfloat16{uint16_t((b >> 16) | 0x40)};  // NaN stays NaN
	b += 0x7fffu + ((b >> 16) & 1u);
	return __nv_bfloat16{uint16_t(b >> 16)};
}
inline float __bfloat162float(__nv_bfloat16 h) {
	uint32_t b = uint32_t(h.bits) << 16;
	float f;
	std::memcpy(&f, &b, 4);
	return f;
}

// The subset of nvcuda::wmma (mma.h) that the GEMM uses: m16n16k8 tf32 and
// m16n16k16 bf16 (fragments hold floats either way: a bf16 value is one).
namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
namespace precision {
struct tf32 {};
}
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K>
struct tile_shape;
template <int M, int N, int K>
struct tile_shape<matrix_a, M, N, K> {
	static const int rows = M, cols = K;
};
template <int M, int N, int K>
struct tile_shape<matrix_b, M, N, K> {
	static const int rows = K, cols = N;
};
template <int M, int N, int K>
struct tile_shape<accumulator, M, N, K> {
	static const int rows = M, cols = N;
};

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
	static const int rows = tile_shape<Use, M, N, K>::rows, cols = tile_shape<Use, M, N, K>::cols;
	static const int num_elements = rows * cols;
	float x[num_elements];
};

// tf32 keeps 10 of float's 23 mantissa bits; cvt.rna rounds to nearest,
// ties away from zero.
inline float __float_to_tf32(float f) {
	uint32_t b;
	std::memcpy(&b, &f, 4);
	if ((b & 0x7f800000u) != 0x7f800000u) {
		b = (b + 0x1000u) & 0xffffe000u;
	}
	std::memcpy(&f, &b, 4);
	return f;
}

template <class Use, int M, int N, int K, class T>
void load_matrix_sync(fragment<Use, M, N, K, T, row_major>& f, const float* p, unsigned ldm) {
	using F = fragment<Use, M, N, K, T, row_major>;
	if (emu::lane() == 0) {
		for (int r = 0; r < F::rows; r++)
			for (int c = 0; c < F::cols; c++) f.x[r * F::cols + c] = p[r * ldm + c];
	}
}

template <class Use, int M, int N, int K>
void load_matrix_sync(fragment<Use, M, N, K, __nv_bfloat16, row_major>& f, const __nv_bfloat16* p, unsigned ldm) {
	using F = fragment<Use, M, N, K, __nv_bfloat16, row_major>;
	if (emu::lane() == 0) {
		for (int r = 0; r < F::rows; r++)
			for (int c = 0; c < F::cols; c++) f.x[r * F::cols + c] = __bfloat162float(p[r * ldm + c]);
	}
}

template <int M, int N, int K>
void fill_fragment(fragment<accumulator, M, N, K, float>& f, float v) {
	for (auto& e : f.x) e = v;
}

template <int M, int N, int K, class T>
void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, T, row_major>& a,
              const fragment<matrix_b, M, N, K, T, row_major>& b, const fragment<accumulator, M, N, K, float>& c) {
	if (emu::lane() != 0) return;
	float out[M * N];
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			float s = c.x[i * N + j];
			for (int k = 0; k < K; k++) s += a.x[i * K + k] * b.x[k * N + j];
			out[i * N + j] = s;
		}
	std::memcpy(d.x, out, sizeof out);
}

template <int M, int N, int K>
void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t) {
	if (emu::lane() == 0) {
		for (int r = 0; r < M; r++)
			for (int c = 0; c < N; c++) p[r * ldm + c] = f.x[r * N + c];
	}
	emu::sync_warp();
}
}  // namespace wmma
}  // namespace nvcuda
