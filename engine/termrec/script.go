package termrec

import (
	"context"
	"strings"
	"time"
)

// Settling: after a step's input, the frame is taken once the program has
// echoed something and then printed nothing for quietAfterKey
// (quietAfterReturn after Return, when commands start and print); after a
// step without input, once it has been quiet for quietAfterKey. Never
// later than settleMax after the input.
const (
	quietAfterKey    = 10 * time.Millisecond
	quietAfterReturn = 60 * time.Millisecond
	settleMax        = 2 * time.Second
)

// RunScript records a program in a PTY driven by a Typist for frames
// frames. Unlike RunPTY, time is the script's: each step's input is sent,
// the frame is taken when the program's output has settled, and frames are
// stamped at 1/FPS apart, so a step's keys and their effect always fall in
// consecutive frames, whatever the machine's load.
func RunScript(ctx context.Context, dir string, o Options, argv []string, typist *Typist, frames int) (Session, error) {
	o = o.withDefaults()
	s, err := startPTY(dir, o, argv, nil)
	if err != nil {
		if s != nil {
			return s.close(true, -1, err)
		}
		return Session{}, err
	}
	s.settle(true, quietAfterReturn) // the prompt
	for i := 1; i < frames; i++ {
		quiet := quietAfterKey
		in := typist.Next()
		if in != nil {
			s.drainOutputSignal()
			s.typeKeys(in)
			if in[len(in)-1] == '\r' {
				quiet = quietAfterReturn
			}
		}
		s.settle(in != nil, quiet)
		if quiet == quietAfterReturn {
			// The command runs: wait for the shell's prompt before typing on,
			// as a person does (keys typed ahead would be echoed into the
			// command's output).
			s.waitPrompt(typist.Prompt)
		}
		at := time.Duration(float64(i) / o.FPS * float64(time.Second))
		select {
		case <-s.exited: // the typist ended the shell (it never types exit)
			return s.close(false, at, nil)
		case <-ctx.Done():
			return s.close(true, -1, nil)
		default:
		}
		if err := s.rec.Tick(at); err != nil {
			return s.close(true, -1, err)
		}
	}
	return s.close(true, -1, nil)
}

// waitPrompt waits, at most settleMax, until the cursor's row ends with
// prompt just before the cursor.
func (s *ptySession) waitPrompt(prompt string) {
	deadline := time.Now().Add(settleMax)
	for time.Now().Before(deadline) {
		g := s.rec.Screen()
		row := []rune(g.Lines()[g.CursorY] + strings.Repeat(" ", g.Cols))
		if strings.HasSuffix(string(row[:g.CursorX]), prompt) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// drainOutputSignal forgets output seen so far, so that settle waits for
// the answer to what is typed next.
func (s *ptySession) drainOutputSignal() {
	select {
	case <-s.lastOutput:
	default:
	}
}

// settle waits for output first when echo is set, then until the program
// has printed nothing for quiet.
func (s *ptySession) settle(echo bool, quiet time.Duration) {
	deadline := time.After(settleMax)
	if echo {
		select {
		case <-s.lastOutput:
		case <-deadline:
			return
		}
	}
	for {
		select {
		case <-s.lastOutput:
		case <-time.After(quiet):
			return
		case <-deadline:
			return
		}
	}
}
