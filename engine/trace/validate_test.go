package trace

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/ncstudio/ncstudio/engine/action"
)

// goodTrace is a closed 32x24 trace of 100 frames in two chunks (64 + 36).
func goodTrace(t *testing.T) string {
	t.Helper()
	return writeTrace(t, testMeta(32, 24), 100, func(i int) *image.RGBA { return desktopFrame(i, 32, 24) },
		func(i int) action.Action { return desktopAction(i, 32, 24) })
}

func editLine(line int, edit func(string) string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		path := filepath.Join(dir, EventsFile)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		lines[line-1] = edit(lines[line-1])
		os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
	}
}

func editMeta(edit func(m map[string]any)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		path := filepath.Join(dir, MetaFile)
		b, _ := os.ReadFile(path)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, _ = json.Marshal(m)
		os.WriteFile(path, b, 0o644)
	}
}

// editFrames changes frames.bin's bytes; chunk 1 starts at off1.
func editFrames(edit func(b []byte, off1 int) []byte) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		path := filepath.Join(dir, FramesFile)
		b, _ := os.ReadFile(path)
		off1 := headerSize + int(binary.LittleEndian.Uint32(b[28:]))
		os.WriteFile(path, edit(b, off1), 0o644)
	}
}

// reseal recomputes the CRCs of the chunk at off after its bytes changed.
func reseal(b []byte, off int) {
	h := b[off : off+headerSize]
	size := int(binary.LittleEndian.Uint32(h[28:]))
	binary.LittleEndian.PutUint32(h[32:], crc32.ChecksumIEEE(b[off+headerSize:off+headerSize+size]))
	binary.LittleEndian.PutUint32(h[36:], crc32.ChecksumIEEE(h[:36]))
}

