package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestProgressLogLines(t *testing.T) {
	defer func(d, l time.Duration) { progressEvery, logEvery = d, l }(progressEvery, logEvery)
	progressEvery, logEvery = 0, 0
	var buf bytes.Buffer
	bar := newProgress(&buf, "synth", "frames", 10)
	for range 10 {
		bar.add(1)
	}
	bar.finish()
	out := buf.String()
	if strings.ContainsAny(out, "\r\033") {
		t.Errorf("a log got terminal control characters: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[10], "synth [████████████████████] 10/10 frames") {
		t.Errorf("want 10 updates and a final line, got %d lines:\n%s", len(lines), out)
	}
}

func TestProgressRedrawsOnATerminal(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if !isTerminal(tty) {
		t.Fatal("a pseudo-terminal is not seen as a terminal")
	}
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if isTerminal(file) || isTerminal(&bytes.Buffer{}) {
		t.Fatal("a file or a buffer is seen as a terminal")
	}
	var buf bytes.Buffer
	bar := newProgress(&buf, "eval", "frames", 4)
	bar.terminal = true // what newProgress sets for tty; the buffer shows what it writes
	for range 4 {
		bar.add(1)
	}
	bar.finish()
	if got := strings.Count(buf.String(), "\r"); got != 5 || !strings.HasSuffix(buf.String(), "\033[K\n") {
		t.Errorf("want 5 redraws of one line, got %d: %q", got, buf.String())
	}
}
