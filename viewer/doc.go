// Package viewer is NC Studio's viewport onto a neural computer: a
// session of the model and the sandbox desktop it imitates, stepped
// together from the user's input at the model's frame rate (Runner), shown
// with the model's decoder running in fragment shaders (package decode)
// and with debugging overlays: the real mouse against the cursor the model
// drew, the cursor trail, a heads-up display, the action log, and a split
// view of sandbox | neural computer | difference.
//
// Three ways to show it: Play opens a window (GLFW, OpenGL 3.3 core);
// Offscreen draws the same view into a framebuffer object of a headless
// context and reads it back into an image (the studio shows it in a Fyne
// canvas.Image); Headless replays an action file into frames, a trace, a
// GIF and a report.
package viewer
