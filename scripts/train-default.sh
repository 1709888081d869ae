#!/usr/bin/env bash
# Reproduces the embedded default checkpoint: the same synthetic traces
# (seeds 1000-1007 goal-directed, 2000-2007 mixed, 4500 frames each at the
# default's 128x96), the default preset and budget, then scores it on
# held-out seeds and writes the half-float copy that `ncstudio` embeds.
# About 1.5 hours on 2 cores; rerunning resumes where it stopped.
#
#   scripts/train-default.sh [RUN_DIR]      (default runs/default)
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/default}
bin=bin/ncstudio
make -s build
mkdir -p "$run"
[ -d "$run/data" ] || {
	"$bin" synth --out "$run/data" --agent goal --frames 4500 --traces 8 --seed 1000
	"$bin" synth --out "$run/data" --agent mixed --frames 4500 --traces 8 --seed 2000
}
[ -d "$run/heldout" ] || {
	"$bin" synth --out "$run/heldout" --agent goal --frames 1500 --seed 9000
	"$bin" synth --out "$run/heldout" --agent mixed --frames 1500 --seed 9500
}
ckpt=$run/default.safetensors
if [ -f "$ckpt.resume" ]; then
	"$bin" train --resume --out "$ckpt"
elif [ ! -f "$ckpt" ]; then
	"$bin" train --data "$run/data" --out "$ckpt" --preset default --ae-steps 5000 --dyn-steps 15000
fi
"$bin" eval --ckpt "$ckpt" --data "$run/heldout" --probe
"$bin" ckpt convert "$ckpt" "$run/default-f16.safetensors" --dtype f16
echo "to embed: cp $run/default-f16.safetensors engine/model/embedded/default.safetensors"
