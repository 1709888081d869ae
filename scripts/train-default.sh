#!/usr/bin/env bash
# Reproduces the embedded default checkpoint: the same synthetic traces
# (seeds 1000-1007 goal-directed, 2000-2007 mixed, 4500 frames each at the
# default's 128x96), the default preset and budget, then scores it on
# held-out seeds and writes the half-float copy that `ncstudio` embeds.
# About 11 hours on 2 cores and the autoencoder's last stages on a GPU (see
# below); rerunning resumes where it stopped and skips what is done.
#
#   scripts/train-default.sh [RUN_DIR]      (default runs/default)
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/default}
. scripts/lib.sh
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
train "$ckpt" dynamics 15000 --data "$run/data" --preset default --ae-steps 5000 --dyn-steps 15000
# Second stage, continuing on half of the traces (encoding all of them again
# takes 11 min). The embedded checkpoint's first stage ran on a build from
# before a quarter of the flow times were put at 0 (where one-step sampling
# starts) and this stage added that; today's build has it in both, so a
# rerun is not bit-identical to the embedded file.
final=$run/default-final.safetensors
half=()
for s in 1000 1001 1002 1003 2000 2001 2002 2003; do half+=(--data "$(ls -d "$run"/data/*-seed$s.nctrace)"); done
train "$final" dynamics 17500 --init "$ckpt" "${half[@]}" --ae-steps 0 --dyn-steps 2500 --lr 3e-4
# Third stage, on all traces: half of the batches on contexts the model
# predicted itself (--unroll 2); one-step PSNR +0.3 dB, cursor accuracy
# 0.965 -> 0.970 on the held-out seeds. 30 minutes.
unrolled=$run/default-unroll.safetensors
train "$unrolled" dynamics 23500 --init "$final" --data "$run/data" --ae-steps 0 --dyn-steps 6000 --unroll 2 --lr 3e-4
# Fourth stage: the decoder alone, the encoder frozen (the latents, and so
# the dynamics, keep their meaning); 33 minutes.
dec=$run/default-dec.safetensors
train "$dec" decoder 8000 --init "$unrolled" --data "$run/data" --ae-steps 0 --dyn-steps 0 --decoder-steps 8000 \
	--decoder-predicted-share 0 --lr 5e-4
# Fifth: dynamics on contexts rolled out 6 steps by the model itself: a
# desktop left idle keeps its picture longer (PSNR to the start frame after
# 300 idle steps 14.0 -> 17.2 dB on a validation trace); 15 minutes.
u6=$run/default-u6.safetensors
train "$u6" dynamics 26500 --init "$dec" --data "$run/data" --ae-steps 0 --dyn-steps 3000 --unroll 6 --lr 3e-4
# Sixth: the decoder again, half of its batches drawn from the dynamics'
# predictions (after rollouts of up to 6 steps): it learns to render what the
# model predicts; 12 minutes.
dp=$run/default-dp.safetensors
train "$dp" decoder 11000 --init "$u6" --data "$run/data" --ae-steps 0 --dyn-steps 0 --decoder-steps 3000 \
	--decoder-predicted-share 0.5 --unroll 6 --lr 3e-4
# Seventh: 4,000 more of those at a lower rate (the embedded one); 16 minutes.
dp2=$run/default-dp2.safetensors
train "$dp2" decoder 15000 --init "$dp" --data "$run/data" --ae-steps 0 --dyn-steps 0 --decoder-steps 4000 \
	--decoder-predicted-share 0.5 --unroll 6 --lr 2e-4
# Eighth to tenth: a share of each batch drawn from the steps where 5% or
# more of the pixels change (windows, menus: --event-share, see MODEL.md,
# "Events"): 4,000 steps with --unroll 2, 10,000 more at share 0.5, 2,500
# with --unroll 6; about 75 minutes.
ev=$run/default-ev.safetensors ev2=$run/default-ev2.safetensors ev3=$run/default-ev3.safetensors
train "$ev" dynamics 30500 --init "$dp2" --data "$run/data" --ae-steps 0 --dyn-steps 4000 --unroll 2 --event-share 0.3 --lr 3e-4
train "$ev2" dynamics 40500 --init "$ev" --data "$run/data" --ae-steps 0 --dyn-steps 10000 --unroll 2 --unroll-share 0.3 \
	--event-share 0.5 --lr 5e-4
train "$ev3" dynamics 43000 --init "$ev2" --data "$run/data" --ae-steps 0 --dyn-steps 2500 --unroll 6 --event-share 0.3 --lr 3e-4
# Eleventh: the decoder on those predictions, events included; 14 minutes.
ev3d=$run/default-ev3d.safetensors
train "$ev3d" decoder 18000 --init "$ev3" --data "$run/data" --ae-steps 0 --dyn-steps 0 --decoder-steps 3000 \
	--decoder-predicted-share 0.5 --unroll 6 --event-share 0.3 --lr 2e-4
