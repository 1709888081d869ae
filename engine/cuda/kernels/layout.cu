// layout.cu: kernels that move elements: permutes, concatenation, 2x
// resampling, convolution unfolding (im2col) and embedding lookups.
#include "common.cuh"

// permute0213_f32 maps x [a, b, c, d] to out [a, c, b, d]; one thread per out element.
KERNEL(permute0213_f32, (float* out, const float* x, int a, int b, int c, int d)) {
	long long n = (long long)a * b * c * d;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		long long e = i % d, t = i / d;
		long long j = t % b;
		t /= b;
		long long k = t % c, ia = t / c;
		out[i] = x[((ia * b + j) * c + k) * d + e];
	}
}

// concat_f32 copies between whole [batch, ta+tb, d] and its parts a [batch,
// ta, d], b [batch, tb, d]: into whole when join != 0 (Concat), out of it
// otherwise (Split).
KERNEL(concat_f32, (float* whole, float* a, float* b, int batch, int ta, int tb, int d, int join)) {
	long long n = (long long)batch * (ta + tb) * d;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		long long e = i % d, t = (i / d) % (ta + tb), item = i / ((long long)d * (ta + tb));
		float* part = t < ta ? a + (item * ta + t) * d + e : b + (item * tb + (t - ta)) * d + e;
		if (join)
			whole[i] = *part;
		else
			*part = whole[i];
	}
}

// spread2x_f32 fills each 2x2 block of big [planes, 2h, 2w] with
// scale·small: nearest upsampling (scale 1) and the backward of average
// pooling (scale 1/4). One thread per big element.
KERNEL(spread2x_f32, (float* big, const float* small, int planes, int h, int w, float scale)) {
	long long n = (long long)planes * 4 * h * w;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		long long x = i % (2 * w), y = (i / (2 * w)) % (2 * h), p = i / (4LL * h * w);
		big[i] = scale * small[(p * h + y / 2) * w + x / 2];
	}
}

// sum2x2_f32 writes small = scale·(sum of each 2x2 block of big): average
// pooling (scale 1/4) and the backward of nearest upsampling (scale 1).
KERNEL(sum2x2_f32, (float* small, const float* big, int planes, int h, int w, float scale)) {
	long long n = (long long)planes * h * w;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
		long long x = i % w, y = (i / w) % h, p = i / ((long long)h * w);
		const float* r0 = big + (p * 2 * h + 2 * y) * 2 * w + 2 * x;
		const float* r1 = r0 + 2 * w;
		small[i] = scale * (r0[0] + r0[1] + r1[0] + r1[1]);
	}
}

// im2col_f32 unfolds x [n, c, h, w] into cols [n, c·k·k, ho·wo] (row
// (ch, ky, kx), column (oy, ox)), zero outside the padded image.
KERNEL(im2col_f32, (float* cols, const float* x, int n, int c, int h, int w, int k, int stride, int pad, int ho,
                    int wo)) {
	long long total = (long long)n * c * k * k * ho * wo;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
	     i += (long long)blockDim.x * gridDim.x) {
		long long ox = i % wo, t = i / wo;
		long long oy = t % ho;
		t /= ho;
		long long kx = t % k;
		t /= k;
		long long ky = t % k;
		t /= k;  // t = img*c + ch
		long long iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
		cols[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(t * h + iy) * w + ix] : 0.0f;
	}
}

// col2im_f32 is im2col's adjoint: dx[n, c, h, w] = the sum of the unfolded
// entries that read each pixel. One thread per pixel gathers them, so no
// atomics and a fixed order.
KERNEL(col2im_f32, (float* dx, const float* cols, int n, int c, int h, int w, int k, int stride, int pad, int ho,
                    int wo)) {
	long long total = (long long)n * c * h * w;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
	     i += (long long)blockDim.x * gridDim.x) {
		long long ix = i % w, iy = (i / w) % h, t = i / ((long long)h * w);  // t = img*c + ch
		float s = 0;
		for (int ky = 0; ky < k; ky++) {
			long long ny = iy + pad - ky;  // = oy*stride
			if (ny < 0 || ny % stride != 0 || ny / stride >= ho) continue;
			for (int kx = 0; kx < k; kx++) {
				long long nx = ix + pad - kx;
				if (nx < 0 || nx % stride != 0 || nx / stride >= wo) continue;
				s += cols[(((t * k + ky) * k + kx) * ho + ny / stride) * wo + nx / stride];
			}
		}
		dx[i] = s;
	}
}

// embedding_f32 gathers rows of table [v, d] for ids into out [n, d].
KERNEL(embedding_f32, (float* out, const float* table, const int* ids, int n, int d)) {
	GRID_LOOP(i, n * d) out[i] = table[(long long)ids[i / d] * d + i % d];
}

// embedding_backward_f32 adds dout's rows into dtable at ids. Repeated ids
// add with atomics (float addition order varies between runs, by rounding).
KERNEL(embedding_backward_f32, (float* dtable, const float* dout, const int* ids, int n, int d)) {
	GRID_LOOP(i, n * d) atomicAdd(&dtable[(long long)ids[i / d] * d + i % d], dout[i]);
}
