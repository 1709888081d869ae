#!/usr/bin/env bash
# Trains one small model per action-injection mode on the same sandbox
# traces, autoencoder and budget, and writes the comparison table to
# docs/INJECTION_MODES.md. Hours on a 2-core CPU; every step resumes.
#
#   scripts/injection-modes.sh [RUN_DIR]      (default runs/injection)
#
# Environment: AE_CKPT reuses the autoencoder of a checkpoint with the same
# autoencoder (e.g. a `default` preset model) instead of training one;
# TRACES, AE_STEPS and DYN_STEPS set the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/injection}
. scripts/lib.sh
AE_STEPS=${AE_STEPS:-3000}
DYN_STEPS=${DYN_STEPS:-3000}
TRACES=${TRACES:-6}
AE_CKPT=${AE_CKPT:-}
make -s build
mkdir -p "$run"

# The same traces for every mode; held-out seeds for the scores.
[ -d "$run/data" ] || "$bin" synth --out "$run/data" --size 128x96 --agent mixed --frames 4500 --traces "$TRACES" --seed 100
[ -d "$run/heldout" ] || "$bin" synth --out "$run/heldout" --size 128x96 --agent goal --frames 1500 --traces 2 --seed 9000

# One autoencoder, shared.
ae=${AE_CKPT:-$run/ae.safetensors}
if [ -z "$AE_CKPT" ]; then
	train "$ae" autoencoder "$AE_STEPS" --data "$run/data" --preset small --ae-steps "$AE_STEPS" --dyn-steps 0
fi
ae_steps=$(steps_of "$ae" autoencoder)
ckpts=()
for mode in external contextual residual internal; do
	train "$run/$mode.safetensors" dynamics "$DYN_STEPS" --data "$run/data" --preset small --injection "$mode" \
		--init-autoencoder "$ae" --ae-steps 0 --dyn-steps "$DYN_STEPS" --seed 1
	ckpts+=(--ckpt "$run/$mode.safetensors")
done

{
	echo "# Action injection modes compared"
	echo
	echo "Produced by \`scripts/injection-modes.sh\` on $(date -u +%Y-%m-%d): the \`small\` preset"
	echo "(128x96), one autoencoder ($ae_steps steps) shared by four dynamics models of"
	echo "$DYN_STEPS steps each, the same traces ($TRACES x 4500 frames, mixed agent) and seed;"
	echo "scored on 2 held-out goal-directed traces (seeds never trained on) and the"
	echo "standard probes of the built-in desktop."
	echo
	"$bin" eval "${ckpts[@]}" --data "$run/heldout" --probe --markdown
} > docs/INJECTION_MODES.md
echo "wrote docs/INJECTION_MODES.md"
