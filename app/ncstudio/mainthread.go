package main

// GLFW and Fyne lock the main goroutine to the process's first thread in
// their package init, and their windows must live on that thread. Work done
// on a locked goroutine pays an operating-system thread switch each time it
// hands work to the CPU backend's workers and waits for them: `bench play`
// measured 30.8 ms a model step there against 12.7 ms on an ordinary
// goroutine. So main runs every command on a goroutine of its own and lends
// the main thread to the few calls that open a window (onMainThread).

// mainCalls carries those calls to the main goroutine; nil when no main loop
// serves them (the package's tests call dispatch directly), and the calls
// then run in place.
var mainCalls chan func()

// serveMainThread runs run on a new goroutine and, until it returns, runs
// the calls it passes to onMainThread here, on the calling (main) goroutine.
func serveMainThread(run func() error) error {
	mainCalls = make(chan func())
	result := make(chan error, 1)
	go func() { result <- run() }()
	for {
		select {
		case f := <-mainCalls:
			f()
		case err := <-result:
			return err
		}
	}
}

// onMainThread runs f on the main goroutine (see serveMainThread) and
// returns its error.
func onMainThread(f func() error) error {
	if mainCalls == nil {
		return f()
	}
	done := make(chan error, 1)
	mainCalls <- func() { done <- f() }
	return <-done
}
