#!/usr/bin/env bash
# Reprogramming demo: change the conventional computer (a new "Mail" icon
# that opens an inbox window, docs/examples/mail.json), record ten minutes of
# it, fine-tune the default neural computer on them with replay of the old
# desktop's traces, and probe old and new behaviours.
#
#   scripts/reprogram-demo.sh OLD_TRACES_DIR [RUN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: scripts/reprogram-demo.sh OLD_TRACES_DIR [RUN_DIR]}
run=${2:-runs/reprogram}
bin=bin/ncstudio
make -s build
mkdir -p "$run"
spec=docs/examples/mail.json
# Ten minutes at 15 fps, goal-directed (opens every icon, the new one first).
[ -d "$run/mail" ] || "$bin" synth --out "$run/mail" --spec "$spec" --agent goal --frames 4500 --traces 2 --seed 500
if [ -f "$run/mail.safetensors.resume" ]; then
	"$bin" train --resume --out "$run/mail.safetensors"
elif [ ! -f "$run/mail.safetensors" ]; then
	# Half of each batch from the steps where the screen changes widely
	# (the Inbox opening among them): a new behaviour is a rare one.
	"$bin" train --init default --data "$run/mail" --replay "$old" --replay-share 0.3 \
		--ae-steps 500 --dyn-steps 3000 --event-share 0.5 --out "$run/mail.safetensors"
fi
echo "== before: the default on the changed desktop"
"$bin" probe --spec "$spec"
echo "== after fine-tuning: the changed desktop (new probe: open Mail)"
"$bin" probe --ckpt "$run/mail.safetensors" --spec "$spec" --out "$run/probes-mail"
echo "== after fine-tuning: the old desktop (retention)"
"$bin" probe --ckpt "$run/mail.safetensors" --out "$run/probes-old"
