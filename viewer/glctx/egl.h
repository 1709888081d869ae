// A headless OpenGL 3.3 core context through EGL, current on the calling
// thread, with no window system and no surface.
struct nc_egl {
	void *display, *context;
	const char *how;   // which EGL platform was used
	const char *error; // why creation failed
};

int nc_egl_create(struct nc_egl *out);
void nc_egl_destroy(struct nc_egl *e);
void *nc_egl_proc(const char *name);
