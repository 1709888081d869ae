"""Trains (fine-tunes) an NC Studio checkpoint's autoencoder with PyTorch, for
a machine with a GPU: the same loss as the engine's autoencoder stage
(weighted MSE + L1 of the reconstruction, the cursor's pixels weighted
1 + cursor-weight), AdamW with betas 0.9/0.99, weight decay 0.01 (not on
biases and gains), the gradient norm clipped at 1, warm-up then cosine
decay to a tenth.

The frames come from `ncstudio trace arrays --data TRACES --out DIR`
(frames.npy, cursor.npy). The checkpoint it writes keeps the dynamics
untouched; fine-tune the dynamics on the new latents afterwards with
train_dyn.py or `ncstudio train --init OUT --ae-steps 0 ...`.

--anchor A adds A times the mean squared distance between the new
encoder's latents and the starting encoder's (in the dynamics' units, the
latent scale applied), so that a trained dynamics stays close to valid
while the autoencoder sharpens. --seconds S sizes the run to S seconds from
the speed of its first steps instead of --steps.

    python3 train_ae.py --init CKPT --arrays DIR [--arrays DIR...] --out CKPT
        [--steps N | --seconds S] [--batch 64] [--lr 3e-4] [--anchor 0]
        [--cursor-weight 10] [--valid DIR] [--device cuda] [--seed 1]

It prints one JSON line per report (step, loss, learning rate, steps per
second) and, at the start and the end, the reconstruction PSNR of a fixed
validation batch (from --valid, else the last frames of the arrays).
"""
import argparse
import copy
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncmodel import NCModel  # noqa: E402
from trainloop import Budget, adamw, frame_psnr, frames_at, load_arrays, lr_at, report, save, setup  # noqa: E402


def psnr(model, frames, idx):
    """Mean reconstruction PSNR (dB) over frames idx."""
    out = []
    with torch.no_grad():
        for part in idx.split(256):
            x = frames_at(frames, part)
            out.append(frame_psnr(x, model.decode(model.encode(x))))
    return torch.cat(out).mean().item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--init", required=True)
    ap.add_argument("--arrays", action="append", required=True)
    ap.add_argument("--valid", action="append")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--anchor", type=float, default=0)
    ap.add_argument("--cursor-weight", type=float, default=10)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report-every", type=int, default=100)
    a = ap.parse_args()
    setup(a.device, a.seed)

    model, meta = NCModel.load(a.init)
    model = model.to(a.device)
    scale = model.cfg["autoencoder"]["latent_scale"]
    start_enc = copy.deepcopy(model) if a.anchor > 0 else None
    arrays, _ = load_arrays(a.arrays, ("frames", "cursor"), a.device)
    frames, cursor = arrays["frames"], arrays["cursor"]
    if a.valid:
        vframes = load_arrays(a.valid, ("frames",), a.device)[0]["frames"]
        vidx = torch.arange(min(1024, len(vframes)), device=a.device) * max(1, len(vframes) // 1024)
    else:
        vframes, vidx = frames, torch.arange(max(0, len(frames) - 1024), len(frames), device=a.device)
    h, w = frames.shape[1:3]
    if (w, h) != (model.cfg["width"], model.cfg["height"]):
        sys.exit("%s: frames are %dx%d, the model's are %dx%d" % (a.arrays[0], w, h, model.cfg["width"], model.cfg["height"]))
    named = [(n, p) for n, p in model.named_engine_parameters() if not n.startswith("dyn.")]
    for n, p in model.named_engine_parameters():
        p.requires_grad_(not n.startswith("dyn."))
    params = [p for _, p in named]
    opt = adamw(named, a.lr)
    before = psnr(model, vframes, vidx)
    report(frames=len(frames), valid_psnr=round(before, 3), device=a.device)

    budget = Budget(a.steps, a.seconds, a.device)
    step = 0
    gen = torch.Generator(device=a.device).manual_seed(a.seed)
    while step < budget.check(step):
        lr = lr_at(step + 1, budget.steps, a.warmup, a.lr)
        for g in opt.param_groups:
            g["lr"] = lr
        idx = torch.randint(0, len(frames), (a.batch,), device=a.device, generator=gen)
        x = frames_at(frames, idx)
        wt = 1 + a.cursor_weight * cursor[idx][:, None].float()
        opt.zero_grad(set_to_none=True)
        z = model.encode(x)
        d = model.decode(z) - x
        loss = (wt * d * d).mean() + (wt * d.abs()).mean()
        if start_enc is not None:
            with torch.no_grad():
                z0 = start_enc.encode(x)
            loss = loss + a.anchor * (scale * (z - z0)).pow(2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        if step % a.report_every == 0 or step == budget.steps:
            report(step=step, steps=budget.steps, loss=round(loss.item(), 6), lr=lr,
                   steps_per_second=round(step / budget.elapsed(), 2))
    after = psnr(model, vframes, vidx)
    save(model, meta, a.out, "autoencoder", step, "train_ae.py")
    report(done=step, seconds=round(budget.elapsed(), 1), valid_psnr_before=round(before, 3),
           valid_psnr_after=round(after, 3), out=a.out)


if __name__ == "__main__":
    main()
