package worker

import (
	"strings"
	"testing"
)

// A backend's panic (a device out of memory, say) becomes an error the
// parent is sent, and the worker lives on.
func TestGuarded(t *testing.T) {
	_, err := guarded(func() (int, error) { panic("cuda: allocating 80 GiB: out of memory") })
	if err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Errorf("guarded: %v", err)
	}
	if v, err := guarded(func() (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("guarded = %d, %v", v, err)
	}
}
