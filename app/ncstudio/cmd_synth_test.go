package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/sandbox"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func TestSynthCommand(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"synth", "--out", out, "--frames", "120", "--traces", "3", "--seed", "10", "--agent", "goal", "--size", "128x96", "--json"}
	if err := dispatch(args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res synthResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if len(res.Traces) != 3 || res.Frames != 360 || res.RealTime <= 0 {
		t.Fatalf("result %+v", res)
	}
	for k, dir := range res.Traces {
		if want := filepath.Join(out, fmt.Sprintf("default-goal-seed%d.nctrace", 10+k)); dir != want {
			t.Errorf("trace %d is %s, want %s", k, dir, want)
		}
		r, err := trace.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		m := r.Meta()
		if r.Len() != 120 || m.Width != 128 || m.Height != 96 || m.Tags["seed"] != []string{"10", "11", "12"}[k] {
			t.Errorf("%s: %d frames, meta %+v", dir, r.Len(), m)
		}
		r.Close()
	}
	// The same seeds again: refused rather than overwritten.
	if err := dispatch(args, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("rewriting existing traces: %v", err)
	}
	for _, bad := range [][]string{
		{"synth"},
		{"synth", "--out", out, "--agent", "lazy"},
		{"synth", "--out", out, "--size", "256"},
		{"synth", "--out", out, "--size", "10x10"},
	} {
		err := dispatch(bad, &stdout, &stderr)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: error %v (exit %d), want a usage error", bad, err, exitCode(err))
		}
	}
	spec := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(spec, []byte(`{"name": 3}`), 0o644)
	if err := dispatch([]string{"synth", "--out", out, "--spec", spec}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "bad.json:1:10: name: want a string") {
		t.Errorf("bad spec: %v", err)
	}
}

func TestSandboxSpecAndCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "my.json")
	var stdout, stderr bytes.Buffer
	if err := dispatch([]string{"sandbox", "spec", "--out", file}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if err := dispatch([]string{"sandbox", "spec", "--out", file}, &stdout, &stderr); err == nil {
		t.Error("sandbox spec overwrote a file")
	}
	stdout.Reset()
	if err := dispatch([]string{"sandbox", "check", file}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "ok: desktop \"default\" with 7 icons") {
		t.Errorf("check of the default: %v %q", err, stdout.String())
	}
	data, _ := os.ReadFile(file)
	os.WriteFile(file, bytes.Replace(data, []byte(`"opens": "calc"}`), []byte(`"opens": "calculator"}`), 1), 0o644)
	stdout.Reset()
	err := dispatch([]string{"sandbox", "check", file, "--json"}, &stdout, &stderr)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "my.json:7:") || !strings.Contains(err.Error(), `icons[1].opens: no window "calculator"`) {
		t.Errorf("check of a broken spec: %v", err)
	}
	var res specCheck
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil || res.OK || res.Error != err.Error() {
		t.Errorf("--json: %+v %v", res, jerr)
	}
	// The printed spec is the embedded one.
	stdout.Reset()
	dispatch([]string{"sandbox", "spec"}, &stdout, &stderr)
	if !bytes.Equal(stdout.Bytes(), sandbox.DefaultSpecJSON()) {
		t.Error("sandbox spec prints something else than the default spec")
	}
}
