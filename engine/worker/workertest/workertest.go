// Package workertest stands in for the CUDA worker in tests on machines
// without a GPU: the real worker program, built without the cuda tag, on
// the CPU emulator of the CUDA kernels; or a worker that fails the way a
// CUDA build does where there is no GPU.
package workertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ncstudio/ncstudio/engine/worker"
)

// UseEmulator builds app/ncworker and points worker.EnvWorker (for the
// rest of the test) at a script that runs it with --device emulator.
func UseEmulator(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "ncworker")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/ncstudio/ncstudio/app/ncworker").CombinedOutput(); err != nil {
		t.Fatalf("building the worker: %v\n%s", err, out)
	}
	use(t, dir, "exec "+bin+` --device emulator "$@"`)
}

// UseNoGPU points worker.EnvWorker at a worker that prints what
// gorgonia.org/cu prints without a GPU, and exits.
func UseNoGPU(t testing.TB) {
	t.Helper()
	use(t, t.TempDir(), `echo 'Error in initialization, please refer to "https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__INITIALIZE.html" for details on: NoDevice'; exit 1`)
}

func use(t testing.TB, dir, script string) {
	path := filepath.Join(dir, worker.CUDABinary)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(worker.EnvWorker, path)
}
