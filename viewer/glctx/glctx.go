// Package glctx gives the viewport an OpenGL 3.3 core context: a headless
// one through EGL (no window system needed: a GPU's EGL device, or Mesa's
// llvmpipe), owned by one locked OS thread that runs the GL calls handed
// to it. Windows (package viewer) make their own context with GLFW and
// share only Load.
package glctx

/*
#cgo pkg-config: egl
#include <stdlib.h>
#include "egl.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/go-gl/gl/v3.3-core/gl"
)

// Info describes the context: which driver renders.
type Info struct {
	Platform string `json:"platform"` // how the context was made ("EGL device", "GLFW window", ...)
	Vendor   string `json:"vendor"`
	Renderer string `json:"renderer"`
	Version  string `json:"version"`
}

// Software says whether the renderer draws on the CPU (Mesa's llvmpipe,
// softpipe or swrast; Google's SwiftShader): no GPU runs the shaders.
func (i Info) Software() bool {
	r := strings.ToLower(i.Renderer)
	for _, name := range []string{"llvmpipe", "softpipe", "swrast", "swiftshader"} {
		if strings.Contains(r, name) {
			return true
		}
	}
	return false
}

// Load loads the GL entry points through getProc and checks that the
// current context is OpenGL 3.3 or later. It must run on the thread where
// the context is current.
func Load(platform string, getProc func(string) unsafe.Pointer) (Info, error) {
	if err := gl.InitWithProcAddrFunc(getProc); err != nil {
		return Info{}, fmt.Errorf("OpenGL: loading entry points: %w", err)
	}
	info := Info{Platform: platform, Vendor: gl.GoStr(gl.GetString(gl.VENDOR)),
		Renderer: gl.GoStr(gl.GetString(gl.RENDERER)), Version: gl.GoStr(gl.GetString(gl.VERSION))}
	var major, minor int32
	gl.GetIntegerv(gl.MAJOR_VERSION, &major)
	gl.GetIntegerv(gl.MINOR_VERSION, &minor)
	if major < 3 || major == 3 && minor < 3 {
		return info, fmt.Errorf("OpenGL: %s offers version %s; the viewport needs OpenGL 3.3 core", info.Renderer, info.Version)
	}
	return info, nil
}

// Context is a headless GL context and the OS thread it is current on.
type Context struct {
	Info  Info
	calls chan func()
	done  chan struct{}
}

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("OpenGL: context is closed")

// NewHeadless creates an OpenGL 3.3 core context through EGL on a new
// locked thread.
func NewHeadless() (*Context, error) {
	c := &Context{calls: make(chan func()), done: make(chan struct{})}
	started := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the context
		var e C.struct_nc_egl
		if C.nc_egl_create(&e) == 0 {
			started <- fmt.Errorf("OpenGL: headless context through EGL: %s", C.GoString(e.error))
			return
		}
		info, err := Load(C.GoString(e.how), func(name string) unsafe.Pointer {
			cs := C.CString(name)
			defer C.free(unsafe.Pointer(cs))
			return C.nc_egl_proc(cs)
		})
		c.Info = info
		if err != nil {
			C.nc_egl_destroy(&e)
			started <- err
			return
		}
		started <- nil
		for f := range c.calls {
			f()
		}
		// Terminated before Close returns: EGL displays are shared
		// process-wide, and the next context may initialise the same one.
		C.nc_egl_destroy(&e)
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// Do runs f on the context's thread and waits for it.
func (c *Context) Do(f func() error) (err error) {
	defer func() {
		if recover() != nil { // send on a closed channel
			err = ErrClosed
		}
	}()
	ret := make(chan error)
	c.calls <- func() { ret <- f() }
	return <-ret
}

// Close destroys the context once the calls in flight have finished.
func (c *Context) Close() {
	close(c.calls)
	<-c.done
}
