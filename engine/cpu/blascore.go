package cpu

/*
// OpenBLAS builds with DYNAMIC_ARCH (Debian's) pick their kernels once, when
// the library loads, from the CPU's model number. These two entry points
// let the choice be made again; they are weak so that a single-target
// OpenBLAS, which lacks them, still links.
char *openblas_get_corename(void);
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

static int ncs_blas_can_reselect(void) {
	return gotoblas_dynamic_init != NULL && gotoblas_dynamic_quit != NULL;
}

static void ncs_blas_reselect(void) {
	gotoblas_dynamic_quit();
	gotoblas_dynamic_init();
}
*/
import "C"

import (
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// BLASCore says which OpenBLAS kernels the backend runs on and why.
type BLASCore struct {
	Name     string `json:"name"`             // the kernel set in use, as OpenBLAS names it
	Detected string `json:"detected"`         // what OpenBLAS chose by itself when it loaded
	Reason   string `json:"reason,omitempty"` // why Name differs from Detected
}

var (
	blasCore BLASCore
	// blasCoreByUser: OPENBLAS_CORETYPE was set before start, and obeyed.
	blasCoreByUser bool
)

// CurrentBLASCore reports the OpenBLAS kernel set chosen at start-up.
func CurrentBLASCore() BLASCore { return blasCore }

// blasCoreRank orders OpenBLAS's x86-64 kernel sets by the widest vector
// instructions they use: 3 AVX-512, 2 AVX2 with FMA, 0 anything older.
func blasCoreRank(name string) int {
	switch strings.ToLower(name) {
	case "skylakex", "cooperlake", "sapphirerapids":
		return 3
	case "haswell", "zen", "excavator":
		return 2
	}
	return 0
}

// bestBLASCore names the kernel set this CPU (and its operating system's
// saved vector state, which x/sys/cpu checks) can run, with its rank.
func bestBLASCore() (string, int) {
	x := cpu.X86
	switch {
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512VL && x.HasAVX512DQ && x.HasAVX512BF16:
		return "Cooperlake", 3
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512VL && x.HasAVX512DQ:
		return "SkylakeX", 3
	case x.HasAVX2 && x.HasFMA:
		return "Haswell", 2
	}
	return "", 0
}

// blasCanReselect: OpenBLAS was built for several CPUs and can change kernels.
func blasCanReselect() bool { return C.ncs_blas_can_reselect() != 0 }

// selectBLASCore corrects OpenBLAS's choice of kernels when it fell back to
// an older set than the CPU runs: OpenBLAS 0.3.21 (Debian 12) does not know
// newer Intel models (Emerald Rapids, model 207, among them) and takes the
// SSE3 "Prescott" kernels there, ten times slower than the AVX-512 ones. It
// must run before the first BLAS call; a user's OPENBLAS_CORETYPE wins.
func selectBLASCore() {
	detected := C.GoString(C.openblas_get_corename())
	blasCore = BLASCore{Name: detected, Detected: detected}
	blasCoreByUser = os.Getenv("OPENBLAS_CORETYPE") != ""
	if runtime.GOARCH != "amd64" || blasCoreByUser || !blasCanReselect() {
		return
	}
	best, rank := bestBLASCore()
	if rank <= blasCoreRank(detected) {
		return
	}
	// OpenBLAS reads the variable; with cgo, os.Setenv sets C's environment
	// too. It stays set so that child processes which load OpenBLAS (the
	// PyTorch reference of bench train) run the same kernels.
	os.Setenv("OPENBLAS_CORETYPE", best)
	C.ncs_blas_reselect()
	blasCore.Name = C.GoString(C.openblas_get_corename())
	if blasCore.Name != detected {
		blasCore.Reason = "OpenBLAS took " + detected + " kernels on a CPU that runs " + best + "'s"
	}
}
