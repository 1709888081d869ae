// Vectorisable float32 kernels for the CPU backend's memory-bound ops.
//
// Each function is compiled twice on x86-64 (AVX2+FMA and baseline SSE2) and
// the loader picks the best one for the running CPU (GCC target_clones), so
// the binary still runs on CPUs without AVX2. Loops are written without
// calls or branches that would stop GCC from vectorising them; reductions
// keep 8 partial sums, which the vectoriser maps onto one register.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

// Nothing here reads errno or floating-point exception flags; saying so lets
// GCC vectorise rintf and the comparisons.
#pragma GCC optimize("no-math-errno", "no-trapping-math")

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

#define LANES 8

static inline float bits_to_float(int32_t b) {
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

// e^x within 2e-7 relative: x = n·ln2 + r, |r| <= ln2/2, a degree-6 Taylor
// polynomial for e^r and the exponent bits for 2^n. Inputs are clamped to
// where the result is a normal float32; below that it is 0, so a -Inf mask
// entry gives exactly 0.
static inline float exp_approx(float x0) {
	float x = x0 < -87.3f ? -87.3f : x0;
	x = x > 88.7f ? 88.7f : x;
	float fn = rintf(x * 1.44269504088896341f);
	float r = x - fn * 0.693359375f - fn * -2.12194440e-4f;
	float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
	float y = p * bits_to_float(((int32_t)fn + 127) << 23);
	return x0 < -87.3f ? 0.0f : y;
}

// Φ(x) = (1+erf(x/√2))/2 through Abramowitz & Stegun 7.1.26 (absolute error
// below 1.5e-7), computing the tail directly so that Φ stays accurate for
// negative x; *pdf receives φ(x), which shares the exponential.
static inline float normal_cdf(float x, float *pdf) {
	float e = exp_approx(-0.5f * x * x);
	float z = fabsf(x) * 0.7071067811865476f;
	float t = 1.0f / (1.0f + 0.3275911f * z);
	float tail = 0.5f * t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f)))) * e;
	*pdf = e * 0.3989422804014327f;
	return x < 0 ? tail : 1.0f - tail;
}

MULTIVERSION void ncs_exp(float *v, size_t n) {
	for (size_t i = 0; i < n; i++) v[i] = exp_approx(v[i]);
}

MULTIVERSION void ncs_normal_cdf(float *cdf, float *pdf, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) cdf[i] = normal_cdf(x[i], &pdf[i]);
}

MULTIVERSION void ncs_silu(float *out, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) out[i] = x[i] / (1.0f + exp_approx(-x[i]));
}

MULTIVERSION void ncs_silu_backward(float *dx, const float *dy, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) {
		float s = 1.0f / (1.0f + exp_approx(-x[i]));
		dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
	}
}

MULTIVERSION void ncs_gelu(float *out, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) {
		float pdf;
		out[i] = x[i] * normal_cdf(x[i], &pdf);
	}
}

MULTIVERSION void ncs_gelu_backward(float *dx, const float *dy, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) {
		float pdf;
		float cdf = normal_cdf(x[i], &pdf);
		dx[i] = dy[i] * (cdf + x[i] * pdf);
	}
}

static inline float row_max(const float *x, size_t n) {
	float m[LANES];
	for (int l = 0; l < LANES; l++) m[l] = -INFINITY;
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int l = 0; l < LANES; l++) m[l] = x[i + l] > m[l] ? x[i + l] : m[l];
	float r = -INFINITY;
	for (int l = 0; l < LANES; l++) r = m[l] > r ? m[l] : r;
	for (; i < n; i++) r = x[i] > r ? x[i] : r;
	return r;
}

static inline float row_sum(const float *x, size_t n) {
	float s[LANES] = {0};
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int l = 0; l < LANES; l++) s[l] += x[i + l];
	float r = 0;
	for (int l = 0; l < LANES; l++) r += s[l];
	for (; i < n; i++) r += x[i];
	return r;
}

static inline float row_dot(const float *a, const float *b, size_t n) {
	float s[LANES] = {0};
	size_t i = 0;
	for (; i + LANES <= n; i += LANES)
		for (int l = 0; l < LANES; l++) s[l] += a[i + l] * b[i + l];
	float r = 0;
	for (int l = 0; l < LANES; l++) r += s[l];
	for (; i < n; i++) r += a[i] * b[i];
	return r;
}

// Softmax of each row; out may alias x.
MULTIVERSION void ncs_softmax_rows(float *out, const float *x, size_t rows, size_t cols) {
	for (size_t r = 0; r < rows; r++) {
		const float *xr = x + r * cols;
		float *o = out + r * cols;
		float m = row_max(xr, cols);
		for (size_t i = 0; i < cols; i++) o[i] = exp_approx(xr[i] - m);
		float inv = 1.0f / row_sum(o, cols);
		for (size_t i = 0; i < cols; i++) o[i] *= inv;
	}
}

