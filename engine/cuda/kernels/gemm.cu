// gemm.cu: batched C = alpha·op(A)·op(B) + beta·C on tensor cores (tf32
// or bf16 inputs, float32 accumulation), the engine's one matrix product.
//
// A block computes a 64x64 tile of C with 4 warps (2x2), each warp a 32x32
// sub-tile as 2x2 WMMA fragments (m16n16k8 for tf32, m16n16k16 for bf16).
// Tiles of A and B are staged in
// shared memory, transposed on the way in when asked, zero-padded at the
// edges, so any M, N, K and either layout work.
//
// precise != 0 runs "3xTF32": each operand is split into a tf32 high part
// and a tf32 remainder, and hi·hi + hi·lo + lo·hi recovers float32
// accuracy at three times the tensor-core work. The conformance tests use
// it; training uses plain tf32, or bf16 when asked (Options.BF16).
#include "common.cuh"

using namespace nvcuda;

#define GEMM_BM 64
#define GEMM_BN 64
#define GEMM_BK 16
#define GEMM_THREADS 128
// Rows are padded by 16 bytes against shared-memory bank conflicts (PAD
// below); that keeps fragment pointers 32-byte aligned, as WMMA needs.

// gemm_frags describes the tensor-core tiles for one input element type:
// float (tf32 fragments, k = 8) or bf16 (k = 16); acc is float for both.
template <class T>
struct gemm_frags;

template <>
struct gemm_frags<float> {
	static const int K = 8;
	static const int PAD = 4;  // 16 bytes
	typedef wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a;
	typedef wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> b;
	typedef wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc;
	static __device__ __forceinline__ float from(float v) { return v; }
};

template <>
struct gemm_frags<__nv_bfloat16> {
	static const int K = 16;
	static const int PAD = 8;  // 16 bytes
	typedef wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a;
	typedef wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b;
	typedef wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
	static __device__ __forceinline__ __nv_bfloat16 from(float v) { return __float2bfloat16(v); }
};

// split_tf32 rounds f to tf32 in place and, when lo is given, stores the
// rounding remainder (itself rounded to tf32) there.
template <class F>
__device__ __forceinline__ void split_tf32(F& f, F* lo) {
	for (int t = 0; t < f.num_elements; t++) {
		float v = f.x[t], hi = wmma::__float_to_tf32(v);
		f.x[t] = hi;
		if (lo) lo->x[t] = wmma::__float_to_tf32(v - hi);
	}
}

// tile_product adds the warp's 32x32 part of As·Bs (one k-step of a staged
// tile) to acc: tf32 with the optional 3xTF32 split, or bf16 as it is.
template <int LDA, int LDB>
__device__ __forceinline__ void tile_product(gemm_frags<float>::acc (&acc)[2][2], const float* As, const float* Bs,
                                             int wm, int wn, bool precise) {
	typedef gemm_frags<float> G;
	typename G::a ah[2], al[2];
	typename G::b bh[2], bl[2];
	for (int i = 0; i < 2; i++) {
		wmma::load_matrix_sync(ah[i], As + (wm * 32 + i * 16) * LDA, LDA);
		split_tf32(ah[i], precise ? &al[i] : (typename G::a*)nullptr);
		wmma::load_matrix_sync(bh[i], Bs + wn * 32 + i * 16, LDB);
		split_tf32(bh[i], precise ? &bl[i] : (typename G::b*)nullptr);
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			if (precise) {
				wmma::mma_sync(acc[i][j], al[i], bh[j], acc[i][j]);
				wmma::mma_sync(acc[i][j], ah[i], bl[j], acc[i][j]);
			}
			wmma::mma_sync(acc[i][j], ah[i], bh[j], acc[i][j]);
		}
}

