#!/usr/bin/env bash
# Builds what a GPU machine needs to check and measure the CUDA backend into
# gpu/ (git-ignored): the cuda-tagged test binary of engine/cuda, the CUDA
# worker, ncstudio (for synth, trace arrays and eval beside the PyTorch
# trainers: scripts/train-pytorch.sh with NCSTUDIO=gpu/ncstudio), and the
# shared libraries they link that a bare machine may lack (OpenBLAS and its
# Fortran runtime; ncstudio's X11 and GL dispatch libraries, which those
# commands load but never open a display or context with; libcuda.so.1
# comes from the driver).
# The libraries travel compressed (gpu/lib.tar.xz) to keep gpu/ small. Then,
# on the GPU machine, from the repository root:
#
#   mkdir -p /tmp/nclib && tar -xJf gpu/lib.tar.xz -C /tmp/nclib && export LD_LIBRARY_PATH=/tmp/nclib
#   gpu/cuda.test -test.v                 # finite differences, CPU comparisons, 20 training steps
#   gpu/ncworker-cuda bench               # the table of docs/PERFORMANCE.md (needs CUDA PyTorch)
#   gpu/ncworker-cuda train --data T --init C --out O ...   # a training run (ncstudio train's flags)
#   NCSTUDIO=gpu/ncstudio scripts/train-pytorch.sh          # the PyTorch stages (docs/MODEL.md, "PyTorch")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/go/bin:$PATH"
bash scripts/deps-cuda.sh
rm -rf gpu/lib && mkdir -p gpu/lib
go test -c -tags cuda -o gpu/cuda.test ./engine/cuda
go build -tags cuda -o gpu/ncworker-cuda ./app/ncworker
go build -ldflags "-s -w" -o gpu/ncstudio ./app/ncstudio # stripped: 39 MB of the 64 MiB a run carries
for bin in gpu/cuda.test gpu/ncworker-cuda gpu/ncstudio; do
	ldd "$bin" | awk '/=> \// {print $3}' | grep -vE '/lib(c|m|gcc_s|pthread|dl|rt)\.so' | xargs -r -I{} cp -L {} gpu/lib/
done
tar -cJf gpu/lib.tar.xz -C gpu/lib . && rm -rf gpu/lib
ls -la gpu
