#!/usr/bin/env bash
# Reproduces the embedded default checkpoint: the same synthetic traces
# (seeds 1000-1007 goal-directed, 2000-2007 mixed, 4500 frames each at the
# default's 128x96), the default preset and budget, then scores it on
# held-out seeds and writes the half-float copy that `ncstudio` embeds.
# About 1.7 hours on 2 cores; rerunning resumes where it stopped.
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
# steps_of CKPT: the dynamics steps a checkpoint holds.
steps_of() {
	"$bin" ckpt info "$1" --json 2>/dev/null | grep -o '"ncstudio.dynamics_steps": "[0-9]*"' | tr -dc 0-9 | grep . || echo 0
}
ckpt=$run/default.safetensors
if [ -f "$ckpt.resume" ] && [ "$(steps_of "$ckpt")" -lt 15000 ]; then
	"$bin" train --resume --out "$ckpt"
elif [ ! -f "$ckpt" ]; then
	"$bin" train --data "$run/data" --out "$ckpt" --preset default --ae-steps 5000 --dyn-steps 15000
fi
# Second stage: the first was trained before a quarter of the flow times were
# put at 0 (where one-step sampling starts); this continues it with that
# objective on half of the traces (encoding all of them again takes 11 min).
final=$run/default-final.safetensors
half=()
for s in 1000 1001 1002 1003 2000 2001 2002 2003; do half+=(--data "$(ls -d "$run"/data/*-seed$s.nctrace)"); done
if [ -f "$final.resume" ] && [ "$(steps_of "$final")" -lt 17500 ]; then
	"$bin" train --resume --out "$final"
elif [ ! -f "$final" ]; then
	"$bin" train --init "$ckpt" "${half[@]}" --out "$final" --ae-steps 0 --dyn-steps 2500 --lr 3e-4
fi
"$bin" eval --ckpt "$ckpt" --ckpt "$final" --data "$run/heldout" --probe
"$bin" ckpt convert "$final" "$run/default-f16.safetensors" --dtype f16
echo "to embed: cp $run/default-f16.safetensors engine/model/embedded/default.safetensors"
