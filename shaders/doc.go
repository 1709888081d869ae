// Package shaders holds the GLSL sources of NC Studio's viewport, embedded
// into the binary. Package viewer compiles them; they are plain files here so
// that they can be read, diffed and checked with glslangValidator.
//
//   - fullscreen.vert draws one triangle that covers the target; every pass
//     of the viewport is a fragment shader run over it.
//   - conv3x3.frag is one layer of the model's decoder: a 3x3 convolution
//     with optional fused SiLU on its input, fused nearest 2x upsampling,
//     residual addition and, for the last layer, the mapping to RGB.
//   - present.frag scales a texture into the window (nearest), for the
//     frame, the split view, the difference image and the overlays.
package shaders

import _ "embed"

//go:embed fullscreen.vert
var FullscreenVert string

//go:embed conv3x3.frag
var Conv3x3Frag string

//go:embed present.frag
var PresentFrag string
