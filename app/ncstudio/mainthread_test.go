package main

import (
	"runtime"
	"syscall"
	"testing"
)

// A command runs off the main thread, and what it lends to onMainThread runs
// back on it: the thread GLFW and Fyne locked in their init.
func TestMainThreadIsLent(t *testing.T) {
	runtime.LockOSThread() // this goroutine plays main's part
	defer runtime.UnlockOSThread()
	defer func() { mainCalls = nil }()
	main := syscall.Gettid()
	var command, lent int
	err := serveMainThread(func() error {
		command = syscall.Gettid()
		return onMainThread(func() error {
			lent = syscall.Gettid()
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if command == main {
		t.Errorf("the command ran on the locked main thread %d", main)
	}
	if lent != main {
		t.Errorf("the lent call ran on thread %d, not the main thread %d", lent, main)
	}
}
