#version 330 core
// Draws a texture into the current viewport, nearest-neighbour. Textures
// hold frames with row 0 at the top; the window's row 0 is at the bottom,
// so flipY is set when drawing to the window.
//
// With difference set it draws how far image is from other instead: the
// mean absolute RGB difference, amplified by gain, as a heat colour (black,
// red, yellow, white).
uniform sampler2D image;
uniform sampler2D other;
uniform bool flipY;
uniform bool difference;
uniform float gain;
in vec2 uv;
out vec4 color;

void main() {
	vec2 t = flipY ? vec2(uv.x, 1.0 - uv.y) : uv;
	vec4 a = texture(image, t);
	if (!difference) {
		color = a;
		return;
	}
	vec3 d = abs(a.rgb - texture(other, t).rgb);
	float v = clamp(gain * (d.r + d.g + d.b) / 3.0, 0.0, 1.0);
	color = vec4(clamp(3.0 * v, 0.0, 1.0), clamp(3.0 * v - 1.0, 0.0, 1.0), clamp(3.0 * v - 2.0, 0.0, 1.0), 1.0);
}