# Last: play with the sampler's hold (latent cells predicted to change by
# less than HOLD stay exactly as they were), chosen on validation seeds.
held=$run/default-held.safetensors
[ -f "$held" ] || "$bin" ckpt sampler "$ev3d" "$held" --hold 0.6
# Then traces with windows in the cascade slot of the windows open (the
# embedded checkpoint's earlier stages saw the old rule, where the slot
# counted every window opened before: see MODEL.md, "Where windows open";
# today's build writes the new rule everywhere): 6 goal, 6 mixed and 6 busy
# traces, 12,000 steps; 57 minutes.
[ -d "$run/busy" ] || "$bin" synth --out "$run/busy" --agent busy --frames 4500 --traces 6 --seed 3000
place=$run/default-place.safetensors
six=()
for s in 1000 1001 1002 1003 1004 1005 2000 2001 2002 2003 2004 2005; do six+=(--data "$(ls -d "$run"/data/*-seed$s.nctrace)"); done
train "$place" dynamics 55000 --init "$held" "${six[@]}" --data "$run/busy" --ae-steps 0 --dyn-steps 12000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 5e-4
# Then the decoder alone again, on four goal, four mixed and four busy
# traces, 30% of its batches from the dynamics' predictions: the ceiling
# (reconstruction) rose 0.7 dB on the validation seeds. The embedded file was
# stopped with Ctrl-C at step 11,492 of these 14,000 (about 70 minutes on 2
# cores, shared with evaluations), so a rerun anneals a little further.
place_dec=$run/default-place-dec.safetensors
twelve=()
for s in 1000 1001 1002 1003 2000 2001 2002 2003; do twelve+=(--data "$(ls -d "$run"/data/*-seed$s.nctrace)"); done
for s in 3000 3001 3002 3003; do twelve+=(--data "$(ls -d "$run"/busy/*-seed$s.nctrace)"); done
train "$place_dec" decoder 32000 --init "$place" "${twelve[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 14000 \
	--decoder-predicted-share 0.3 --unroll 2 --event-share 0.3 --lr 3e-4
# And 12,000 more decoder steps the same way (a fresh warm-up and cosine
# decay, another seed): on the validation seeds one-step PSNR 30.90 -> 31.17,
# idle 33.21 -> 33.58; 90 minutes on 2 cores, shared with other work. (The
# embedded file had 41,492 decoder steps in all; a rerun that finished the
# stage above has 44,000.)
place_dec2=$run/default-place-dec2.safetensors
train "$place_dec2" decoder 41492 --init "$place_dec" "${twelve[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 12000 \
	--decoder-predicted-share 0.3 --unroll 2 --event-share 0.3 --lr 3e-4 --seed 2
# Then the autoencoder in PyTorch on a GPU (engine/pyref/train_ae.py, about
# five minutes on an H200; on this CPU it would take many hours): 9,606
# steps at batch 64, then 5,831 more at batch 128, on every trace above; the
# latents moved little, so the dynamics still worked on them (those runs were
# sized with --seconds and decayed biases too, so a rerun is close to the
# embedded file, not identical). Then, on 2
# cores, the decoder on the dynamics' predictions (2,500 steps, 10 minutes),
# the dynamics on the new latents (14,000 steps, 45 minutes) and the decoder
# again (2,500 steps, 12 minutes) (MODEL.md, "PyTorch").
py=${PYTHON:-/usr/bin/python3}
arrays=$run/arrays
[ -f "$arrays/traces.json" ] || "$bin" trace arrays --data "$run/data" --data "$run/busy" --out "$arrays"
ae=$run/default-ae.safetensors ae2=$run/default-ae2.safetensors
[ -f "$ae" ] || "$py" engine/pyref/train_ae.py --init "$place_dec2" --arrays "$arrays" --out "$ae" \
	--steps 9606 --batch 64 --lr 4e-4 --seed 2
[ -f "$ae2" ] || "$py" engine/pyref/train_ae.py --init "$ae" --arrays "$arrays" --out "$ae2" \
	--steps 5831 --batch 128 --lr 4e-4 --warmup 200 --seed 4
two=()
for s in 1000 1001 2000 2001; do two+=(--data "$(ls -d "$run"/data/*-seed$s.nctrace)"); done
for s in 3000 3001; do two+=(--data "$(ls -d "$run"/busy/*-seed$s.nctrace)"); done
aedec=$run/default-aedec.safetensors newdyn=$run/default-newdyn.safetensors newdec=$run/default-newdec.safetensors
train "$aedec" decoder 43992 --init "$ae2" "${two[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 2500 \
	--decoder-predicted-share 0.5 --unroll 2 --event-share 0.3 --lr 2e-4
