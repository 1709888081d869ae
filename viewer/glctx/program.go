package glctx

import (
	"fmt"
	"strings"

	"github.com/go-gl/gl/v3.3-core/gl"
)

// Program compiles and links a vertex and a fragment shader. Compile and
// link logs come back in the error, with the shaders' names.
func Program(vertName, vert, fragName, frag string) (uint32, error) {
	vs, err := compile(gl.VERTEX_SHADER, vertName, vert)
	if err != nil {
		return 0, err
	}
	defer gl.DeleteShader(vs)
	fs, err := compile(gl.FRAGMENT_SHADER, fragName, frag)
	if err != nil {
		return 0, err
	}
	defer gl.DeleteShader(fs)
	p := gl.CreateProgram()
	gl.AttachShader(p, vs)
	gl.AttachShader(p, fs)
	gl.LinkProgram(p)
	var ok int32
	gl.GetProgramiv(p, gl.LINK_STATUS, &ok)
	if ok == gl.FALSE {
		log := infoLog(p, gl.GetProgramiv, gl.GetProgramInfoLog)
		gl.DeleteProgram(p)
		return 0, fmt.Errorf("OpenGL: linking %s with %s: %s", vertName, fragName, log)
	}
	return p, nil
}

func compile(kind uint32, name, src string) (uint32, error) {
	s := gl.CreateShader(kind)
	cs, free := gl.Strs(src + "\x00")
	defer free()
	gl.ShaderSource(s, 1, cs, nil)
	gl.CompileShader(s)
	var ok int32
	gl.GetShaderiv(s, gl.COMPILE_STATUS, &ok)
	if ok == gl.FALSE {
		log := infoLog(s, gl.GetShaderiv, gl.GetShaderInfoLog)
		gl.DeleteShader(s)
		return 0, fmt.Errorf("OpenGL: compiling shader %s: %s", name, log)
	}
	return s, nil
}

func infoLog(obj uint32, get func(uint32, uint32, *int32), read func(uint32, int32, *int32, *uint8)) string {
	var n int32
	get(obj, gl.INFO_LOG_LENGTH, &n)
	if n <= 1 {
		return "(no log)"
	}
	buf := make([]uint8, n)
	read(obj, n, nil, &buf[0])
	return strings.TrimSpace(gl.GoStr(&buf[0]))
}

// Uniforms looks up a program's uniform locations by name; a name the
// linker dropped (unused) maps to -1, which GL ignores.
func Uniforms(p uint32, names ...string) map[string]int32 {
	u := make(map[string]int32, len(names))
	for _, n := range names {
		u[n] = gl.GetUniformLocation(p, gl.Str(n+"\x00"))
	}
	return u
}

// CheckError returns the first pending GL error, naming what was being done.
func CheckError(doing string) error {
	if e := gl.GetError(); e != gl.NO_ERROR {
		return fmt.Errorf("OpenGL: %s: error 0x%04x", doing, e)
	}
	return nil
}
