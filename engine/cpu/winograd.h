// Tile transforms of the Winograd F(2x2, 3x3) convolution; see winograd.c.
void ncs_wino_input(float *v, const float *x, int c, int h, int w, int ty0, int ty1, int tiles_x);
void ncs_wino_output(float *y, const float *m, int o, int h, int w, int ty0, int ty1, int tiles_x);
void ncs_wino_output_grad(float *dm, const float *dy, int o, int h, int w, int ty0, int ty1, int tiles_x);
