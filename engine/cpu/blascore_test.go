package cpu

import (
	"os"
	"testing"
)

// On a CPU with AVX2 or AVX-512, the backend must run OpenBLAS kernels that
// use them, whatever OpenBLAS guessed from the model number (0.3.21 takes SSE3
// kernels on Emerald Rapids, ten times slower).
func TestBLASCoreUsesTheCPUsVectors(t *testing.T) {
	core := CurrentBLASCore()
	t.Logf("OpenBLAS kernels %s (detected %s) %s", core.Name, core.Detected, core.Reason)
	if core.Detected != core.Name && os.Getenv("OPENBLAS_CORETYPE") == "" {
		t.Errorf("kernels changed to %s but OPENBLAS_CORETYPE is not set for child processes", core.Name)
	}
	best, rank := bestBLASCore()
	switch {
	case blasCoreByUser:
		t.Skip("OPENBLAS_CORETYPE chose the kernels")
	case rank == 0:
		t.Skip("this CPU has neither AVX2 nor AVX-512")
	case !blasCanReselect():
		t.Skip("this OpenBLAS was built for one CPU and cannot change its kernels")
	}
	if got := blasCoreRank(core.Name); got < rank {
		t.Errorf("OpenBLAS runs %s kernels (rank %d) on a CPU that runs %s (rank %d)", core.Name, got, best, rank)
	}
}
