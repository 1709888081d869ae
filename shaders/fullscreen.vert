#version 330 core
// One triangle larger than the viewport, from gl_VertexID alone (no vertex
// buffers): after clipping it covers every pixel exactly once. uv runs 0..1
// across the viewport.
out vec2 uv;

void main() {
	vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
	uv = p;
	gl_Position = vec4(2.0 * p - 1.0, 0.0, 1.0);
}