// TestValidateFindsFirstProblem damages a good trace in one way at a time
// and checks the exact message: it must name the file and the line, or the
// chunk and its offset.
func TestValidateFindsFirstProblem(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string // message after "trace: DIR/"
	}{
		{"index", editLine(17, func(s string) string { return strings.Replace(s, `"i":16`, `"i":18`, 1) }),
			"events.jsonl:17: frame index 18, want 16"},
		{"json", editLine(5, func(s string) string { return s[:10] + "\n" }),
			"events.jsonl:5: bad JSON: unexpected end of JSON input"},
		{"missing field", editLine(3, func(s string) string { return strings.Replace(s, `"t":`, `"T2":`, 1) }),
			`events.jsonl:3: missing "t"`},
		{"cursor", editLine(9, func(s string) string {
			return strings.Replace(s, `"y":`, `"y":1000`, 1)[:0] + `{"i":8,"t":1,"x":32,"y":0}` + "\n"
		}),
			"events.jsonl:9: cursor (32, 0) outside the 32x24 frame"},
		{"key case", editLine(2, func(string) string { return `{"i":1,"t":1,"X":0,"y":0}` + "\n" }),
			`events.jsonl:2: missing "x"`},
		{"null", editLine(2, func(string) string { return `{"i":1,"t":null,"x":0,"y":0}` + "\n" }),
			`events.jsonl:2: missing "t"`},
		{"type", editLine(2, func(string) string { return `{"i":1,"t":1,"x":1.5,"y":0}` + "\n" }),
			`events.jsonl:2: "x": json: cannot unmarshal number 1.5`},
		{"not object", editLine(2, func(string) string { return "[1]\n" }),
			`events.jsonl:2: bad JSON: json: cannot unmarshal array`},
		{"buttons", editLine(2, func(string) string { return `{"i":1,"t":1,"x":0,"y":0,"buttons":12}` + "\n" }),
			"events.jsonl:2: unknown button bits 0x8 in buttons 12"},
		{"buttons range", editLine(2, func(string) string { return `{"i":1,"t":1,"x":0,"y":0,"buttons":300}` + "\n" }),
			"events.jsonl:2: buttons 300 outside 0..7"},
		{"keysym", editLine(2, func(string) string { return `{"i":1,"t":1,"x":0,"y":0,"key_down":["a-b"]}` + "\n" }),
			`events.jsonl:2: key name "a-b" is not an X keysym name`},
		{"time order", editLine(50, func(s string) string { return `{"i":49,"t":0.5,"x":0,"y":0}` + "\n" }),
			"events.jsonl:50: time 500ms before the previous line's 3.2s"},
		{"no newline", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, EventsFile), fileSize(t, dir, EventsFile)-1)
		}, "events.jsonl:100: last line has no newline (torn write)"},
		{"extra line", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, EventsFile), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(`{"i":100,"t":7,"x":0,"y":0}` + "\n")
			f.Close()
		}, "events.jsonl: 101 lines for 100 frames"},
		{"meta frames", editMeta(func(m map[string]any) { m["frames"] = 99 }), "meta.json: says 99 frames, frames.bin holds 100"},
		{"meta size", editMeta(func(m map[string]any) { m["width"] = 40 }),
			"frames.bin: chunk 0 at byte 0: frame size 32x24, meta.json says 40x24"},
		{"meta version", editMeta(func(m map[string]any) { m["version"] = 2 }), "meta.json: format version 2 is newer than this reader's (1)"},
		{"meta kind", editMeta(func(m map[string]any) { m["kind"] = "tv" }), `meta.json: kind "tv", want "gui" or "cli"`},
		{"meta format", editMeta(func(m map[string]any) { delete(m, "format") }), `meta.json: format "", want "nctrace"`},
		{"meta json", func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, MetaFile), []byte("{} {}"), 0o644) },
			"meta.json: bad JSON: data after the object"},
		{"sprite missing", editMeta(func(m map[string]any) { m["cursor"] = map[string]any{"sprite": CursorFile} }),
			"cursor.png: no such file or directory"},
		{"payload crc", editFrames(func(b []byte, off1 int) []byte { b[off1+headerSize+5] ^= 1; return b }),
			"frames.bin: chunk 1 at byte {off1}: payload CRC mismatch"},
		{"header crc", editFrames(func(b []byte, off1 int) []byte { b[off1+12]++; return b }),
			"frames.bin: chunk 1 at byte {off1}: bad chunk header: header CRC"},
		{"frame count", editFrames(func(b []byte, off1 int) []byte { b[off1+12]++; reseal(b, off1); return b }),
			"frames.bin: chunk 1 at byte {off1}: uncompressed size 82944 for 37 frames of 32x24"},
		{"first frame", editFrames(func(b []byte, off1 int) []byte { b[off1+8]++; reseal(b, off1); return b }),
			"frames.bin: chunk 1 at byte {off1}: first frame 65, want 64"},
		{"codec", editFrames(func(b []byte, off1 int) []byte { b[off1+4] = 2; reseal(b, off1); return b }),
			"frames.bin: chunk 1 at byte {off1}: unknown codec 2"},
		{"truncated", editFrames(func(b []byte, off1 int) []byte { return b[:len(b)-3] }),
			"frames.bin: chunk 1 at byte {off1}: truncated: payload cut short"},
		{"trailing bytes", editFrames(func(b []byte, off1 int) []byte { return append(b, 1, 2, 3) }),
			"frames.bin: chunk 2 at byte {end}: truncated: header cut short (3 of 40 bytes)"},
		{"zstd garbage", editFrames(func(b []byte, off1 int) []byte {
			for i := range 30 {
				b[off1+headerSize+8+i] = 0xff
			}
			reseal(b, off1)
			return b
		}), "frames.bin: chunk 1 at byte {off1}: zstd: "},
		{"short payload", editFrames(func(b []byte, off1 int) []byte {
			// A valid zstd frame holding one frame less than the header says.
			enc, _ := zstd.NewWriter(nil)
			payload := enc.EncodeAll(make([]byte, 35*32*24*3), nil)
			b = append(b[:off1+headerSize], payload...)
			putHeader(b[off1:], 64, 36, 32, 24, payload)
			return b
		}), "frames.bin: chunk 1 at byte {off1}: decompressed to 80640 bytes, header says 82944"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := goodTrace(t)
			off1 := chunkOffset(t, dir, 1)
			c.damage(t, dir)
			want := "trace: " + filepath.Join(dir, strings.NewReplacer(
				"{off1}", fmt.Sprint(off1), "{end}", fmt.Sprint(fileSize(t, dir, FramesFile)-3)).Replace(c.want))
			err := Validate(dir)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Validate:\n got %v\nwant %s...", err, want)
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not a *trace.Error", err)
			}
		})
	}
}

func fileSize(t *testing.T, dir, name string) int64 {
	st, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func chunkOffset(t *testing.T, dir string, k int) int64 {
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.chunks[k].off
}

func TestValidateGood(t *testing.T) {
	dir := goodTrace(t)
	if err := Validate(dir); err != nil {
		t.Fatal(err)
	}
	if err := Validate(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing trace: %v", err)
	}
	if err := Validate(filepath.Join(dir, MetaFile)); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("file as trace: %v", err)
	}
}
