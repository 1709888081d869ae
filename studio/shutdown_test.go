package studio

import (
	"testing"
	"time"
)

// The watchdog exits (status 0) once the grace has passed after arm, and
// never when Fyne's Run returned first.
func TestShutdownWatch(t *testing.T) {
	exited := make(chan int, 2)
	w := &shutdownWatch{grace: 20 * time.Millisecond, exit: func(code int) { exited <- code }}
	w.arm()
	w.arm() // a second quit keeps the first deadline
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("exit status %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("armed watchdog did not exit")
	}

	w = &shutdownWatch{grace: 20 * time.Millisecond, exit: func(code int) { exited <- code }}
	w.arm()
	w.disarm()
	time.Sleep(100 * time.Millisecond)
	w.arm() // after Run returned: nothing to watch
	time.Sleep(100 * time.Millisecond)
	if len(exited) > 0 {
		t.Error("exited although Fyne's Run had returned")
	}
}
