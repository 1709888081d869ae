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
