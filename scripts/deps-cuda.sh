#!/usr/bin/env bash
# Installs the CUDA toolkit that `make ptx`, `make check-ptx` and `make
# build-cuda` need, when nvcc is missing: Debian 12's nvidia-cuda-toolkit
# (CUDA 11.8) from the non-free component, which this script adds to apt's
# sources for bookworm. Running a CUDA build needs none of this, only the
# NVIDIA driver (libcuda.so.1). Quiet when everything is present.
set -euo pipefail

say() { printf 'deps-cuda: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if command -v nvcc >/dev/null 2>&1 && [ -e /usr/include/cuda.h ]; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	die "nvcc is missing. Installing Debian's nvidia-cuda-toolkit needs root: run this as root, or install sudo."
fi
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || die "this script knows Debian 12 (bookworm); found '${PRETTY_NAME:-unknown}'. Install CUDA 11.8's nvcc and cuda.h by hand."

sources=/etc/apt/sources.list.d/ncstudio-nonfree.sources
if ! grep -rqs 'non-free' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	say "adding bookworm's contrib and non-free components to apt ($sources)"
	"${SUDO[@]}" tee "$sources" >/dev/null <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi
say "installing nvidia-cuda-toolkit (about 2 GB, a few minutes)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit </dev/null
say "done: $(nvcc --version | tail -1)"
