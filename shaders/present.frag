#version 330 core
// Draws a texture into the current viewport, nearest-neighbour. Textures
// hold frames with row 0 at the top; the window's row 0 is at the bottom,
// so flipY is set when drawing to the window.
uniform sampler2D image;
uniform bool flipY;
in vec2 uv;
out vec4 color;

void main() {
	vec2 t = flipY ? vec2(uv.x, 1.0 - uv.y) : uv;
	color = texture(image, t);
}
