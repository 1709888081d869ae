package trace

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkPrefix opens dir and checks that it holds frames 0..Len-1 of the
// desktop trace, exactly, with their actions; it returns Len.
func checkPrefix(t *testing.T, dir string, w, h int) (int, *Recovery) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for s, err := range r.Frames() {
		if err != nil {
			t.Fatal(err)
		}
		if !sameRGB(s.Frame, desktopFrame(s.Index, w, h)) {
			t.Fatalf("frame %d differs from what was written", s.Index)
		}
		if want := desktopAction(s.Index, w, h); !reflect.DeepEqual(s.Action, want) {
			t.Fatalf("action %d = %v, want %v", s.Index, s.Action, want)
		}
		n++
	}
	if n != r.Len() || r.Meta().Frames != n {
		t.Fatalf("iterated %d frames, Len %d, meta frames %d", n, r.Len(), r.Meta().Frames)
	}
	return n, r.Recovery()
}

// TestHelperProcess is not a test: TestKillDuringRecording runs the test
// binary again with this as its only test, to record until it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("NCTRACE_HELPER_DIR")
	if dir == "" {
		t.Skip("runs only as the child of TestKillDuringRecording")
	}
	delay, _ := time.ParseDuration(os.Getenv("NCTRACE_HELPER_DELAY"))
	w, err := Create(dir, testMeta(96, 64))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("recording")
	for i := 0; ; i++ {
		if err := w.Append(desktopFrame(i, 96, 64), desktopAction(i, 96, 64)); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		time.Sleep(delay)
	}
}

// TestKillDuringRecording SIGKILLs a recording process and checks that its
// trace opens with an intact prefix of what it wrote. A fast recorder
// (thousands of frames a second) flushes chunks because they fill up; a
// slow one only because a second has passed.
func TestKillDuringRecording(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, tc := range []struct {
		name  string
		delay time.Duration
		min   int
	}{{"fast", 250 * time.Microsecond, 64}, {"15fps", time.Second / 15, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "killed.nctrace")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "NCTRACE_HELPER_DIR="+dir, "NCTRACE_HELPER_DELAY="+tc.delay.String())
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || line != "recording\n" {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child said %q (%v)", line, err)
			}
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()

			n, rec := checkPrefix(t, dir, 96, 64)
			if rec == nil {
				t.Fatal("no Recovery for a killed recording")
			}
			t.Logf("recovered %d frames: %v", n, rec)
			if n < tc.min || rec.Frames != n {
				t.Fatalf("recovered %d frames (report says %d), want at least %d", n, rec.Frames, tc.min)
			}
		})
	}
}

