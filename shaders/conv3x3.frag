#version 330 core
// One 3x3 convolution (stride 1, zero padding 1) of the decoder, producing
// OUT_GROUPS groups of four output channels, starting at group firstOut,
// into as many colour attachments. Feature maps are RGBA32F texture arrays,
// four channels per layer; texel (x, y) is pixel (x, y) of the frame, y
// counted from the top. Package decode prepends the #defines of IN_GROUPS
// and OUT_GROUPS, so that the loops have constant bounds.
//
// Fused into the pass, in the order the CPU decoder applies them:
//   preSiLU   SiLU on every input value (SiLU(0) = 0, so padding is unchanged)
//   upsample  the input is half the output size and read nearest-neighbour
//   residual  the same groups of `res` are added to the result
//   toRGB     the last layer: channels 0..2 mapped from -1..1 to 0..1 for an
//             8-bit target, whose conversion rounds as the CPU decoder does

// w[(j*IN_GROUPS + g)*9 + tap] takes input group g to output group
// firstOut + j at tap = 3*ky + kx (out = w * in). Uniform buffers, not
// textures: every fragment reads the same weights, and software renderers
// load uniforms far faster than they sample textures.
layout(std140) uniform Weights {
	mat4 w[OUT_GROUPS * IN_GROUPS * 9];
};
uniform vec4 bias[OUT_GROUPS];
uniform sampler2DArray src;
uniform sampler2DArray res;
uniform int firstOut;
uniform ivec2 outSize;
uniform bool preSiLU;
uniform bool upsample;
uniform bool residual;
uniform bool toRGB;

layout(location = 0) out vec4 color[OUT_GROUPS];

void main() {
	ivec2 p = ivec2(gl_FragCoord.xy);
	vec4 acc[OUT_GROUPS];
	for (int j = 0; j < OUT_GROUPS; j++)
		acc[j] = bias[j];
	for (int g = 0; g < IN_GROUPS; g++) {
		for (int tap = 0; tap < 9; tap++) {
			ivec2 q = p + ivec2(tap % 3 - 1, tap / 3 - 1);
			// Out-of-frame taps read a clamped texel and weigh it 0, which
			// keeps every fragment on the same path.
			bool inside = all(greaterThanEqual(q, ivec2(0))) && all(lessThan(q, outSize));
			q = clamp(q, ivec2(0), outSize - 1);
			if (upsample)
				q >>= 1;
			vec4 x = texelFetch(src, ivec3(q, g), 0);
			if (preSiLU)
				x = x / (1.0 + exp(-x));
			x *= float(inside);
			for (int j = 0; j < OUT_GROUPS; j++)
				acc[j] += w[(j * IN_GROUPS + g) * 9 + tap] * x;
		}
	}
	for (int j = 0; j < OUT_GROUPS; j++) {
		vec4 v = acc[j];
		if (residual)
			v += texelFetch(res, ivec3(p, firstOut + j), 0);
		if (toRGB)
			v = vec4(clamp(0.5 * v.rgb + 0.5, 0.0, 1.0), 1.0);
		color[j] = v;
	}
}
