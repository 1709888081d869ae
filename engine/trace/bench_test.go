package trace

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
)

// benchFrames are toy-desktop frames at the sandbox's size, made once.
func benchFrames(n int) []*image.RGBA {
	frames := make([]*image.RGBA, n)
	for i := range frames {
		frames[i] = desktopFrame(i, 256, 192)
	}
	return frames
}

// BenchmarkWrite measures recording 256x192 frames on one goroutine.
func BenchmarkWrite(b *testing.B) {
	frames := benchFrames(120)
	dir := filepath.Join(b.TempDir(), "bench.nctrace")
	w, err := Create(dir, testMeta(256, 192))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(256 * 192 * 3)
	b.ResetTimer()
	for i := range b.N {
		if err := w.Append(frames[i%len(frames)], desktopAction(i%len(frames), 256, 192)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	if st, err := os.Stat(filepath.Join(dir, FramesFile)); err == nil {
		b.ReportMetric(float64(b.N)*256*192*3/float64(st.Size()), "ratio")
	}
}

// BenchmarkRead measures streaming 256x192 frames back with Frames.
func BenchmarkRead(b *testing.B) {
	frames := benchFrames(120)
	const n = 1200
	dir := writeTrace(b, testMeta(256, 192), n, func(i int) *image.RGBA { return frames[i%len(frames)] },
		func(i int) action.Action { return desktopAction(i%len(frames), 256, 192) })
	r, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.SetBytes(256 * 192 * 3)
	b.ResetTimer()
	read := 0
	for read < b.N {
		for _, err := range r.Steps(0, min(n, b.N-read)) {
			if err != nil {
				b.Fatal(err)
			}
			read++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkOpen measures opening a 1200-frame trace: metadata, events and
// chunk headers, no decompression.
func BenchmarkOpen(b *testing.B) {
	frames := benchFrames(120)
	dir := writeTrace(b, testMeta(256, 192), 1200, func(i int) *image.RGBA { return frames[i%len(frames)] },
		func(i int) action.Action { return desktopAction(i%len(frames), 256, 192) })
	b.ResetTimer()
	for range b.N {
		r, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
