// Tile transforms of the Winograd F(2x2, 3x3) convolution (see winograd.go).
//
// A band of tile rows is transformed at a time. The transformed tiles are
// laid out [16][channels][tiles]: for each of the 16 positions of a 4x4
// transformed tile, a channels x tiles matrix that one GEMM consumes. Tile
// t = (ty - ty0) * tiles_x + tx covers output rows 2ty, 2ty+1 and columns
// 2tx, 2tx+1, and reads input rows 2ty-1 .. 2ty+2, columns 2tx-1 .. 2tx+2
// (zero outside the plane: padding 1).
//
// The loops run over tx with unit stride so that GCC vectorises them: the
// input rows are first split into even and odd columns, after which the four
// columns of tile tx are even[tx], odd[tx], even[tx+1], odd[tx+1].
#include <stdlib.h>
#include <string.h>

#include "winograd.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

// split_row fills even[m] = row[2m-1], odd[m] = row[2m] for m in [0, n] (the
// padded columns 2m and 2m+1), zero outside [0, w) or when row is NULL.
static inline void split_row(float *even, float *odd, const float *row, int w, int n) {
	int ne = 0, no = 0; // even[1, ne) and odd[0, no) lie inside the row
	if (row) {
		ne = n + 1 < w / 2 + 1 ? n + 1 : w / 2 + 1; // 2m-1 < w
		no = n + 1 < (w + 1) / 2 ? n + 1 : (w + 1) / 2; // 2m < w
		for (int m = 1; m < ne; m++) {
			even[m] = row[2 * m - 1];
		}
		for (int m = 0; m < no; m++) {
			odd[m] = row[2 * m];
		}
	}
	even[0] = 0.0f;
	for (int m = ne > 1 ? ne : 1; m <= n; m++) {
		even[m] = 0.0f;
	}
	for (int m = no; m <= n; m++) {
		odd[m] = 0.0f;
	}
}

// input_cols: the column transform of one input row split into even and odd
// columns: of columns 2tx .. 2tx+3, the combinations d0 - d2, d1 + d2,
// d2 - d1 and d1 - d3.
static inline void input_cols(float *restrict u0, float *restrict u1, float *restrict u2, float *restrict u3,
			      const float *restrict e, const float *restrict o, int n) {
	for (int tx = 0; tx < n; tx++) {
		u0[tx] = e[tx] - e[tx + 1];
		u1[tx] = o[tx] + e[tx + 1];
		u2[tx] = e[tx + 1] - o[tx];
		u3[tx] = o[tx] - o[tx + 1];
	}
}

// input_rows: the same combinations of four column-transformed rows.
static inline void input_rows(float *restrict u0, float *restrict u1, float *restrict u2, float *restrict u3,
			      const float *restrict r0, const float *restrict r1, const float *restrict r2,
			      const float *restrict r3, int n) {
	for (int tx = 0; tx < n; tx++) {
		u0[tx] = r0[tx] - r2[tx];
		u1[tx] = r1[tx] + r2[tx];
		u2[tx] = r2[tx] - r1[tx];
		u3[tx] = r1[tx] - r3[tx];
	}
}

// ncs_wino_input writes B^T d B of every 4x4 input tile of tile rows
// [ty0, ty1) of c planes (h x w, consecutive) into v. Each input row of the
// band is column-transformed once (tile rows overlap by two input rows),
// then four of them at a time are combined into the tile rows.
MULTIVERSION
void ncs_wino_input(float *v, const float *x, int c, int h, int w, int ty0, int ty1, int tiles_x) {
	const int n = tiles_x, rows = 2 * (ty1 - ty0) + 2;
	const size_t tiles = (size_t)(ty1 - ty0) * n, plane = (size_t)c * tiles;
	float *even = malloc(sizeof(float) * (2 * (n + 1) + (size_t)rows * 4 * n));
	float *odd = even + (n + 1), *cols = odd + (n + 1);
	for (int ch = 0; ch < c; ch++) {
		const float *xp = x + (size_t)ch * h * w;
		for (int r = 0; r < rows; r++) {
			int iy = 2 * ty0 - 1 + r;
			split_row(even, odd, (iy >= 0 && iy < h) ? xp + (size_t)iy * w : NULL, w, n);
			float *cr = cols + (size_t)r * 4 * n;
			input_cols(cr, cr + n, cr + 2 * n, cr + 3 * n, even, odd, n);
		}
		for (int ty = ty0; ty < ty1; ty++) {
			const float *r0 = cols + (size_t)(2 * (ty - ty0)) * 4 * n;
			float *out = v + (size_t)ch * tiles + (size_t)(ty - ty0) * n;
			for (int b = 0; b < 4; b++) {
				float *u = out + (size_t)b * plane;
				const float *rb = r0 + (size_t)b * n;
				input_rows(u, u + 4 * plane, u + 8 * plane, u + 12 * plane, rb, rb + 4 * n, rb + 8 * n, rb + 12 * n, n);
			}
		}
	}
	free(even);
}

