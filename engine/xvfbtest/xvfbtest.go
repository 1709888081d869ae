// Package xvfbtest gives a test an X server of its own (Xvfb), so that what
// it types and clicks cannot reach the windows of tests running beside it.
package xvfbtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Start runs Xvfb with one screen of the given geometry (e.g.
// "1024x768x24") until the test ends and returns its display name.
//
// The display number is chosen here, not by Xvfb (-displayfd): with
// -displayfd a server opens its sockets before it takes the display's lock
// file, so two servers starting at once could both open :0 and the loser,
// closing, left the winner's socket path to a dead listener (CI saw
// "connection reset by peer" on :0). Given a number, Xvfb takes the lock
// file /tmp/.X<n>-lock first and exits if another server holds it. Our own
// starts are also serialised by a lock of their own, and a display counts
// only once its lock file names our server's pid and its socket answers.
func Start(t testing.TB, screen string) string {
	t.Helper()
	display, stop, err := open(screen)
	if err != nil {
		t.Fatalf("Xvfb (make deps installs it): %v", err)
	}
	t.Cleanup(stop)
	return display
}

// open starts a server as Start does and gives the function that stops it.
func open(screen string) (display string, stop func(), err error) {
	unlock, err := lockStarts()
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	var errs []string
	n := firstDisplay()
	for try := 0; try < 5; try++ {
		n = freeDisplay(n)
		display, stop, err := startOn(n, screen)
		if err == nil {
			return display, stop, nil
		}
		errs = append(errs, err.Error())
		n++
	}
	return "", nil, errors.New(strings.Join(errs, "; "))
}

// startLock serialises the starts of every test process on this machine.
const startLock = "/tmp/ncstudio-xvfbtest.lock"

func lockStarts() (unlock func(), err error) {
	f, err := os.OpenFile(startLock, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %v", startLock, err)
	}
	return func() { f.Close() }, nil // closing releases the flock
}

// firstDisplay spreads test processes over numbers above the usual ones
// (xvfb-run -a starts at 99), so they seldom meet even without the lock.
func firstDisplay() int { return 200 + os.Getpid()%500 }

// freeDisplay is the first number from n without a lock file or socket.
func freeDisplay(n int) int {
	for ; ; n++ {
		if _, err := os.Stat(lockFile(n)); err == nil {
			continue
		}
		if _, err := os.Stat(socketPath(n)); err == nil {
			continue
		}
		return n
	}
}

func lockFile(n int) string   { return fmt.Sprintf("/tmp/.X%d-lock", n) }
func socketPath(n int) string { return fmt.Sprintf("/tmp/.X11-unix/X%d", n) }

func startOn(n int, screen string) (string, func(), error) {
	display := ":" + strconv.Itoa(n)
	var stderr strings.Builder
	xvfb := exec.Command("Xvfb", display, "-screen", "0", screen, "-nolisten", "tcp")
	xvfb.Stderr = &stderr
	if err := xvfb.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- xvfb.Wait() }()
	// SIGTERM lets Xvfb remove its lock file and socket; SIGKILL would
	// leave them behind for every later run to step over.
	var once sync.Once
	stop := func() {
		once.Do(func() {
			xvfb.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				xvfb.Process.Kill()
				<-exited
			}
		})
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			return "", nil, fmt.Errorf("Xvfb %s exited (%v): %s", display, err, lastLine(stderr.String()))
		default:
		}
		err := serves(n, xvfb.Process.Pid)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("display %s: %v", display, err)
		}
	}
	return display, stop, nil
}

// serves says whether display n is our server's: its lock file holds pid and
// its socket takes a connection.
func serves(n, pid int) error {
	b, err := os.ReadFile(lockFile(n))
	if err != nil {
		return err
	}
	if got, _ := strconv.Atoi(strings.TrimSpace(string(b))); got != pid {
		return fmt.Errorf("%s names pid %q, not our Xvfb's %d", lockFile(n), strings.TrimSpace(string(b)), pid)
	}
	c, err := net.Dial("unix", socketPath(n))
	if err != nil {
		return errors.New("takes no connection yet")
	}
	return c.Close()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
