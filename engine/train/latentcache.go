package train

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ncstudio/ncstudio/engine/atomicfile"
	"github.com/ncstudio/ncstudio/engine/dataset"
	"github.com/ncstudio/ncstudio/engine/model"
)

// DefaultLatentCacheLimit is how many bytes of latents a cache folder keeps
// (the oldest files go first): the 54,000 frames of the terminal preset's
// training set take 5.3 GB.
const DefaultLatentCacheLimit = 12 << 30

// DefaultLatentCache is the cache folder of `ncstudio train` and the studio:
// ncstudio/latents in the user's cache folder, or "" (no cache) when there
// is none.
func DefaultLatentCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ncstudio", "latents")
}

// latentCache keeps the latents of traces as one encoder made them, so that
// a run that keeps an autoencoder (continuing or fine-tuning the dynamics)
// reads them back instead of encoding every frame again. A file is named by
// a digest of the encoder's weights and configuration and of the trace's
// path, sizes and modification times: a changed encoder or a trace that
// grew misses and is encoded afresh.
type latentCache struct {
	dir     string
	encoder []byte // digest of the encoder
	limit   int64
}

// latentMagic starts every cache file; the frame count and values per frame
// follow as little-endian uint64, then the half floats.
const latentMagic = "NCLATENT1\n"

func newLatentCache(dir string, m *model.Model, limit int64) *latentCache {
	if dir == "" {
		return nil
	}
	h := sha256.New()
	cfg, _ := json.Marshal(m.Cfg.AE.Channels)
	h.Write(cfg)
	fmt.Fprintf(h, "%v/%d", m.Cfg.AE.Blocks, m.Cfg.AE.Latent)
	for _, p := range m.Enc.Params() {
		io.WriteString(h, p.Name)
		binary.Write(h, binary.LittleEndian, m.Backend().ToHost(p.Value))
	}
	return &latentCache{dir: dir, encoder: h.Sum(nil), limit: limit}
}

// path is the cache file of tr's latents.
func (c *latentCache) path(tr *dataset.Trace) (string, error) {
	abs, err := filepath.Abs(tr.Path)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(c.encoder)
	io.WriteString(h, abs)
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "\x00%s %d %d", p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(c.dir, hex.EncodeToString(h.Sum(nil)[:16])+".latents"), nil
}

// load fills tr.Latents (n values per frame) from the cache and reports
// whether it could; a missing, short or foreign file is a miss.
func (c *latentCache) load(tr *dataset.Trace, n int) bool {
	path, err := c.path(tr)
	if err != nil {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, len(latentMagic)+16)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(latentMagic)]) != latentMagic {
		return false
	}
	frames := binary.LittleEndian.Uint64(head[len(latentMagic):])
	per := binary.LittleEndian.Uint64(head[len(latentMagic)+8:])
	if frames != uint64(tr.R.Len()) || per != uint64(n) {
		return false
	}
	lat := make([]uint16, tr.R.Len()*n)
	if err := binary.Read(r, binary.LittleEndian, lat); err != nil {
		return false
	}
	tr.Latents = lat
	now := time.Now()
	os.Chtimes(path, now, now) // recently used: pruned last
	return true
}

// store writes tr.Latents (n values per frame) atomically, then prunes the
// folder to its limit. A cache that cannot be written only costs time: the
// error is returned for the caller to report, never to stop training.
func (c *latentCache) store(tr *dataset.Trace, n int) error {
	path, err := c.path(tr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		head := binary.LittleEndian.AppendUint64([]byte(latentMagic), uint64(tr.R.Len()))
		head = binary.LittleEndian.AppendUint64(head, uint64(n))
		bw.Write(head)
		if err := binary.Write(bw, binary.LittleEndian, tr.Latents); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return err
	}
	return c.prune(path)
}

// prune deletes the least recently used files until the folder holds at
// most limit bytes, never the file just written.
func (c *latentCache) prune(keep string) error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	type file struct {
		path string
		size int64
		used int64
	}
	var files []file
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || filepath.Ext(e.Name()) != ".latents" {
			continue
		}
		files = append(files, file{filepath.Join(c.dir, e.Name()), info.Size(), info.ModTime().UnixNano()})
		total += info.Size()
	}
	slices.SortFunc(files, func(a, b file) int { return cmp.Compare(a.used, b.used) })
	var errs []error
	for _, f := range files {
		if total <= c.limit {
			break
		}
		if f.path == keep {
			continue
		}
		if err := os.Remove(f.path); err != nil {
			errs = append(errs, err)
			continue
		}
		total -= f.size
	}
	return errors.Join(errs...)
}