template <int LDA, int LDB>
__device__ __forceinline__ void tile_product(gemm_frags<__nv_bfloat16>::acc (&acc)[2][2], const __nv_bfloat16* As,
                                             const __nv_bfloat16* Bs, int wm, int wn, bool) {
	typedef gemm_frags<__nv_bfloat16> G;
	typename G::a a[2];
	typename G::b b[2];
	for (int i = 0; i < 2; i++) {
		wmma::load_matrix_sync(a[i], As + (wm * 32 + i * 16) * LDA, LDA);
		wmma::load_matrix_sync(b[i], Bs + wn * 32 + i * 16, LDB);
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
}

// gemm: for batch item z (gridDim.z items; or, when sum_batches > 0, the
// sum over that many items into one C), C_z = alpha·op(A_z)·op(B_z) +
// beta·C_z, the inputs rounded to T on their way into shared memory. Items
// are stride_a/b/c floats apart (0: shared); lda, ldb, ldc are the row
// lengths of A, B, C as stored.
template <class T>
__device__ void gemm(float* C, const float* A, const float* B, int M, int N, int K, int lda, int ldb, int ldc,
                     int stride_a, int stride_b, int stride_c, int trans_a, int trans_b, float alpha, float beta,
                     int sum_batches, int precise) {
	typedef gemm_frags<T> G;
	const int LDA = GEMM_BK + G::PAD, LDB = GEMM_BN + G::PAD;
	__shared__ __align__(32) T As[GEMM_BM][GEMM_BK + G::PAD];
	__shared__ __align__(32) T Bs[GEMM_BK][GEMM_BN + G::PAD];
	__shared__ __align__(32) float Cs[GEMM_BM][GEMM_BN + 4];

	int warp = threadIdx.x / 32, wm = warp / 2, wn = warp % 2;
	int row0 = blockIdx.y * GEMM_BM, col0 = blockIdx.x * GEMM_BN;
	typename G::acc acc[2][2];
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.0f);

	int items = sum_batches > 0 ? sum_batches : 1;
	for (int item = 0; item < items; item++) {
		long long z = sum_batches > 0 ? item : blockIdx.z;
		const float* a = A + z * stride_a;
		const float* b = B + z * stride_b;
		for (int k0 = 0; k0 < K; k0 += GEMM_BK) {
			// Stage the tiles; consecutive threads read consecutive addresses.
			for (int e = threadIdx.x; e < GEMM_BM * GEMM_BK; e += GEMM_THREADS) {
				int r = trans_a ? e % GEMM_BM : e / GEMM_BK, c = trans_a ? e / GEMM_BM : e % GEMM_BK;
				int gr = row0 + r, gk = k0 + c;
				float v = 0.0f;
				if (gr < M && gk < K) v = trans_a ? a[(long long)gk * lda + gr] : a[(long long)gr * lda + gk];
				As[r][c] = G::from(v);
			}
			for (int e = threadIdx.x; e < GEMM_BK * GEMM_BN; e += GEMM_THREADS) {
				int r = trans_b ? e % GEMM_BK : e / GEMM_BN, c = trans_b ? e / GEMM_BK : e % GEMM_BN;
				int gk = k0 + r, gc = col0 + c;
				float v = 0.0f;
				if (gk < K && gc < N) v = trans_b ? b[(long long)gc * ldb + gk] : b[(long long)gk * ldb + gc];
				Bs[r][c] = G::from(v);
			}
			__syncthreads();
			for (int kk = 0; kk < GEMM_BK; kk += G::K)
				tile_product<LDA, LDB>(acc, &As[0][kk], &Bs[kk][0], wm, wn, precise != 0);
			__syncthreads();
		}
	}

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			wmma::store_matrix_sync(&Cs[wm * 32 + i * 16][wn * 32 + j * 16], acc[i][j], GEMM_BN + 4,
			                        wmma::mem_row_major);
	__syncthreads();
	float* c = C + (sum_batches > 0 ? 0LL : (long long)blockIdx.z * stride_c);
	for (int e = threadIdx.x; e < GEMM_BM * GEMM_BN; e += GEMM_THREADS) {
		int r = e / GEMM_BN, cc = e % GEMM_BN, gr = row0 + r, gc = col0 + cc;
		if (gr < M && gc < N) {
			long long o = (long long)gr * ldc + gc;
			float v = alpha * Cs[r][cc];
			if (beta != 0.0f) v += beta * c[o];
			c[o] = v;
		}
	}
}

// gemm_tf32 multiplies with tf32 inputs (precise != 0: 3xTF32).
KERNEL(gemm_tf32, (float* C, const float* A, const float* B, int M, int N, int K, int lda, int ldb, int ldc,
                   int stride_a, int stride_b, int stride_c, int trans_a, int trans_b, float alpha, float beta,
                   int sum_batches, int precise)) {
	gemm<float>(C, A, B, M, N, K, lda, ldb, ldc, stride_a, stride_b, stride_c, trans_a, trans_b, alpha, beta,
	            sum_batches, precise);
}

// gemm_bf16 multiplies with bf16 inputs: twice tf32's tensor-core rate,
// about three significant digits per input.
KERNEL(gemm_bf16, (float* C, const float* A, const float* B, int M, int N, int K, int lda, int ldb, int ldc,
                   int stride_a, int stride_b, int stride_c, int trans_a, int trans_b, float alpha, float beta,
                   int sum_batches)) {
	gemm<__nv_bfloat16>(C, A, B, M, N, K, lda, ldb, ldc, stride_a, stride_b, stride_c, trans_a, trans_b, alpha, beta,
	                    sum_batches, 0);
}
