package termrec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/creack/pty"

	"github.com/ncstudio/ncstudio/engine/term"
)

// Session is the outcome of a recorded PTY session.
type Session struct {
	Frames   int
	Duration time.Duration
	ExitCode int // the program's exit status (-1 when killed by a signal)
}

// RunPTY runs argv in a new PTY of o.Cols x o.Rows and records it into a
// trace in dir until the program exits or ctx ends (then the program is
// killed and the trace kept). Keys come from stdin (nil: none), are
// recorded as actions and sent to the program; its output also goes to
// stdout (nil: nowhere), so a person sees the session as it is recorded.
func RunPTY(ctx context.Context, dir string, o Options, argv []string, stdin io.Reader, stdout io.Writer) (Session, error) {
	if len(argv) == 0 {
		return Session{}, errors.New("termrec: no command to record")
	}
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return Session{}, err
	}
	if o.Source == "" {
		o.Source = "pty:" + argv[0]
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", fmt.Sprintf("COLUMNS=%d", o.Cols), fmt.Sprintf("LINES=%d", o.Rows))
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(o.Cols), Rows: uint16(o.Rows)})
	if err != nil {
		return Session{}, fmt.Errorf("termrec: start %s: %w", argv[0], err)
	}
	defer f.Close()
	var writeMu sync.Mutex // keys and terminal replies both write to the PTY
	toPTY := func(b []byte) {
		writeMu.Lock()
		defer writeMu.Unlock()
		f.Write(b)
	}
	rec, err := Create(dir, o, toPTY)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return Session{}, err
	}
	start := time.Now()
	outputDone := make(chan struct{})
	go func() { // program output: until the PTY closes (EIO on Linux)
		defer close(outputDone)
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				rec.Output(buf[:n])
				if stdout != nil {
					stdout.Write(buf[:n])
				}
			}
			if err != nil {
				return
			}
		}
	}()
	if stdin != nil {
		go func() { // keys: each read is what a keyboard sent at once
			buf := make([]byte, 4096)
			for {
				n, err := stdin.Read(buf)
				if n > 0 {
					keys, rest := term.ParseInput(buf[:n])
					rec.Keys(append(keys, term.FlushInput(rest)...))
					toPTY(buf[:n])
				}
				if err != nil {
					return
				}
			}
		}()
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	ticker := time.NewTicker(time.Duration(float64(time.Second) / o.FPS))
	defer ticker.Stop()
	tickErr := rec.Tick(0)
	var waitErr error
loop:
	for tickErr == nil {
		select {
		case <-ticker.C:
			tickErr = rec.Tick(time.Since(start))
		case waitErr = <-exited:
			break loop
		case <-ctx.Done():
			cmd.Process.Kill()
			waitErr = <-exited
			break loop
		}
	}
	if tickErr != nil {
		cmd.Process.Kill()
		waitErr = <-exited
	}
	// The program's last output may still be in the PTY.
	select {
	case <-outputDone:
	case <-time.After(time.Second):
	}
	if tickErr == nil {
		tickErr = rec.Tick(time.Since(start))
	}
	closeErr := rec.Close()
	s := Session{Frames: rec.Frames(), Duration: time.Since(start), ExitCode: cmd.ProcessState.ExitCode()}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return s, fmt.Errorf("termrec: %s: %w", argv[0], waitErr)
	}
	return s, errors.Join(tickErr, closeErr)
}
