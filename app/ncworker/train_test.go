package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/sandbox/synth/synthtest"
)

// TestTrainRun: `ncworker train` trains a tiny model on the CPU from
// ncstudio train's flags, writes a checkpoint that loads and its loss log,
// and refuses bad flags with a clear message.
func TestTrainRun(t *testing.T) {
	dir, cfg := synthtest.Tiny(t, "mixed", 3, 60)
	out := filepath.Join(t.TempDir(), "w.safetensors")
	var log bytes.Buffer
	err := runTrain([]string{"--device", "cpu", "--data", dir, "--out", out, "--preset", "tiny", "--ae-steps", "3", "--dyn-steps", "3",
		"--batch", "2", "--latent-cache", ""}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	m, meta, err := model.Load(cpu.New(), out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Cfg.Width != cfg.Width || meta["ncstudio.preset"] != "tiny" || !strings.HasPrefix(meta["ncstudio.command"], "ncworker train ") {
		t.Errorf("checkpoint config %dx%d, metadata %v", m.Cfg.Width, m.Cfg.Height, meta)
	}
	if st, err := os.Stat(out + ".losses.csv"); err != nil || st.Size() == 0 {
		t.Errorf("loss log: %v", err)
	}
	for _, want := range []string{"training on cpu", "autoencoder 3/3", "dynamics 3/3", "wrote " + out} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, log.String())
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--device", "cpu", "--out", out}, "--data is required"},
		{[]string{"--device", "cpu", "--data", dir, "--out", out, "--progress", "bar"}, "--progress is text or json"},
		{[]string{"--device", "cpu", "--data", dir, "--out", out, "--preset", "huge"}, "huge"},
	} {
		if err := runTrain(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}
