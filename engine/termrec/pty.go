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

// ptySession is a program running in a PTY whose output feeds a Recorder.
type ptySession struct {
	rec        *Recorder
	f          *os.File
	cmd        *exec.Cmd
	writeMu    sync.Mutex // keys and terminal replies both write to the PTY
	outputDone chan struct{}
	exited     chan struct{} // closed when the program has exited, waitErr then set
	waitErr    error
	lastOutput chan struct{} // a token per output read, for scripted settling
	start      time.Time
}

// startPTY starts argv in a PTY of o's size, with o's environment and
// working directory, and a trace in dir; output also goes to stdout when it
// is not nil.
func startPTY(dir string, o Options, argv []string, stdout io.Writer) (*ptySession, error) {
	if len(argv) == 0 {
		return nil, errors.New("termrec: no command to record")
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	if o.Source == "" {
		o.Source = "pty:" + argv[0]
	}
	s := &ptySession{outputDone: make(chan struct{}), exited: make(chan struct{}), lastOutput: make(chan struct{}, 1)}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Dir = o.Dir
	s.cmd.Env = append(append(os.Environ(), "TERM=xterm-256color", fmt.Sprintf("COLUMNS=%d", o.Cols), fmt.Sprintf("LINES=%d", o.Rows)), o.Env...)
	var err error
	s.f, err = pty.StartWithSize(s.cmd, &pty.Winsize{Cols: uint16(o.Cols), Rows: uint16(o.Rows)})
	if err != nil {
		return nil, fmt.Errorf("termrec: start %s: %w", argv[0], err)
	}
	if s.rec, err = Create(dir, o, s.write); err != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.f.Close()
		return nil, err
	}
	s.start = time.Now()
	go func() { // program output: until the PTY closes (EIO on Linux)
		defer close(s.outputDone)
		buf := make([]byte, 32<<10)
		for {
			n, err := s.f.Read(buf)
			if n > 0 {
				s.rec.Output(buf[:n])
				if stdout != nil {
					stdout.Write(buf[:n])
				}
				select {
				case s.lastOutput <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return s, s.rec.Tick(0)
}

// write sends bytes to the program.
func (s *ptySession) write(b []byte) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.f.Write(b)
}

// typeKeys records input as keys and sends it to the program.
func (s *ptySession) typeKeys(p []byte) {
	keys, rest := term.ParseInput(p)
	s.rec.Keys(append(keys, term.FlushInput(rest)...))
	s.write(p)
}

// end stops the program (kills it when kill is set and it still runs,
// else waits for it to exit) and waits a moment for its last output.
func (s *ptySession) end(kill bool) {
	if kill {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill()
		}
	}
	<-s.exited
	select {
	case <-s.outputDone:
	case <-time.After(time.Second):
	}
}

// close ends the program (see end), takes a last frame at lastAt unless it
// is negative, and closes the trace; err is a failure so far.
func (s *ptySession) close(kill bool, lastAt time.Duration, err error) (Session, error) {
	s.end(kill)
	if err == nil && lastAt >= 0 {
		err = s.rec.Tick(lastAt)
	}
	err = errors.Join(err, s.rec.Close())
	s.f.Close()
	out := Session{Frames: s.rec.Frames(), Duration: time.Since(s.start), ExitCode: s.cmd.ProcessState.ExitCode()}
	var exitErr *exec.ExitError
	if s.waitErr != nil && !errors.As(s.waitErr, &exitErr) {
		err = errors.Join(fmt.Errorf("termrec: %s: %w", s.cmd.Path, s.waitErr), err)
	}
	return out, err
}

// RunPTY runs argv in a new PTY of o.Cols x o.Rows and records it into a
// trace in dir at o.FPS frames per second of wall-clock time, until the
// program exits or ctx ends (then the program is killed and the trace
// kept). Keys come from stdin (nil: none), are recorded as actions and sent
// to the program; its output also goes to stdout (nil: nowhere), so a
// person sees the session as it is recorded.
func RunPTY(ctx context.Context, dir string, o Options, argv []string, stdin io.Reader, stdout io.Writer) (Session, error) {
	o = o.withDefaults()
	s, err := startPTY(dir, o, argv, stdout)
	if err != nil {
		if s != nil {
			return s.close(true, -1, err)
		}
		return Session{}, err
	}
	if stdin != nil {
		go func() { // keys: each read is what a keyboard sent at once
			buf := make([]byte, 4096)
			for {
				n, err := stdin.Read(buf)
				if n > 0 {
					s.typeKeys(buf[:n])
				}
				if err != nil {
					return
				}
			}
		}()
	}
	ticker := time.NewTicker(time.Duration(float64(time.Second) / o.FPS))
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := s.rec.Tick(time.Since(s.start)); err != nil {
				return s.close(true, -1, err)
			}
		case <-s.exited:
			return s.close(false, time.Since(s.start), nil)
		case <-ctx.Done():
			return s.close(true, time.Since(s.start), nil)
		}
	}
}
