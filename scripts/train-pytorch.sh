#!/usr/bin/env bash
# Fine-tunes the built-in default with PyTorch on a machine with a GPU (or
# any machine: DEVICE=cpu), every stage in turn: the autoencoder
# (train_ae.py), the dynamics on the new latents (train_dyn.py), the decoder
# on the dynamics' predictions (train_dec.py); then scores the result on the
# held-out seeds with `ncstudio eval --probe`. The traces are the default's
# (train-default.sh's seeds and the busy ones), synthesized here. Each stage
# is sized in seconds; a rerun skips the stages whose checkpoint exists.
#
#   scripts/train-pytorch.sh [RUN_DIR]        (default runs/pytorch)
#
# Environment: AE_SECONDS (150), DYN_SECONDS (420), DEC_SECONDS (120),
# DYNAMICS (flags of `ncstudio ckpt dynamics`, e.g. "--dim 192 --layers 6
# --heads 6": the dynamics stage trains a fresh dynamics of that size
# instead of fine-tuning the default's),
# DEVICE (cuda when PyTorch sees one), FRAMES per trace (4500), NCSTUDIO
# (the binary; default bin/ncstudio, built with make when missing), PYTHON
# (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/pytorch}
bin=${NCSTUDIO:-bin/ncstudio}
py=${PYTHON:-/usr/bin/python3}
frames=${FRAMES:-4500}
[ -x "$bin" ] || make -s build
device=${DEVICE:-$("$py" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}
mkdir -p "$run"

synth() { # synth DIR AGENT SEED TRACES FRAMES
	[ -d "$run/$1" ] && [ "$(ls "$run/$1" | grep -c -- "-$2-seed")" -ge "$4" ] && return
	"$bin" synth --out "$run/$1" --agent "$2" --seed "$3" --traces "$4" --frames "$5" >/dev/null
}
synth data goal 1000 8 "$frames"
synth data mixed 2000 8 "$frames"
synth data busy 3000 6 "$frames"
synth heldout goal 9000 1 1500
synth heldout mixed 9500 1 1500
[ -f "$run/start.safetensors" ] || "$bin" ckpt sampler default "$run/start.safetensors" >/dev/null
# The arrays' action features follow the model's: with its press history.
presses=$("$bin" ckpt info --json "$run/start.safetensors" | "$py" -c \
	'import json,sys; print(json.loads(json.load(sys.stdin)["metadata"]["ncstudio.config"])["dynamics"].get("press_history", 0))')
for d in data heldout; do
	[ -f "$run/$d-arrays-p$presses/traces.json" ] ||
		"$bin" trace arrays --data "$run/$d" --out "$run/$d-arrays-p$presses" --press-history "$presses"
done
common=(--arrays "$run/data-arrays-p$presses" --valid "$run/heldout-arrays-p$presses" --device "$device" --report-every 500)
stage() { # stage SCRIPT IN OUT ARGS...
	local script=$1 in=$2 out=$3
	shift 3
	[ -f "$out" ] && return
	"$py" "engine/pyref/$script" --init "$in" --out "$out" "${common[@]}" "$@" | tee "$out.log"
}
stage train_ae.py "$run/start.safetensors" "$run/ae.safetensors" \
	--seconds "${AE_SECONDS:-150}" --batch 128 --lr 4e-4 --warmup 200
dyn_init=$run/ae.safetensors
if [ -n "${DYNAMICS:-}" ]; then
	dyn_init=$run/ae-fresh-dynamics.safetensors
	# shellcheck disable=SC2086 # DYNAMICS is a list of flags
	[ -f "$dyn_init" ] || "$bin" ckpt dynamics "$run/ae.safetensors" "$dyn_init" $DYNAMICS
fi
stage train_dyn.py "$dyn_init" "$run/dyn.safetensors" \
	--seconds "${DYN_SECONDS:-420}" --batch 128 --lr 5e-4 --event-share 0.5 --unroll 2 --unroll-share 0.3
stage train_dec.py "$run/dyn.safetensors" "$run/model.safetensors" \
	--seconds "${DEC_SECONDS:-120}" --batch 64 --lr 2e-4 --predicted-share 0.5 --event-share 0.3 --unroll 2
"$bin" eval --ckpt default --ckpt "$run/model.safetensors" --data "$run/heldout" --probe | tee "$run/eval.txt"
