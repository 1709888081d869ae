// norm.cu: row-wise reductions, one block per row (layer/RMS norm, softmax)
// or per (image, group) (group norm). Statistics are accumulated in float64
// like the CPU backend's, so the two agree to float32 rounding.
#include "common.cuh"

// rownorm_f32: LayerNorm (mean != null) or RMSNorm (mean == null: no
// centering, no bias) over the last dimension; w and b may be null.
KERNEL(rownorm_f32, (float* out, float* mean, float* rstd, const float* x, const float* w, const float* b, int rows,
                     int cols, float eps)) {
	BLOCK_LOOP(r, rows) {
		const float* xr = x + (long long)r * cols;
		float* outr = out + (long long)r * cols;
		double s = 0;
		if (mean) {
			for (int i = threadIdx.x; i < cols; i += blockDim.x) s += xr[i];
			s = block_sum(s);
		}
		float mu = float(s / cols);
		double ss = 0;
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			double d = double(xr[i]) - mu;
			ss += d * d;
		}
		ss = block_sum(ss);
		float rs = float(1.0 / sqrt(ss / cols + double(eps)));
		if (threadIdx.x == 0) {
			if (mean) mean[r] = mu;
			rstd[r] = rs;
		}
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			float y = (xr[i] - mu) * rs;
			if (w) y *= w[i];
			if (b) y += b[i];
			outr[i] = y;
		}
	}
}

// rownorm_backward_f32 writes dx of rownorm_f32: with g = dy·w and
// xhat = (x-mean)·rstd, dx = rstd·(g - mean(g) - xhat·mean(g·xhat)); the
// mean(g) term only when centering.
KERNEL(rownorm_backward_f32, (float* dx, const float* dy, const float* x, const float* mean, const float* rstd,
                              const float* w, int rows, int cols)) {
	BLOCK_LOOP(r, rows) {
		long long o = (long long)r * cols;
		float mu = mean ? mean[r] : 0.0f, rs = rstd[r];
		double sg = 0, sgx = 0;
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			float g = dy[o + i] * (w ? w[i] : 1.0f);
			sg += g;
			sgx += g * ((x[o + i] - mu) * rs);
		}
		sg = block_sum(sg);
		sgx = block_sum(sgx);
		float mg = mean ? float(sg / cols) : 0.0f, mgx = float(sgx / cols);
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			float g = dy[o + i] * (w ? w[i] : 1.0f);
			float xhat = (x[o + i] - mu) * rs;
			dx[o + i] = rs * (g - mg - xhat * mgx);
		}
	}
}

// rownorm_params_partial_f32 sums dy·xhat (into pw) and dy (into pb, which
// may be null) over each chunk of rows, per column: pw[c][col] for rows
// [c·chunk, (c+1)·chunk). Chunks keep every thread's loop short; colsum_f32
// then adds the chunks up.
KERNEL(rownorm_params_partial_f32, (float* pw, float* pb, const float* dy, const float* x, const float* mean,
                                    const float* rstd, int rows, int cols, int chunk)) {
	int chunks = (rows + chunk - 1) / chunk;
	long long n = (long long)chunks * cols;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		int c = int(i / cols), col = int(i % cols);
		int r1 = min(rows, (c + 1) * chunk);
		double sw = 0, sb = 0;
		for (int r = c * chunk; r < r1; r++) {
			long long o = (long long)r * cols + col;
			sw += dy[o] * ((x[o] - (mean ? mean[r] : 0.0f)) * rstd[r]);
			sb += dy[o];
		}
		pw[i] = float(sw);
		if (pb) pb[i] = float(sb);
	}
}

// groupnorm_f32: x [n, c, hw] normalised over groups of cpg channels and all
// of hw; one block per (image, group). w and b ([c]) may be null.
KERNEL(groupnorm_f32, (float* out, float* mean, float* rstd, const float* x, const float* w, const float* b, int n,
                       int c, int hw, int groups, float eps)) {
	int cpg = c / groups, size = cpg * hw;
	BLOCK_LOOP(ng, n * groups) {
		long long o = (long long)ng * size;  // groups are contiguous in [n, c, hw]
		double s = 0;
		for (int i = threadIdx.x; i < size; i += blockDim.x) s += x[o + i];
		s = block_sum(s);
		float mu = float(s / size);
		double ss = 0;
		for (int i = threadIdx.x; i < size; i += blockDim.x) {
			double d = double(x[o + i]) - mu;
			ss += d * d;
		}
		ss = block_sum(ss);
		float rs = float(1.0 / sqrt(ss / size + double(eps)));
		if (threadIdx.x == 0) {
			mean[ng] = mu;
			rstd[ng] = rs;
		}
		int c0 = (ng % groups) * cpg;
		for (int i = threadIdx.x; i < size; i += blockDim.x) {
			int ch = c0 + i / hw;
			float y = (x[o + i] - mu) * rs;
			if (w) y *= w[ch];
			if (b) y += b[ch];
			out[o + i] = y;
		}
	}
}

