#!/usr/bin/env bash
# Builds what a GPU machine needs to check and measure the CUDA backend into
# gpu/ (git-ignored): the cuda-tagged test binary of engine/cuda, the CUDA
# worker, and the shared libraries they link that a bare machine may lack
# (OpenBLAS and its Fortran runtime; libcuda.so.1 comes from the driver).
# The libraries travel compressed (gpu/lib.tar.xz) to keep gpu/ small. Then,
# on the GPU machine, from the repository root:
#
#   mkdir -p /tmp/nclib && tar -xJf gpu/lib.tar.xz -C /tmp/nclib && export LD_LIBRARY_PATH=/tmp/nclib
#   gpu/cuda.test -test.v                 # finite differences, CPU comparisons, 20 training steps
#   gpu/ncworker-cuda bench               # the table of docs/PERFORMANCE.md (needs CUDA PyTorch)
#   gpu/ncworker-cuda train --data T --init C --out O ...   # a training run (ncstudio train's flags)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/usr/local/go/bin:$PATH"
bash scripts/deps-cuda.sh
rm -rf gpu/lib && mkdir -p gpu/lib
go test -c -tags cuda -o gpu/cuda.test ./engine/cuda
go build -tags cuda -o gpu/ncworker-cuda ./app/ncworker
for bin in gpu/cuda.test gpu/ncworker-cuda; do
	ldd "$bin" | awk '/=> \// {print $3}' | grep -E 'openblas|gfortran|quadmath' | xargs -r -I{} cp -L {} gpu/lib/
done
tar -cJf gpu/lib.tar.xz -C gpu/lib . && rm -rf gpu/lib
ls -la gpu