// dx = scale · y∘(dy − Σ dy∘y) for each row; dx may alias dy.
MULTIVERSION void ncs_softmax_backward_rows(float *dx, const float *dy, const float *y, size_t rows, size_t cols, float scale) {
	for (size_t r = 0; r < rows; r++) {
		const float *dyr = dy + r * cols, *yr = y + r * cols;
		float *d = dx + r * cols;
		float s = row_dot(dyr, yr, cols);
		for (size_t i = 0; i < cols; i++) d[i] = scale * yr[i] * (dyr[i] - s);
	}
}

// The columns ox of an output row whose source pixel ox*stride+kj-pad lies
// inside a row of width w: lo <= ox < hi.
static inline void valid_columns(int wo, int w, int kj, int stride, int pad, int *lo, int *hi) {
	int l = 0, h = wo;
	while (l < wo && l * stride + kj - pad < 0) l++;
	while (h > l && (h - 1) * stride + kj - pad >= w) h--;
	*lo = l;
	*hi = h;
}

// Unfolds output rows [oy0, oy1) of one [h, w] plane for a k×k convolution:
// k·k rows of (oy1-oy0)·wo columns, zero where the kernel overlaps padding.
MULTIVERSION void ncs_im2col_rows(float *rows, const float *plane, int h, int w, int k, int stride, int pad, int oy0, int oy1, int wo) {
	size_t len = (size_t)(oy1 - oy0) * wo;
	for (int ki = 0; ki < k; ki++)
		for (int kj = 0; kj < k; kj++) {
			float *row = rows + (size_t)(ki * k + kj) * len;
			int lo, hi;
			valid_columns(wo, w, kj, stride, pad, &lo, &hi);
			for (int oy = oy0; oy < oy1; oy++) {
				int y = oy * stride + ki - pad;
				float *dst = row + (size_t)(oy - oy0) * wo;
				if (y < 0 || y >= h) {
					for (int ox = 0; ox < wo; ox++) dst[ox] = 0;
					continue;
				}
				const float *src = plane + (size_t)y * w;
				for (int ox = 0; ox < lo; ox++) dst[ox] = 0;
				if (stride == 1) {
					const float *s = src + kj - pad;
					for (int ox = lo; ox < hi; ox++) dst[ox] = s[ox];
				} else {
					for (int ox = lo; ox < hi; ox++) dst[ox] = src[ox * stride + kj - pad];
				}
				for (int ox = hi; ox < wo; ox++) dst[ox] = 0;
			}
		}
}

// Adds unfolded rows (as ncs_im2col_rows lays them out) back into the plane:
// the adjoint of im2col, accumulating.
MULTIVERSION void ncs_col2im_rows(float *plane, const float *rows, int h, int w, int k, int stride, int pad, int oy0, int oy1, int wo) {
	size_t len = (size_t)(oy1 - oy0) * wo;
	for (int ki = 0; ki < k; ki++)
		for (int kj = 0; kj < k; kj++) {
			const float *row = rows + (size_t)(ki * k + kj) * len;
			int lo, hi;
			valid_columns(wo, w, kj, stride, pad, &lo, &hi);
			for (int oy = oy0; oy < oy1; oy++) {
				int y = oy * stride + ki - pad;
				if (y < 0 || y >= h) continue;
				float *dst = plane + (size_t)y * w;
				const float *src = row + (size_t)(oy - oy0) * wo;
				if (stride == 1) {
					float *d = dst + kj - pad;
					for (int ox = lo; ox < hi; ox++) d[ox] += src[ox];
				} else {
					for (int ox = lo; ox < hi; ox++) dst[ox * stride + kj - pad] += src[ox];
				}
			}
		}
}

// Mean and biased variance of x (two passes, float64 accumulation across
// float32 lanes).
MULTIVERSION void ncs_moments(const float *x, size_t n, double *mean, double *var) {
	double m = 0;
	size_t i;
	for (i = 0; i < n; i += 256) m += row_sum(x + i, (i + 256 < n ? i + 256 : n) - i);
	m /= (double)n;
	float mf = (float)m;
	double v = 0;
	for (i = 0; i < n; i += 256) {
		size_t e = i + 256 < n ? i + 256 : n;
		float s[LANES] = {0};
		size_t j = i;
		for (; j + LANES <= e; j += LANES)
			for (int l = 0; l < LANES; l++) {
				float d = x[j + l] - mf;
				s[l] += d * d;
			}
		for (; j < e; j++) s[0] += (x[j] - mf) * (x[j] - mf);
		for (int l = 0; l < LANES; l++) v += s[l];
	}
	*mean = m;
	*var = v / (double)n;
}

