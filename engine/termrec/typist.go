package termrec

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Typist is a scripted user of a shell, for synthetic terminal traces: it
// types commands about a character per frame (sometimes two, sometimes
// pausing), makes typos and deletes them, presses Return and waits for the
// output, and now and then clears the screen. Commands have deterministic
// output (echo, arithmetic, python3 -c "print(...)", files of the home
// PrepareHome makes), so a model can learn what they print.
type Typist struct {
	// Prompt is the shell's prompt (ShellEnv's PS1): after Return the
	// typist waits for it before typing on.
	Prompt    string
	rng       *rand.Rand
	queue     [][]byte // inputs of the coming steps; nil is an idle step
	hasPython bool
}

// NewTypist is a typist with its own seed.
func NewTypist(seed uint64) *Typist {
	_, err := exec.LookPath("python3")
	return &Typist{Prompt: "$ ", rng: rand.New(rand.NewPCG(seed, 0x7e4)), hasPython: err == nil}
}

// Next is the input of the next frame step (nil when the typist waits).
func (t *Typist) Next() []byte {
	if len(t.queue) == 0 {
		t.plan()
	}
	in := t.queue[0]
	t.queue = t.queue[1:]
	return in
}

// plan queues the steps of the next command.
func (t *Typist) plan() {
	r := t.rng
	if r.IntN(20) == 0 {
		t.queue = append(t.queue, []byte{0x0c}, nil, nil) // Ctrl+L clears the screen
		return
	}
	cmd := t.command()
	for i := 0; i < len(cmd); {
		switch p := r.IntN(100); {
		case p < 8: // a pause
			t.queue = append(t.queue, nil)
		case p < 12: // a typo, deleted in the next step
			t.queue = append(t.queue, []byte{"qwertyuiopasdfghjklzxcvbnm"[r.IntN(26)]}, []byte{0x7f})
		case p < 25 && i+1 < len(cmd): // two characters in one step
			t.queue = append(t.queue, []byte(cmd[i:i+2]))
			i += 2
		default:
			t.queue = append(t.queue, []byte(cmd[i:i+1]))
			i++
		}
	}
	t.queue = append(t.queue, []byte{'\r'})
	wait := 2 + r.IntN(6)
	if r.IntN(10) == 0 { // now and then a long pause: a still screen must stay still
		wait = 15 + r.IntN(30)
	}
	for range wait {
		t.queue = append(t.queue, nil)
	}
}

var typistWords = []string{"hello", "world", "neural", "computer", "shell", "terminal", "model", "frame",
	"alpha", "beta", "gamma", "delta", "ok", "done", "test", "data", "cat", "dog", "red", "blue"}

// command is a random command line.
func (t *Typist) command() string {
	r := t.rng
	a, b := r.IntN(100), r.IntN(100)
	word := func() string { return typistWords[r.IntN(len(typistWords))] }
	switch r.IntN(14) {
	case 0, 1:
		n := 1 + r.IntN(3)
		w := make([]string, n)
		for i := range w {
			w[i] = word()
		}
		return "echo " + strings.Join(w, " ")
	case 2:
		return fmt.Sprintf("echo $((%d%c%d))", a, "+-*"[r.IntN(3)], b)
	case 3, 4:
		if t.hasPython {
			return fmt.Sprintf(`python3 -c "print(%d+%d)"`, a, b)
		}
		return fmt.Sprintf("expr %d + %d", a, b)
	case 5:
		return fmt.Sprintf("expr %d + %d", a, b)
	case 6:
		s := 1 + r.IntN(9)
		return fmt.Sprintf("seq %d %d", s, s+r.IntN(4))
	case 7:
		return []string{"ls", "ls notes", "pwd", "ls -1"}[r.IntN(4)]
	case 8:
		return []string{"cat notes/todo.txt", "head -n 2 notes/poem.txt", "wc -l notes/poem.txt", "cat hello.txt"}[r.IntN(4)]
	case 9:
		c := 31 + r.IntN(6)
		return fmt.Sprintf(`printf '\e[%dm%s\e[0m\n'`, c, word())
	case 10:
		return word() + "x" // not a command
	case 11:
		return []string{"cd notes", "cd ..", "cd"}[r.IntN(3)]
	case 12:
		return fmt.Sprintf("echo %s | tr a-z A-Z", word())
	}
	return "true"
}

// PrepareHome fills dir with the small files the typist's commands read.
func PrepareHome(dir string) error {
	files := map[string]string{
		"hello.txt":       "Hello from the neural terminal!\n",
		"notes/todo.txt":  "- train the model\n- play the shell\n- read the frames\n",
		"notes/poem.txt":  "frames in, frames out\nkeys become light\nthe shell dreams on\n",
		"notes/empty.txt": "",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ShellArgv is the shell the typist uses: bash without startup files and
// with a plain prompt, so that sessions look alike on every machine.
var ShellArgv = []string{"bash", "--norc", "--noprofile", "-i"}

// ShellEnv is its environment beyond the recorder's.
func ShellEnv(home string) []string {
	return []string{"PS1=$ ", "HOME=" + home, "PWD=" + home, "LANG=C.UTF-8", "HISTFILE=/dev/null"}
}

// Keyboard is the typist typing in real time, one step every 1/fps
// seconds, as a reader for RunPTY: sessions recorded this way have the
// timing of a live recording, unlike RunScript's.
func (t *Typist) Keyboard(fps float64, steps int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		tick := time.NewTicker(time.Duration(float64(time.Second) / fps))
		defer tick.Stop()
		for range steps {
			<-tick.C
			if in := t.Next(); in != nil {
				if _, err := pw.Write(in); err != nil {
					return
				}
			}
		}
		pw.Close()
	}()
	return pr
}