// ncs_wino_output writes A^T m A of every transformed tile (m laid out as
// v above, with o channels) into output rows [2ty0, 2ty1) of o planes
// (h x w), clipped at the plane's edges.
MULTIVERSION
void ncs_wino_output(float *y, const float *m, int o, int h, int w, int ty0, int ty1, int tiles_x) {
	const int n = tiles_x;
	const size_t tiles = (size_t)(ty1 - ty0) * n, plane = (size_t)o * tiles;
	float *row = malloc(sizeof(float) * 4 * n);
	float *y00 = row, *y01 = row + n, *y10 = row + 2 * n, *y11 = row + 3 * n;
	for (int oc = 0; oc < o; oc++) {
		float *yp = y + (size_t)oc * h * w;
		for (int ty = ty0; ty < ty1; ty++) {
			const float *p = m + (size_t)oc * tiles + (size_t)(ty - ty0) * n;
#define M(i, j) p[(size_t)(4 * (i) + (j)) * plane + tx]
			for (int tx = 0; tx < n; tx++) {
				// Rows: s = m0 + m1 + m2, d = m1 - m2 - m3; then columns alike.
				float s0 = M(0, 0) + M(1, 0) + M(2, 0), d0 = M(1, 0) - M(2, 0) - M(3, 0);
				float s1 = M(0, 1) + M(1, 1) + M(2, 1), d1 = M(1, 1) - M(2, 1) - M(3, 1);
				float s2 = M(0, 2) + M(1, 2) + M(2, 2), d2 = M(1, 2) - M(2, 2) - M(3, 2);
				float s3 = M(0, 3) + M(1, 3) + M(2, 3), d3 = M(1, 3) - M(2, 3) - M(3, 3);
				y00[tx] = s0 + s1 + s2;
				y01[tx] = s1 - s2 - s3;
				y10[tx] = d0 + d1 + d2;
				y11[tx] = d1 - d2 - d3;
			}
#undef M
			for (int r = 0; r < 2; r++) {
				int oy = 2 * ty + r;
				if (oy >= h) {
					break;
				}
				const float *a = r ? y10 : y00, *b = r ? y11 : y01;
				float *dst = yp + (size_t)oy * w;
				int full = w / 2;
				for (int tx = 0; tx < full; tx++) {
					dst[2 * tx] = a[tx];
					dst[2 * tx + 1] = b[tx];
				}
				if (w % 2) {
					dst[w - 1] = a[full];
				}
			}
		}
	}
	free(row);
}

// output_grad_rows: r[0..3] = y0, y0 + y1, y0 - y1, -y1, each n long.
static inline void output_grad_rows(float *restrict r, const float *restrict y0, const float *restrict y1, int n) {
	for (int tx = 0; tx < n; tx++) {
		r[tx] = y0[tx];
		r[n + tx] = y0[tx] + y1[tx];
		r[2 * n + tx] = y0[tx] - y1[tx];
		r[3 * n + tx] = -y1[tx];
	}
}

// output_grad_cols: u0..u3 = a, a + b, a - b, -b.
static inline void output_grad_cols(float *restrict u0, float *restrict u1, float *restrict u2, float *restrict u3,
				    const float *restrict a, const float *restrict b, int n) {
	for (int tx = 0; tx < n; tx++) {
		u0[tx] = a[tx];
		u1[tx] = a[tx] + b[tx];
		u2[tx] = a[tx] - b[tx];
		u3[tx] = -b[tx];
	}
}

// ncs_wino_output_grad writes A dy A^T of every 2x2 tile of the output
// gradient dy (o planes of h x w, zero beyond the edges) of tile rows
// [ty0, ty1), laid out as v above: the gradient of the transformed tiles
// that ncs_wino_output consumed.
MULTIVERSION
void ncs_wino_output_grad(float *dm, const float *dy, int o, int h, int w, int ty0, int ty1, int tiles_x) {
	const int n = tiles_x;
	const size_t tiles = (size_t)(ty1 - ty0) * n, plane = (size_t)o * tiles;
	// The two output rows of a tile row, split into even and odd columns
	// (a: column 2tx, b: column 2tx+1; 0 and 1: the rows).
	float *buf = malloc(sizeof(float) * (4 * (n + 1) + 8 * n));
	float *a0 = buf, *b0 = buf + (n + 1), *a1 = buf + 2 * (n + 1), *b1 = buf + 3 * (n + 1);
	float *ra = buf + 4 * (n + 1), *rb = ra + 4 * n;
	for (int oc = 0; oc < o; oc++) {
		const float *yp = dy + (size_t)oc * h * w;
		for (int ty = ty0; ty < ty1; ty++) {
			// split_row's odd half is column 2m, its even half column 2m-1:
			// shifted by one, the even half holds column 2m+1.
			int oy = 2 * ty;
			split_row(b0, a0, oy < h ? yp + (size_t)oy * w : NULL, w, n);
			split_row(b1, a1, oy + 1 < h ? yp + (size_t)(oy + 1) * w : NULL, w, n);
			// Rows (A = [1 0; 1 1; 1 -1; 0 -1]): y0, y0 + y1, y0 - y1, -y1,
			// for column a and column b; then the same over the columns.
			output_grad_rows(ra, a0, a1, n);
			output_grad_rows(rb, b0 + 1, b1 + 1, n);
			float *p = dm + (size_t)oc * tiles + (size_t)(ty - ty0) * n;
			for (int i = 0; i < 4; i++) {
				float *u = p + (size_t)(4 * i) * plane;
				output_grad_cols(u, u + plane, u + 2 * plane, u + 3 * plane, ra + i * n, rb + i * n, n);
			}
		}
	}
	free(buf);
}