// TestOpenWhileRecording checks that the timer flushes a chunk a second
// after its first frame although no more frames come, and that a reader
// sees it while the writer is still open.
func TestOpenWhileRecording(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "live.nctrace")
	w, err := Create(dir, testMeta(32, 24))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range 3 {
		if err := w.Append(desktopFrame(i, 32, 24), desktopAction(i, 32, 24)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := checkPrefix(t, dir, 32, 24); n != 0 {
		t.Fatalf("%d frames visible before the flush", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, rec := checkPrefix(t, dir, 32, 24)
		if n == 3 {
			if rec == nil || rec.String() != "unfinished recording: recovered 3 frames" {
				t.Fatalf("recovery %v", rec)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d frames visible 5 s after the last Append", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := w.Append(desktopFrame(3, 32, 24), desktopAction(3, 32, 24)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n, rec := checkPrefix(t, dir, 32, 24); n != 4 || rec != nil {
		t.Fatalf("after Close: %d frames, recovery %v", n, rec)
	}
}

// unfinished writes an abandoned trace of 3 chunks (30 + 30 + 20 frames)
// and returns its directory and the chunks' offsets.
func unfinished(t *testing.T) (string, []int64) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "torn.nctrace")
	w, err := Create(dir, testMeta(32, 24))
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	for i := range 80 {
		if i%30 == 0 {
			st, _ := os.Stat(filepath.Join(dir, FramesFile))
			offs = append(offs, st.Size())
		}
		if err := w.Append(desktopFrame(i, 32, 24), desktopAction(i, 32, 24)); err != nil {
			t.Fatal(err)
		}
		if i%30 == 29 || i == 79 {
			w.Flush()
		}
	}
	abandon(w)
	return dir, offs
}

func TestTornTails(t *testing.T) {
	size := func(dir, name string) int64 {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	truncate := func(name string, by int64) func(dir string, offs []int64) {
		return func(dir string, offs []int64) {
			os.Truncate(filepath.Join(dir, name), size(dir, name)-by)
		}
	}
	appendBytes := func(name string, b []byte) func(dir string, offs []int64) {
		return func(dir string, offs []int64) {
			f, _ := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_WRONLY, 0)
			f.Write(b)
			f.Close()
		}
	}
	cases := []struct {
		name   string
		damage func(dir string, offs []int64)
		frames int
		report string // in Recovery.String()
	}{
		{"intact", func(string, []int64) {}, 80, "recovered 80 frames"},
		{"meta only", func(dir string, offs []int64) { // killed inside Create
			os.Remove(filepath.Join(dir, FramesFile))
			os.Remove(filepath.Join(dir, EventsFile))
		}, 0, "recovered 0 frames"},
		{"payload cut", truncate(FramesFile, 10), 60, "payload cut short"},
		{"header cut", func(dir string, offs []int64) {
			os.Truncate(filepath.Join(dir, FramesFile), offs[2]+headerSize-1)
		}, 60, "header cut short (39 of 40 bytes)"},
		{"zero tail", appendBytes(FramesFile, make([]byte, 5000)), 80, "zero-filled tail"},
		{"stale last payload", func(dir string, offs []int64) {
			f, _ := os.OpenFile(filepath.Join(dir, FramesFile), os.O_RDWR, 0)
			f.WriteAt(make([]byte, 16), offs[2]+headerSize+20)
			f.Close()
		}, 60, "payload CRC mismatch"},
		{"torn line", truncate(EventsFile, 7), 79, "torn last line of events.jsonl"},
		{"events behind", func(dir string, offs []int64) {
			b, _ := os.ReadFile(filepath.Join(dir, EventsFile))
			lines := strings.SplitAfter(string(b), "\n")
			os.WriteFile(filepath.Join(dir, EventsFile), []byte(strings.Join(lines[:75], "")), 0o644)
		}, 75, "ignored 5 frames without events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, offs := unfinished(t)
			c.damage(dir, offs)
			n, rec := checkPrefix(t, dir, 32, 24)
			if n != c.frames || rec == nil || !strings.Contains(rec.String(), c.report) {
				t.Fatalf("recovered %d frames (want %d); report %v, want it to mention %q", n, c.frames, rec, c.report)
			}
		})
	}
	// Damage that is not a torn write is an error even in unfinished traces.
	dir, offs := unfinished(t)
	f, _ := os.OpenFile(filepath.Join(dir, FramesFile), os.O_RDWR, 0)
	f.WriteAt([]byte{'X'}, offs[1])
	f.Close()
	want := fmt.Sprintf("frames.bin: chunk 1 at byte %d: bad chunk header: magic \"XCFC\"", offs[1])
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open: %v, want %q", err, want)
	}
}

// TestWriteErrorStopsWriter checks that after a failed write the writer
// refuses frames and leaves a trace that opens with what was flushed.
func TestWriteErrorStopsWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "broken.nctrace")
	w, err := Create(dir, testMeta(32, 24))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := w.Append(desktopFrame(i, 32, 24), desktopAction(i, 32, 24)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.Append(desktopFrame(10, 32, 24), desktopAction(10, 32, 24))
	w.frames.Close() // the disk goes away
	first := w.Flush()
	if first == nil || !strings.Contains(first.Error(), "frames.bin: write") {
		t.Fatalf("Flush after the file closed: %v", first)
	}
	if err := w.Append(desktopFrame(11, 32, 24), desktopAction(11, 32, 24)); err != first {
		t.Fatalf("Append after a write error: %v, want %v", err, first)
	}
	if err := w.Close(); err != first {
		t.Fatalf("Close: %v, want %v", err, first)
	}
	n, rec := checkPrefix(t, dir, 32, 24)
	if n != 10 || rec == nil {
		t.Fatalf("%d frames, recovery %v", n, rec)
	}
}
