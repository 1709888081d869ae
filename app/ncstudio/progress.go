package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressEvery spaces progress updates on a terminal; short jobs finish
// before the first one and print nothing. logEvery spaces them when the
// output goes to a file or a pipe, where each update is a line of its own.
var (
	progressEvery = 250 * time.Millisecond
	logEvery      = 10 * time.Second
)

// progressBar shows a long job on one terminal line:
//
//	synth [██████░░░░░░░░░░░░░░] 3000/9000 frames · 2412/s · 161x real time · ETA 2s
//
// Redirected to a file or a pipe it prints the same fields as plain lines,
// one every logEvery, so a log stays readable. It is safe for concurrent
// use, so parallel workers can add to one bar.
type progressBar struct {
	mu          sync.Mutex
	w           io.Writer
	terminal    bool // redraw one line in place; else append lines
	label, unit string
	total       int
	done        int
	start, last time.Time
	printed     bool
	// extra, if set, adds a field after the rate (e.g. the speed-up over
	// real time).
	extra func(perSecond float64) string
}

func newProgress(w io.Writer, label, unit string, total int) *progressBar {
	return &progressBar{w: w, terminal: isTerminal(w), label: label, unit: unit, total: total, start: time.Now()}
}

// isTerminal reports whether w is a character device (a terminal) rather
// than a file, a pipe or a buffer.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// set records done units and redraws if it is time to.
func (p *progressBar) set(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	p.draw(false)
}

// update records done units of a total the job itself counts (it can
// change while the job runs) and redraws if it is time to.
func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	p.draw(false)
}

// add records n more units done.
func (p *progressBar) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.draw(false)
}

// finish ends the line, if one was started, with the final count.
func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printed {
		p.draw(true)
		if p.terminal {
			fmt.Fprintln(p.w)
		}
	}
}

func (p *progressBar) draw(force bool) {
	now := time.Now()
	every := progressEvery
	if !p.terminal {
		every = logEvery
	}
	if !force && (now.Sub(p.start) < every || now.Sub(p.last) < every) {
		return
	}
	p.last, p.printed = now, true
	const width = 20
	filled := 0
	if p.total > 0 {
		filled = min(width, width*p.done/p.total)
	}
	line := fmt.Sprintf("%s [%s%s] %d/%d %s", p.label, strings.Repeat("█", filled), strings.Repeat("░", width-filled), p.done, p.total, p.unit)
	elapsed := now.Sub(p.start).Seconds()
	if elapsed > 0 && p.done > 0 {
		rate := float64(p.done) / elapsed
		line += fmt.Sprintf(" · %.0f/s", rate)
		if p.extra != nil {
			line += " · " + p.extra(rate)
		}
		if left := p.total - p.done; left > 0 {
			line += " · ETA " + (time.Duration(float64(left) / rate * float64(time.Second))).Round(time.Second).String()
		}
	}
	if p.terminal {
		fmt.Fprint(p.w, "\r"+line+"\033[K") // clear what a longer previous line left
	} else {
		fmt.Fprintln(p.w, line)
	}
}
