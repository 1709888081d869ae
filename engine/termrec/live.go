package termrec

import (
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/creack/pty"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/term"
)

// Live is a program running in a PTY, driven by actions and drawn by the
// terminal renderer: the conventional terminal shown beside a neural one.
// Its methods are safe for concurrent use.
type Live struct {
	f      *os.File
	cmd    *exec.Cmd
	screen *term.Screen
	render *term.Renderer
	home   string // removed on Close when the shell's home was made for it

	mu      sync.Mutex // guards enc and writes to f
	enc     term.InputEncoder
	output  chan struct{} // a token per output read
	readEnd chan struct{}
}

// startWait is how long StartLive waits for the program's first screen.
const startWait = 10 * time.Second

// StartLive runs argv in a PTY of o's size (the typist's bash in a fresh
// home when argv is empty) and waits for its first output to settle.
func StartLive(o Options, argv []string) (*Live, error) {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	l := &Live{output: make(chan struct{}, 1), readEnd: make(chan struct{})}
	if len(argv) == 0 {
		home, err := os.MkdirTemp("", "ncstudio-terminal-")
		if err != nil {
			return nil, err
		}
		if err := PrepareHome(home); err != nil {
			os.RemoveAll(home)
			return nil, err
		}
		l.home, argv = home, ShellArgv
		o.Env, o.Dir = append(ShellEnv(home), o.Env...), home
	}
	var err error
	if l.render, err = o.Renderer(); err != nil {
		return nil, err
	}
	l.cmd = exec.Command(argv[0], argv[1:]...)
	l.cmd.Dir = o.Dir
	l.cmd.Env = append(append(os.Environ(), "TERM=xterm-256color"), o.Env...)
	if l.f, err = pty.StartWithSize(l.cmd, &pty.Winsize{Cols: uint16(o.Cols), Rows: uint16(o.Rows)}); err != nil {
		l.removeHome()
		return nil, fmt.Errorf("termrec: start %s: %w", argv[0], err)
	}
	l.screen, _ = term.NewScreen(o.Cols, o.Rows, replyWriter(l.write))
	go l.read()
	// The first screen is what a model playing beside it starts from: wait
	// for the prompt even when a busy machine (training, say) starts bash
	// slowly; a second was not always enough.
	l.Settle(startWait)
	return l, nil
}

func (l *Live) read() {
	defer close(l.readEnd)
	buf := make([]byte, 32<<10)
	for {
		n, err := l.f.Read(buf)
		if n > 0 {
			l.screen.Write(buf[:n])
			select {
			case l.output <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (l *Live) write(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.Write(b)
}

// Settle waits for output, then until there has been none for 30 ms, at
// most max in all.
func (l *Live) Settle(max time.Duration) {
	deadline := time.After(max)
	select {
	case <-l.output:
	case <-deadline:
		return
	}
	for {
		select {
		case <-l.output:
		case <-time.After(30 * time.Millisecond):
			return
		case <-deadline:
			return
		}
	}
}

// Step sends the keys of an action to the program, encoded as xterm does.
// It does not wait: the screen shows the program's answer when it comes.
func (l *Live) Step(a action.Action) { l.Send(a) }

// Send is Step returning the bytes sent, for a recorder that logs what the
// program received (as RunPTY logs a person's input).
func (l *Live) Send(a action.Action) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.enc.Encode(a)
	if len(b) > 0 {
		l.f.Write(b)
	}
	return b
}

// Render draws the screen as it is now.
func (l *Live) Render(dst *image.RGBA) { l.render.Render(dst, l.screen.Grid()) }

// Exited reports whether the program has ended (then the screen stays).
func (l *Live) Exited() bool {
	select {
	case <-l.readEnd:
		return true
	default:
		return false
	}
}

// Close ends the program.
func (l *Live) Close() error {
	l.cmd.Process.Kill()
	err := l.cmd.Wait()
	l.f.Close()
	l.removeHome()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = nil // killed or exited on its own: both expected
	}
	return err
}

func (l *Live) removeHome() {
	if l.home != "" {
		os.RemoveAll(l.home)
	}
}
