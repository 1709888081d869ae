# Shared by the training scripts (sourced, not run): `bin` and resumable
# training steps. Expects to be sourced from the repository root.
bin=bin/ncstudio

# steps_of CKPT STAGE: the steps of a stage (autoencoder, dynamics) it holds,
# counting those of the checkpoints it was fine-tuned from.
steps_of() {
	"$bin" ckpt info "$1" --json 2>/dev/null | grep -o "\"ncstudio.$2_steps\": \"[0-9]*\"" | tr -dc 0-9 | grep . || echo 0
}

# train OUT STAGE STEPS ARGS...: skip when OUT holds STEPS of STAGE, resume
# when interrupted, else train OUT with ARGS.
train() {
	local out=$1 stage=$2 want=$3
	shift 3
	if [ -f "$out" ] && [ "$(steps_of "$out" "$stage")" -ge "$want" ]; then
		return
	elif [ -f "$out.resume" ]; then
		"$bin" train --resume --out "$out"
	else
		"$bin" train --out "$out" "$@"
	fi
}
