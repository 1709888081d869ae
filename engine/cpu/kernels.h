// Elementwise kernels of the CPU backend, in C so that GCC vectorises them
// (Go has no SIMD). See kernels.c.
#include <stddef.h>

void ncs_silu(float *out, const float *x, size_t n);
void ncs_silu_backward(float *dx, const float *dy, const float *x, size_t n);
void ncs_gelu(float *out, const float *x, size_t n);
void ncs_gelu_backward(float *dx, const float *dy, const float *x, size_t n);
void ncs_exp(float *v, size_t n);
void ncs_normal_cdf(float *cdf, float *pdf, const float *x, size_t n);
void ncs_softmax_rows(float *out, const float *x, size_t rows, size_t cols);
void ncs_softmax_backward_rows(float *dx, const float *dy, const float *y, size_t rows, size_t cols, float scale);
void ncs_im2col_rows(float *rows, const float *plane, int h, int w, int k, int stride, int pad, int oy0, int oy1, int wo);
void ncs_col2im_rows(float *plane, const float *rows, int h, int w, int k, int stride, int pad, int oy0, int oy1, int wo);
void ncs_moments(const float *x, size_t n, double *mean, double *var);
void ncs_sums(const float *dy, const float *x, size_t n, float mu, double *sum_dy, double *sum_dy_xc);
void ncs_affine3(float *out, const float *a, const float *b, size_t n, float ca, float cb, float c0);
double ncs_sum(const float *x, size_t n);
void ncs_layernorm_rows(float *out, float *mean, float *rstd, const float *x, const float *w, const float *b, size_t rows, size_t cols, float eps);
void ncs_layernorm_backward_rows(float *dx, float *dw_acc, float *db_acc, const float *dy, const float *x, const float *mean, const float *rstd, const float *w, size_t rows, size_t cols);
void ncs_accumulate(double *acc, const float *x, size_t n);
