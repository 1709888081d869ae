// elementwise.cu: memory-bound kernels, one element per thread and step.
#include "common.cuh"

KERNEL(fill_f32, (float* x, float v, int n)) {
	GRID_LOOP(i, n) x[i] = v;
}

KERNEL(copy_f32, (float* dst, const float* src, int n)) {
	GRID_LOOP(i, n) dst[i] = src[i];
}

KERNEL(scale_f32, (float* x, float s, int n)) {
	GRID_LOOP(i, n) x[i] *= s;
}

KERNEL(axpy_f32, (float* y, float a, const float* x, int n)) {
	GRID_LOOP(i, n) y[i] += a * x[i];
}

// sum_squares writes one partial sum per block; the host adds them in float64.
KERNEL(sum_squares_f32, (double* partial, const float* x, int n)) {
	double s = 0;
	GRID_LOOP(i, n) s += double(x[i]) * double(x[i]);
	s = block_sum(s);
	if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__device__ __forceinline__ float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

KERNEL(silu_f32, (float* out, const float* x, int n)) {
	GRID_LOOP(i, n) out[i] = x[i] * sigmoidf(x[i]);
}

KERNEL(silu_backward_f32, (float* dx, const float* dy, const float* x, int n)) {
	GRID_LOOP(i, n) {
		float s = sigmoidf(x[i]);
		dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
	}
}

// GELU in its exact form x·Φ(x), as PyTorch's default.
KERNEL(gelu_f32, (float* out, const float* x, int n)) {
	GRID_LOOP(i, n) out[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

KERNEL(gelu_backward_f32, (float* dx, const float* dy, const float* x, int n)) {
	GRID_LOOP(i, n) {
		float v = x[i];
		float cdf = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
		float pdf = 0.39894228040143268f * expf(-0.5f * v * v);
		dx[i] = dy[i] * (cdf + v * pdf);
	}
}

// binary_f32: out = a + b (mul == 0) or a * b, with broadcasting described by
// four merged output dimensions and each input's strides over them.
KERNEL(binary_f32, (float* out, const float* a, const float* b, int n, int mul, int d1, int d2, int d3, int sa0,
                    int sa1, int sa2, int sa3, int sb0, int sb1, int sb2, int sb3)) {
	GRID_LOOP(i, n) {
		float x = a[bcast_offset(i, d1, d2, d3, sa0, sa1, sa2, sa3)];
		float y = b[bcast_offset(i, d1, d2, d3, sb0, sb1, sb2, sb3)];
		out[i] = mul ? x * y : x + y;
	}
}

// sum_to_f32: dst = beta*dst + the sum of src over the dimensions where dst
// is broadcast. src has four merged dimensions d0..d3 (contiguous); dst's
// strides over them are t0..t3, 0 on the summed ones. One thread per dst
// element walks the summed dimensions, accumulating in float64.
KERNEL(sum_to_f32, (float* dst, const float* src, float beta, int ndst, int d0, int d1, int d2, int d3, int t0,
                    int t1, int t2, int t3)) {
	int dims[4] = {d0, d1, d2, d3}, dstride[4] = {t0, t1, t2, t3};
	long long sstride[4];
	sstride[3] = 1;
	for (int k = 2; k >= 0; k--) sstride[k] = sstride[k + 1] * dims[k + 1];
	GRID_LOOP(j, ndst) {
		// Coordinates of dst element j on the kept dimensions (dst is
		// contiguous over them, outermost first).
		long long base = 0, rem = j;
		for (int k = 0; k < 4; k++) {
			if (dstride[k] == 0) continue;
			long long c = rem / dstride[k];
			rem -= c * dstride[k];
			base += c * sstride[k];
		}
		int r0 = dstride[0] ? 1 : d0, r1 = dstride[1] ? 1 : d1, r2 = dstride[2] ? 1 : d2, r3 = dstride[3] ? 1 : d3;
		double s = 0;
		for (int a = 0; a < r0; a++)
			for (int b = 0; b < r1; b++)
				for (int c = 0; c < r2; c++)
					for (int d = 0; d < r3; d++)
						s += src[base + a * sstride[0] + b * sstride[1] + c * sstride[2] + d * sstride[3]];
		dst[j] = (beta == 0.0f ? 0.0f : beta * dst[j]) + float(s);
	}
}

// colsum_f32 sums src [rows, cols] over chunks of rows: dst[c][col] =
// beta·dst[c][col] + Σ src[r][col] for r in chunk c. One chunk of all rows
// is a plain column sum (a bias gradient); many short chunks, then a
// second pass over them, keep every thread's loop short on a GPU.
KERNEL(colsum_f32, (float* dst, const float* src, int rows, int cols, int chunk, float beta)) {
	int chunks = (rows + chunk - 1) / chunk;
	long long n = (long long)chunks * cols;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		int c = int(i / cols), col = int(i % cols);
		int r1 = min(rows, (c + 1) * chunk);
		double s = 0;
		for (int r = c * chunk; r < r1; r++) s += src[(long long)r * cols + col];
		dst[i] = (beta == 0.0f ? 0.0f : beta * dst[i]) + float(s);
	}
}

// loss_f32: mean of w·f(pred-target), f = d² (l1 == 0) or |d|; grad = w·f'(d)/n.
// The weight (may be null) broadcasts like binary_f32's b. One partial sum
// per block, added on the host.
KERNEL(loss_f32, (double* partial, float* grad, const float* pred, const float* target, const float* w, int n,
                  int l1, int d1, int d2, int d3, int s0, int s1, int s2, int s3)) {
	float inv = 1.0f / float(n);
	double sum = 0;
	GRID_LOOP(i, n) {
		float d = pred[i] - target[i];
		float v, dv;
		if (l1) {
			v = fabsf(d);
			dv = d > 0 ? 1.0f : (d < 0 ? -1.0f : 0.0f);
		} else {
			v = d * d;
			dv = 2.0f * d;
		}
		if (w) {
			float wi = w[bcast_offset(i, d1, d2, d3, s0, s1, s2, s3)];
			v *= wi;
			dv *= wi;
		}
		sum += v;
		grad[i] = dv * inv;
	}
	sum = block_sum(sum);
	if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// adamw_f32: one fused AdamW step (PyTorch's decoupled form). The host
// computes the bias corrections: step_size = lr/(1-β1^t), inv_sqrt_bc2 =
// 1/sqrt(1-β2^t), decay = 1-lr·wd.
KERNEL(adamw_f32, (float* p, const float* g, float* m, float* v, int n, float beta1, float beta2, float eps,
                   float decay, float step_size, float inv_sqrt_bc2, float grad_scale)) {
	GRID_LOOP(i, n) {
		float gi = g[i] * grad_scale;
		float mi = beta1 * m[i] + (1.0f - beta1) * gi;
		float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
		m[i] = mi;
		v[i] = vi;
		float denom = sqrtf(vi) * inv_sqrt_bc2 + eps;
		p[i] = p[i] * decay - step_size * mi / denom;
	}
}
