package termrec

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/ncstudio/ncstudio/engine/term"
)

// TestLive types into the live bash through actions and reads its screen.
func TestLive(t *testing.T) {
	l, err := StartLive(Options{Cols: 32, Rows: 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	keys, _ := term.ParseInput([]byte("cat hello.txt\r"))
	for _, k := range keys {
		l.Step(term.KeysAction([]term.Key{k}))
	}
	// Settle returns after 30 ms without output, which a loaded machine
	// can leave between the echo and cat's answer: read until it is there.
	want := "$ cat hello.txt\nHello from the neural terminal!\n$"
	img := image.NewRGBA(image.Rect(0, 0, 256, 96))
	var screen string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		l.Settle(time.Second)
		l.Render(img)
		if screen = strings.Join(term.NewReader(term.DefaultFont()).Read(img, 32, 6), "\n"); strings.HasPrefix(screen, want) {
			break
		}
	}
	if !strings.HasPrefix(screen, want) {
		t.Errorf("screen\n%s\nwant it to start\n%s", screen, want)
	}
	if l.Exited() {
		t.Error("bash exited")
	}
}