// groupnorm_backward_f32 writes dx of groupnorm_f32 (the formula of
// rownorm_backward_f32 over each group, g = dy·w[channel]).
KERNEL(groupnorm_backward_f32, (float* dx, const float* dy, const float* x, const float* mean, const float* rstd,
                                const float* w, int n, int c, int hw, int groups)) {
	int cpg = c / groups, size = cpg * hw;
	BLOCK_LOOP(ng, n * groups) {
		long long o = (long long)ng * size;
		int c0 = (ng % groups) * cpg;
		float mu = mean[ng], rs = rstd[ng];
		double sg = 0, sgx = 0;
		for (int i = threadIdx.x; i < size; i += blockDim.x) {
			float g = dy[o + i] * (w ? w[c0 + i / hw] : 1.0f);
			sg += g;
			sgx += g * ((x[o + i] - mu) * rs);
		}
		sg = block_sum(sg);
		sgx = block_sum(sgx);
		float mg = float(sg / size), mgx = float(sgx / size);
		for (int i = threadIdx.x; i < size; i += blockDim.x) {
			float g = dy[o + i] * (w ? w[c0 + i / hw] : 1.0f);
			dx[o + i] = rs * (g - mg - (x[o + i] - mu) * rs * mgx);
		}
	}
}

// groupnorm_params_backward_f32 accumulates dw[ch] += Σ dy·xhat and
// db[ch] += Σ dy over images and positions; one block per channel.
KERNEL(groupnorm_params_backward_f32, (float* dw, float* db, const float* dy, const float* x, const float* mean,
                                       const float* rstd, int n, int c, int hw, int groups)) {
	int cpg = c / groups;
	BLOCK_LOOP(ch, c) {
		double sw = 0, sb = 0;
		for (int img = 0; img < n; img++) {
			int ng = img * groups + ch / cpg;
			float mu = mean[ng], rs = rstd[ng];
			long long o = ((long long)img * c + ch) * hw;
			for (int i = threadIdx.x; i < hw; i += blockDim.x) {
				sw += dy[o + i] * ((x[o + i] - mu) * rs);
				sb += dy[o + i];
			}
		}
		sw = block_sum(sw);
		sb = block_sum(sb);
		if (threadIdx.x == 0) {
			if (dw) dw[ch] += float(sw);
			if (db) db[ch] += float(sb);
		}
	}
}

// softmax_f32: out = softmax(scale·x + mask) over rows of cols; mask
// ([mask_rows, cols], may be null) is indexed by row % mask_rows, which
// fuses attention's scaling and masking into the softmax. out may alias x.
KERNEL(softmax_f32, (float* out, const float* x, const float* mask, int rows, int cols, int mask_rows, float scale)) {
	__shared__ float red[32];
	BLOCK_LOOP(r, rows) {
		long long o = (long long)r * cols;
		const float* mr = mask ? mask + (long long)(r % mask_rows) * cols : nullptr;
		float mx = -INFINITY;
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			float v = scale * x[o + i] + (mr ? mr[i] : 0.0f);
			mx = fmaxf(mx, v);
		}
		// Block maximum: warps, then the first warp over the warps' maxima.
		for (int m = 16; m > 0; m >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, m));
		if (threadIdx.x % 32 == 0) red[threadIdx.x / 32] = mx;
		__syncthreads();
		mx = -INFINITY;
		for (int k = 0; k < int(blockDim.x / 32); k++) mx = fmaxf(mx, red[k]);
		__syncthreads();
		double s = 0;
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			float e = expf(scale * x[o + i] + (mr ? mr[i] : 0.0f) - mx);
			out[o + i] = e;
			s += e;
		}
		s = block_sum(s);
		float inv = float(1.0 / s);
		for (int i = threadIdx.x; i < cols; i += blockDim.x) out[o + i] *= inv;
	}
}

// softmax_backward_f32: dx = scale·y·(dy - Σ dy·y) over rows. dx may alias dy.
KERNEL(softmax_backward_f32, (float* dx, const float* dy, const float* y, int rows, int cols, float scale)) {
	BLOCK_LOOP(r, rows) {
		long long o = (long long)r * cols;
		double s = 0;
		for (int i = threadIdx.x; i < cols; i += blockDim.x) s += dy[o + i] * y[o + i];
		s = block_sum(s);
		float dot = float(s);
		for (int i = threadIdx.x; i < cols; i += blockDim.x) dx[o + i] = scale * y[o + i] * (dy[o + i] - dot);
	}
}
