#include "egl.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <string.h>

static int has_ext(const char *list, const char *name) {
	if (!list) return 0;
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return 1;
	return 0;
}

// pick_display prefers a hardware EGL device (a GPU without any window
// system), then Mesa's surfaceless platform (llvmpipe), then the default
// display (which under X uses the X server).
static EGLDisplay pick_display(const char **how) {
	const char *client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	if (get_platform && has_ext(client, "EGL_EXT_platform_device")) {
		PFNEGLQUERYDEVICESEXTPROC query_devices =
			(PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
		PFNEGLQUERYDEVICESTRINGEXTPROC device_string =
			(PFNEGLQUERYDEVICESTRINGEXTPROC)eglGetProcAddress("eglQueryDeviceStringEXT");
		EGLDeviceEXT devices[16];
		EGLint n = 0;
		if (query_devices && device_string && query_devices(16, devices, &n)) {
			for (EGLint i = 0; i < n; i++) {
				const char *ext = device_string(devices[i], EGL_EXTENSIONS);
				if (has_ext(ext, "EGL_MESA_device_software")) continue;
				EGLDisplay d = get_platform(EGL_PLATFORM_DEVICE_EXT, devices[i], NULL);
				if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
					*how = "EGL device";
					return d;
				}
			}
		}
	}
	if (get_platform && has_ext(client, "EGL_MESA_platform_surfaceless")) {
		EGLDisplay d = get_platform(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
		if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
			*how = "EGL surfaceless";
			return d;
		}
	}
	EGLDisplay d = eglGetDisplay(EGL_DEFAULT_DISPLAY);
	if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
		*how = "EGL default display";
		return d;
	}
	return EGL_NO_DISPLAY;
}

int nc_egl_create(struct nc_egl *out) {
	memset(out, 0, sizeof *out);
	EGLDisplay d = pick_display(&out->how);
	if (d == EGL_NO_DISPLAY) {
		out->error = "no EGL display could be initialised (install a GPU driver, or Mesa: libegl-mesa0 and libgl1-mesa-dri)";
		return 0;
	}
	if (!eglBindAPI(EGL_OPENGL_API)) {
		out->error = "this EGL does not offer desktop OpenGL";
		eglTerminate(d);
		return 0;
	}
	EGLint cfg_attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
	EGLConfig cfg;
	EGLint n = 0;
	if (!eglChooseConfig(d, cfg_attr, &cfg, 1, &n) || n < 1) {
		out->error = "no EGL configuration renders desktop OpenGL";
		eglTerminate(d);
		return 0;
	}
	EGLint ctx_attr[] = {
		EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
	EGLContext c = eglCreateContext(d, cfg, EGL_NO_CONTEXT, ctx_attr);
	if (c == EGL_NO_CONTEXT) {
		out->error = "the driver offers no OpenGL 3.3 core context, which the viewport needs";
		eglTerminate(d);
		return 0;
	}
	// No surface: everything is drawn into framebuffer objects.
	if (!eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, c)) {
		out->error = "the OpenGL context cannot be made current without a surface";
		eglDestroyContext(d, c);
		eglTerminate(d);
		return 0;
	}
	out->display = d;
	out->context = c;
	return 1;
}

void nc_egl_destroy(struct nc_egl *e) {
	if (!e->display) return;
	eglMakeCurrent(e->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(e->display, e->context);
	eglTerminate(e->display);
	e->display = 0;
}

void *nc_egl_proc(const char *name) { return (void *)eglGetProcAddress(name); }
