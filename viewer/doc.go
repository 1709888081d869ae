// Package viewer will hold NC Studio's OpenGL viewport: its GL context, the
// shader pipeline that decodes the model's latents into pixels, the
// translation of mouse and keyboard input into actions, and the debugging
// overlays (predicted versus real cursor, drift).
//
// Nothing is implemented yet: the viewport arrives with the viewport issue.
// The package exists now to hold the project's fixed top-level layout (see
// docs/ARCHITECTURE.md). Fyne has no public hook for custom OpenGL, so the
// plan is a hidden GLFW window with its own context, rendered off-screen and
// read back into an image that a Fyne canvas.Image shows.
package viewer
