// Package shaders will hold the GLSL sources of NC Studio's viewport (see
// package viewer), embedded into the binary with go:embed.
//
// There are no shaders yet: they arrive with the viewport issue. The package
// exists now to hold the project's fixed top-level layout (see
// docs/ARCHITECTURE.md).
package shaders
