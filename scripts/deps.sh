#!/usr/bin/env bash
# Installs what NC Studio needs to build, run and test on Debian 12, and only
# what is missing: on a machine that has everything it installs nothing and
# prints nothing. Run by `make deps` (and so by `make run` and `make test`).
#
# Needs root for apt-get (it uses sudo when run as another user). It cannot
# download a Go toolchain; it checks that Go >= $GO_MIN is installed.
set -euo pipefail

# Debian packages, one per line, with why. Add new ones here.
PACKAGES=(
	gcc              # cgo: Fyne/GLFW, OpenBLAS bindings
	pkg-config       # cgo flags for system libraries
	libgl1-mesa-dev  # OpenGL headers
	libgl1-mesa-dri  # Mesa's software renderer (llvmpipe) for GL under Xvfb
	libegl-dev       # EGL headers: the viewer's headless GL context (no window system)
	libegl-mesa0     # Mesa's EGL, so that headless GL works without a GPU driver
	xorg-dev         # X11 headers GLFW builds against (Xrandr, Xinerama, Xcursor, Xi, ...)
	libxxf86vm-dev   # GLFW's Xxf86vm
	libgtk-3-dev     # native file dialogs
	libopenblas-dev  # CPU GEMM for engine/cpu
	xvfb             # headless X server for tests
	xauth            # xvfb-run needs it
	xdotool          # GUI tests find and drive windows
	imagemagick      # GUI tests take screenshots (import)
	python3-numpy    # reference numbers in tests
	python3-torch    # reference numerics for layers (PyTorch, CPU)
	python3-zstandard # the independent Python trace reader in engine/trace tests
	python3-skimage  # reference SSIM and PSNR for the eval metrics
	twm              # a window manager for the X11 recorder/driver tests
	xterm            # real X programs those tests drive
	x11-apps         # xcalc, xclock, xeyes for the same
	xfonts-base      # core fonts twm and xterm draw with
	xfonts-75dpi     # twm's title font (helvetica)
	ffmpeg           # video decoding/encoding for GUIWorld import/export
)

GO_MIN=1.26

say() { printf 'deps: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- Go toolchain ----------------------------------------------------------
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go >= $GO_MIN from https://go.dev/dl/ into /usr/local/go (tar -C /usr/local -xzf go*.linux-amd64.tar.gz) and put /usr/local/go/bin on PATH."
gov=$(go env GOVERSION 2>/dev/null || true) # e.g. go1.26.8
gov=${gov#go}
major=${gov%%.*}
rest=${gov#*.}
minor=${rest%%[!0-9]*}
want_minor=${GO_MIN#*.}
if ! [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || (( major < 1 || (major == 1 && minor < want_minor) )); then
	die "found Go '${gov:-unknown}' at $(command -v go); NC Studio needs Go >= $GO_MIN. Install it from https://go.dev/dl/ into /usr/local/go and put /usr/local/go/bin first on PATH."
fi

# --- Debian packages ---------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian 12 (bookworm). Install the equivalents of: ${PACKAGES[*]}"

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	die "missing packages: ${missing[*]}. Installing them needs root: run 'make deps' as root, or install sudo, or run: apt-get install ${missing[*]}"
fi

say "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
say "done"