train "$newdyn" dynamics 69000 --init "$aedec" "${six[@]}" --data "$run/busy" --ae-steps 0 --dyn-steps 14000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 5e-4
train "$newdec" decoder 46492 --init "$newdyn" "${two[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 2500 \
	--decoder-predicted-share 0.5 --unroll 2 --event-share 0.3 --lr 2e-4
# And 10,000 more dynamics steps at a lower rate, then 2,500 decoder steps
# again (50 minutes): events +0.6 dB, one-step +0.07, rollouts level on 96
# validation rollouts.
newdyn2=$run/default-newdyn2.safetensors newdec2=$run/default-newdec2.safetensors
train "$newdyn2" dynamics 79000 --init "$newdec" "${six[@]}" --data "$run/busy" --ae-steps 0 --dyn-steps 10000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 3e-4 --seed 3
train "$newdec2" decoder 48992 --init "$newdyn2" "${two[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 2500 \
	--decoder-predicted-share 0.5 --unroll 2 --event-share 0.3 --lr 2e-4 --seed 3
# That was the built-in until 2026-11-28 (in half floats). Then the press
# history (MODEL.md, "Double clicks"): ckpt presses on that half-float file,
# 12,000 + 8,000 dynamics steps and 2,500 decoder steps (about 90 minutes).
# The preset has the press history now, so a rerun from scratch already
# carries it and only trains on.
old16=$run/default-f16-0.safetensors presses=$run/default-presses0.safetensors
[ -f "$old16" ] || "$bin" ckpt convert "$newdec2" "$old16" --dtype f16
if [ ! -f "$presses" ]; then
	if "$bin" ckpt info "$old16" | grep -q press_history; then cp "$old16" "$presses"; else "$bin" ckpt presses "$old16" "$presses"; fi
fi
pdyn=$run/default-pdyn.safetensors pdyn2=$run/default-pdyn2.safetensors pdec=$run/default-pdec.safetensors
train "$pdyn" dynamics 91000 --init "$presses" "${six[@]}" --data "$run/busy" --ae-steps 0 --dyn-steps 12000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 5e-4 --seed 5
train "$pdyn2" dynamics 99000 --init "$pdyn" "${six[@]}" --data "$run/busy" --ae-steps 0 --dyn-steps 8000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 3e-4 --seed 6
train "$pdec" decoder 51492 --init "$pdyn2" "${two[@]}" --ae-steps 0 --dyn-steps 0 --decoder-steps 2500 \
	--decoder-predicted-share 0.5 --unroll 2 --event-share 0.3 --lr 2e-4 --seed 4
# Then traces of a desktop kept nearly empty, where sessions and probes start
# (MODEL.md, "The empty desktop"): 8 tidy traces beside the 18 above,
# 10,000 dynamics steps at --lr 3e-4 and 8,000 at 2e-4 (about an hour,
# 9 minutes of it encoding each time).
[ -d "$run/tidy" ] || "$bin" synth --out "$run/tidy" --agent tidy --frames 4500 --traces 8 --seed 6000
tidy1=$run/default-tidy1.safetensors tidy2=$run/default-tidy2.safetensors
train "$tidy1" dynamics 109000 --init "$pdec" "${six[@]}" --data "$run/busy" --data "$run/tidy" --ae-steps 0 --dyn-steps 10000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 3e-4 --seed 7
train "$tidy2" dynamics 117000 --init "$tidy1" "${six[@]}" --data "$run/busy" --data "$run/tidy" --ae-steps 0 --dyn-steps 8000 \
	--unroll 2 --unroll-share 0.3 --event-share 0.5 --lr 2e-4 --seed 8
"$bin" eval --ckpt "$ckpt" --ckpt "$final" --ckpt "$unrolled" --ckpt "$dec" --ckpt "$u6" --ckpt "$dp" --ckpt "$dp2" --ckpt "$ev3d" --ckpt "$held" --ckpt "$place" \
	--ckpt "$place_dec" --ckpt "$place_dec2" --ckpt "$newdyn" --ckpt "$newdec" --ckpt "$newdec2" --ckpt "$pdec" --ckpt "$tidy2" --data "$run/heldout" --probe
[ -f "$run/default-f16.safetensors" ] || "$bin" ckpt convert "$tidy2" "$run/default-f16.safetensors" --dtype f16
echo "to embed: cp $run/default-f16.safetensors engine/model/embedded/default.safetensors"
