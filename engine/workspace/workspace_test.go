package workspace

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncstudio/ncstudio/engine/action"
	"github.com/ncstudio/ncstudio/engine/cpu"
	"github.com/ncstudio/ncstudio/engine/model"
	"github.com/ncstudio/ncstudio/engine/trace"
)

func testWorkspace(t *testing.T) Workspace {
	t.Helper()
	w := Workspace{Root: filepath.Join(t.TempDir(), "NCStudio")}
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	cfg, _ := model.Preset("tiny")
	m, err := model.New(cpu.New(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(filepath.Join(w.Checkpoints(), "mine.safetensors"), map[string]string{"ncstudio.dynamics_steps": "30"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(w.Checkpoints(), "mine.safetensors.losses.csv"), []byte("stage,step,loss\n"), 0o644)
	os.WriteFile(filepath.Join(w.Checkpoints(), "mine.safetensors.eval.json"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(w.Checkpoints(), "broken.safetensors"), []byte("nope"), 0o644)
	tw, err := trace.Create(filepath.Join(w.Traces(), "demo.nctrace"), trace.Meta{Kind: trace.GUI, Width: 32, Height: 24, FPS: 15, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		tw.Append(image.NewRGBA(image.Rect(0, 0, 32, 24)), action.Action{X: i, Y: i})
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestList(t *testing.T) {
	w := testWorkspace(t)
	cks, err := w.ListCheckpoints()
	if err != nil || len(cks) != 2 {
		t.Fatalf("%v %+v", err, cks)
	}
	byName := map[string]Checkpoint{}
	for _, c := range cks {
		byName[c.Name] = c
	}
	if c := byName["mine"]; c.Err != nil || c.Params == 0 || !strings.Contains(c.Summary(), "30 dynamics steps") {
		t.Errorf("mine: %v %q", c.Err, c.Summary())
	}
	if c := byName["broken"]; c.Err == nil || !strings.Contains(c.Summary(), "broken.safetensors") {
		t.Errorf("broken: %q", c.Summary())
	}
	trs, err := ListTraces(w.Traces())
	if err != nil || len(trs) != 1 || trs[0].Frames != 5 || trs[0].Name != "demo" {
		t.Fatalf("%v %+v", err, trs)
	}
	if f, err := Frame(trs[0].Path, 4); err != nil || f.Rect.Dx() != 32 {
		t.Errorf("frame: %v", err)
	}
	if _, err := Frame(trs[0].Path, 5); err == nil {
		t.Error("frame 5 of 5 read")
	}
	// A missing folder is empty, not an error.
	if trs, err := ListTraces(filepath.Join(w.Root, "nowhere")); err != nil || len(trs) != 0 {
		t.Errorf("missing folder: %v %v", err, trs)
	}
}

func TestRenameAndTrash(t *testing.T) {
	w := testWorkspace(t)
	t.Setenv("XDG_DATA_HOME", filepath.Join(w.Root, "xdg"))
	old := filepath.Join(w.Checkpoints(), "mine.safetensors")
	for _, bad := range []string{"", "a/b", ".."} {
		if _, err := Rename(old, bad); err == nil {
			t.Errorf("rename to %q accepted", bad)
		}
	}
	if _, err := Rename(old, "broken"); err == nil {
		t.Error("rename onto an existing checkpoint accepted")
	}
	to, err := Rename(old, "better")
	if err != nil || filepath.Base(to) != "better.safetensors" {
		t.Fatalf("%v %s", err, to)
	}
	if _, err := os.Stat(to + ".losses.csv"); err != nil {
		t.Error("the loss log did not move with the checkpoint")
	}
	if _, err := os.Stat(to + ".eval.json"); err != nil {
		t.Error("the latest scores did not move with the checkpoint")
	}

	trashed, err := Trash(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Error("the checkpoint is still there")
	}
	info, err := os.ReadFile(filepath.Join(w.Root, "xdg", "Trash", "info", "better.safetensors.trashinfo"))
	if err != nil || !strings.Contains(string(info), "Path="+to) || !strings.Contains(string(info), "DeletionDate=") {
		t.Errorf("trash info: %v\n%s", err, info)
	}
	if _, err := os.Stat(trashed); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(w.Root, "xdg", "Trash", "files", "better.safetensors.losses.csv")); err != nil {
		t.Error("the loss log did not go to the trash with the checkpoint")
	}
	// A second file of the same name gets another name in the trash.
	os.WriteFile(to, []byte("again"), 0o644)
	if second, err := Trash(to); err != nil || second == trashed {
		t.Errorf("second trash: %v %s", err, second)
	}
	// Traces are folders.
	if _, err := Trash(filepath.Join(w.Traces(), "demo.nctrace")); err != nil {
		t.Error(err)
	}
}

func TestImportTrace(t *testing.T) {
	w := testWorkspace(t)
	src := filepath.Join(w.Traces(), "demo.nctrace")
	to, err := ImportTrace(w, src)
	if err != nil || filepath.Base(to) != "demo-2.nctrace" {
		t.Fatalf("%v %s", err, to)
	}
	if err := trace.Validate(to); err != nil {
		t.Error(err)
	}
	if _, err := ImportTrace(w, t.TempDir()); err == nil {
		t.Error("a folder that is no trace was imported")
	}
	if trs, _ := ListTraces(w.Traces()); len(trs) != 2 {
		t.Errorf("%d traces after one import and one refusal", len(trs))
	}
}
