package train

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/nn"
)

// TestLatentCache: a second encoding with the same encoder reads what the
// first wrote, bit for bit and without encoding; another encoder, a changed
// trace or a damaged file misses; the folder is pruned to its limit.
func TestLatentCache(t *testing.T) {
	cfg, _ := model.Preset("tiny")
	data := writeTraces(t, 2, 40, cfg.Width, cfg.Height)
	cache := t.TempDir()
	be := cpu.New()
	newModel := func(seed uint64) *model.Model {
		m, err := model.New(be, cfg, seed)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// encode returns the traces' latents, the scale it set, and the progress
	// steps it reported.
	encode := func(m *model.Model) ([][]uint16, float32, []int) {
		t.Helper()
		ds, err := dataset.Open([]string{data}, cfg.TraceKind(), cfg.Width, cfg.Height)
		if err != nil {
			t.Fatal(err)
		}
		defer ds.Close()
		var steps []int
		tr := &trainer{m: m, be: be, data: ds, bufs: nn.NewArena(be),
			o: Options{LatentCache: cache, Progress: func(p Progress) { steps = append(steps, p.Step) }}}
		if err := tr.encodeAll(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		var lat [][]uint16
		for _, x := range ds.Traces {
			lat = append(lat, x.Latents)
		}
		return lat, m.Cfg.AE.Scale, steps
	}
	files := func() []string {
		f, _ := filepath.Glob(filepath.Join(cache, "*.latents"))
		return f
	}

	m := newModel(1)
	first, scale, steps := encode(m)
	if len(files()) != 2 || len(steps) < 4 {
		t.Fatalf("after encoding: cache files %v, progress %v", files(), steps)
	}
	again, scale2, steps := encode(m)
	if !slices.EqualFunc(first, again, slices.Equal) || scale2 != scale {
		t.Error("latents read from the cache differ from those encoded")
	}
	if !slices.Equal(steps, []int{40, 80}) {
		t.Errorf("a cache hit should report whole traces at once, got progress %v", steps)
	}

	other, _, steps := encode(newModel(2))
	if slices.EqualFunc(first, other, slices.Equal) || len(steps) < 4 || len(files()) != 4 {
		t.Errorf("another encoder hit the cache (progress %v, files %d)", steps, len(files()))
	}

	// A damaged file is a miss, re-encoded and rewritten.
	for _, f := range files() {
		if err := os.Truncate(f, 100); err != nil {
			t.Fatal(err)
		}
	}
	damaged, _, steps := encode(m)
	if !slices.EqualFunc(first, damaged, slices.Equal) || len(steps) < 4 {
		t.Errorf("a damaged cache file was used (progress %v)", steps)
	}

	// A trace that changed (here: its events file touched) misses.
	events := filepath.Join(data, "t0.nctrace", "events.jsonl")
	info, err := os.Stat(events)
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(events, info.ModTime(), info.ModTime().Add(1e9))
	_, _, steps = encode(m)
	if len(steps) < 3 {
		t.Errorf("a changed trace hit the cache (progress %v)", steps)
	}

	// Pruning to one file's size keeps only the file just written.
	c := newLatentCache(cache, m, 1)
	if err := c.prune(files()[0]); err != nil {
		t.Fatal(err)
	}
	if len(files()) != 1 {
		t.Errorf("pruning left %v", files())
	}
}
