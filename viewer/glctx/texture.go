package glctx

import "github.com/go-gl/gl/v3.3-core/gl"

// Texture2D makes a 2-D texture of w x h texels (no data), sampled
// nearest-neighbour and clamped at the edges: the viewport's textures hold
// frames and feature maps, never filtered.
func Texture2D(internal int32, w, h int, format, typ uint32) uint32 {
	var t uint32
	gl.GenTextures(1, &t)
	gl.BindTexture(gl.TEXTURE_2D, t)
	gl.TexImage2D(gl.TEXTURE_2D, 0, internal, int32(w), int32(h), 0, format, typ, nil)
	SetNearest(gl.TEXTURE_2D)
	return t
}

// SetNearest sets nearest-neighbour sampling and edge clamping on the
// texture bound to target.
func SetNearest(target uint32) {
	gl.TexParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
	gl.TexParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
	gl.TexParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE)
	gl.TexParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE)
}

// Bool is a GLSL bool uniform's value.
func Bool(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
