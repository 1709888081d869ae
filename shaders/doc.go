// Package shaders holds the GLSL sources of NC Studio's viewport, embedded
// into the binary. Package viewer compiles them; they are plain files here so
// that they can be read and diffed; the package test compiles each one.
//
//   - fullscreen.vert draws one triangle that covers the target; every pass
//     of the viewport is a fragment shader run over it.
//   - conv3x3.frag is one layer of the model's decoder: a 3x3 convolution
//     with optional fused SiLU on its input, fused nearest 2x upsampling,
//     residual addition and, for the last layer, the mapping to RGB.
//   - present.frag scales a texture into the window (nearest): the frames
//     of the split view, the overlays, and the heat map of the difference
//     between two frames.
package shaders

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed fullscreen.vert
var FullscreenVert string

//go:embed conv3x3.frag
var conv3x3Frag string

// Conv3x3Frag is the convolution shader for inGroups input and outGroups
// output groups of four channels (the loop bounds are compile-time
// constants, which lets drivers unroll them).
func Conv3x3Frag(inGroups, outGroups int) string {
	return strings.Replace(conv3x3Frag, "\n", fmt.Sprintf("\n#define IN_GROUPS %d\n#define OUT_GROUPS %d\n", inGroups, outGroups), 1)
}

//go:embed present.frag
var PresentFrag string