// Σdy and Σdy·(x-mu), the two sums of a normalisation's backward.
MULTIVERSION void ncs_sums(const float *dy, const float *x, size_t n, float mu, double *sum_dy, double *sum_dy_xc) {
	double a = 0, b = 0;
	for (size_t i = 0; i < n; i += 256) {
		size_t e = i + 256 < n ? i + 256 : n;
		float sa[LANES] = {0}, sb[LANES] = {0};
		size_t j = i;
		for (; j + LANES <= e; j += LANES)
			for (int l = 0; l < LANES; l++) {
				sa[l] += dy[j + l];
				sb[l] += dy[j + l] * (x[j + l] - mu);
			}
		for (; j < e; j++) {
			sa[0] += dy[j];
			sb[0] += dy[j] * (x[j] - mu);
		}
		for (int l = 0; l < LANES; l++) {
			a += sa[l];
			b += sb[l];
		}
	}
	*sum_dy = a;
	*sum_dy_xc = b;
}

// out = ca·a + cb·b + c0 elementwise (b may be NULL when cb is 0).
MULTIVERSION void ncs_affine3(float *out, const float *a, const float *b, size_t n, float ca, float cb, float c0) {
	if (b == NULL) {
		for (size_t i = 0; i < n; i++) out[i] = ca * a[i] + c0;
		return;
	}
	for (size_t i = 0; i < n; i++) out[i] = ca * a[i] + cb * b[i] + c0;
}

// Σx with 8 float32 lanes per block of 256 and float64 across blocks.
MULTIVERSION double ncs_sum(const float *x, size_t n) {
	double s = 0;
	for (size_t i = 0; i < n; i += 256) s += row_sum(x + i, (i + 256 < n ? i + 256 : n) - i);
	return s;
}

// Layer norm of each row: y = (x-mean)·rstd·w + b, saving mean and rstd;
// w and b may be NULL.
MULTIVERSION void ncs_layernorm_rows(float *out, float *mean, float *rstd, const float *x, const float *w, const float *b, size_t rows, size_t cols, float eps) {
	for (size_t r = 0; r < rows; r++) {
		const float *xr = x + r * cols;
		float *o = out + r * cols;
		double m, v;
		ncs_moments(xr, cols, &m, &v);
		float mf = (float)m, rs = (float)(1.0 / sqrt(v + eps));
		mean[r] = mf;
		rstd[r] = rs;
		if (w && b) {
			for (size_t i = 0; i < cols; i++) o[i] = (xr[i] - mf) * rs * w[i] + b[i];
		} else if (w) {
			for (size_t i = 0; i < cols; i++) o[i] = (xr[i] - mf) * rs * w[i];
		} else {
			for (size_t i = 0; i < cols; i++) o[i] = (xr[i] - mf) * rs + (b ? b[i] : 0.0f);
		}
	}
}

// Backward of ncs_layernorm_rows: dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with
// g = dy·w, x̂ = (x−mean)·rstd; adds dy·x̂ to dw_acc and dy to db_acc (either
// may be NULL).
MULTIVERSION void ncs_layernorm_backward_rows(float *dx, float *dw_acc, float *db_acc, const float *dy, const float *x, const float *mean, const float *rstd, const float *w, size_t rows, size_t cols) {
	for (size_t r = 0; r < rows; r++) {
		const float *dyr = dy + r * cols, *xr = x + r * cols;
		float *d = dx + r * cols;
		float m = mean[r], rs = rstd[r];
		float sg[LANES] = {0}, sgx[LANES] = {0};
		size_t i = 0;
		for (; i + LANES <= cols; i += LANES)
			for (int l = 0; l < LANES; l++) {
				float g = dyr[i + l] * (w ? w[i + l] : 1.0f);
				sg[l] += g;
				sgx[l] += g * (xr[i + l] - m) * rs;
			}
		for (; i < cols; i++) {
			float g = dyr[i] * (w ? w[i] : 1.0f);
			sg[0] += g;
			sgx[0] += g * (xr[i] - m) * rs;
		}
		float tg = 0, tgx = 0;
		for (int l = 0; l < LANES; l++) {
			tg += sg[l];
			tgx += sgx[l];
		}
		float mg = tg / (float)cols, mgx = tgx / (float)cols;
		for (i = 0; i < cols; i++) {
			float xhat = (xr[i] - m) * rs;
			float g = dyr[i] * (w ? w[i] : 1.0f);
			d[i] = rs * (g - mg - xhat * mgx);
		}
		if (dw_acc)
			for (i = 0; i < cols; i++) dw_acc[i] += dyr[i] * (xr[i] - m) * rs;
		if (db_acc)
			for (i = 0; i < cols; i++) db_acc[i] += dyr[i];
	}
}

// acc[i] += x[i], widening to double (reductions over many rows).
MULTIVERSION void ncs_accumulate(double *acc, const float *x, size_t n) {
	for (size_t i = 0; i < n; i++) acc[i] += x[i];
}
