package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTraceArrays(t *testing.T) {
	dir := writeTestTrace(t, 12)
	out := filepath.Join(t.TempDir(), "arrays")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"trace", "arrays", "--data", dir, "--out", out, "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res traceArrays
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if res.Frames != 12 || res.Width != 48 || res.Height != 32 || len(res.Traces) != 1 || res.Traces[0].Frames != 12 {
		t.Errorf("result %+v", res)
	}
	st, err := os.Stat(filepath.Join(out, "frames.npy"))
	if err != nil || st.Size() != 128+12*32*48*3 {
		t.Errorf("frames.npy: %v, %v bytes", err, st)
	}

	err = dispatch([]string{"trace", "arrays", "--out", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--data DIR and --out DIR are required") {
		t.Errorf("without --data: %v", err)
	}
	err = dispatch([]string{"trace", "arrays", "--data", t.TempDir(), "--out", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no traces") {
		t.Errorf("an empty folder: %v", err)
	}
}
