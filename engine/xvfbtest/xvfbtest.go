// Package xvfbtest gives a test an X server of its own (Xvfb), so that what
// it types and clicks cannot reach the windows of tests running beside it.
package xvfbtest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Start runs Xvfb with one screen of the given geometry (e.g.
// "1024x768x24") until the test ends and returns its display name.
//
// Xvfb picks a free display number itself (-displayfd). Servers started at
// the same moment by tests beside this one can race for a number, and the
// loser has been seen to report it and exit, leaving the test a display
// nobody serves; so the display must answer on its socket while our server
// still runs, else Start tries again.
func Start(t testing.TB, screen string) string {
	t.Helper()
	var errs []string
	for range 3 {
		display, err := start(t, screen)
		if err == nil {
			return display
		}
		errs = append(errs, err.Error())
	}
	t.Fatalf("Xvfb (make deps installs it): %s", strings.Join(errs, "; "))
	return ""
}

func start(t testing.TB, screen string) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp")
	xvfb.ExtraFiles = []*os.File{w}
	if err := xvfb.Start(); err != nil {
		w.Close()
		return "", err
	}
	w.Close()
	exited := make(chan error, 1)
	go func() { exited <- xvfb.Wait() }()
	stop := func() {
		xvfb.Process.Kill()
		<-exited
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		stop()
		return "", fmt.Errorf("Xvfb did not report its display: %v", err)
	}
	n := strings.TrimSpace(line)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			return "", fmt.Errorf("Xvfb reported display :%s and exited (%v)", n, err)
		default:
		}
		if c, err := net.Dial("unix", "/tmp/.X11-unix/X"+n); err == nil {
			c.Close()
			break
		} else if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("display :%s takes no connection: %v", n, err)
		}
	}
	t.Cleanup(stop)
	return ":" + n, nil
}
