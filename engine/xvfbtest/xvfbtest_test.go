package xvfbtest

import (
	"net"
	"os"
	"strings"
	"sync"
	"testing"
)

// Servers started at once each get a display of their own, answering on its
// socket; stopped, they leave no lock file behind.
func TestStartsSideBySide(t *testing.T) {
	const n = 4
	displays := make([]string, n)
	stops := make([]func(), n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			displays[i], stops[i], errs[i] = open("64x64x24")
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, d := range displays {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer stops[i]()
		if seen[d] {
			t.Fatalf("display %s given twice: %v", d, displays)
		}
		seen[d] = true
		c, err := net.Dial("unix", "/tmp/.X11-unix/X"+strings.TrimPrefix(d, ":"))
		if err != nil {
			t.Fatalf("%s takes no connection: %v", d, err)
		}
		c.Close()
	}
	for i, d := range displays {
		stops[i]() // stopping twice (the deferred call) is harmless
		if _, err := os.Stat("/tmp/.X" + strings.TrimPrefix(d, ":") + "-lock"); err == nil {
			t.Errorf("%s: lock file left behind", d)
		}
	}
}
