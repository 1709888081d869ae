package glctx

import "testing"

func TestHeadlessTwice(t *testing.T) {
	for i := range 2 {
		c, err := NewHeadless()
		if err != nil {
			t.Fatalf("context %d: %v", i, err)
		}
		t.Logf("%+v", c.Info)
		c.Close()
	}
}
