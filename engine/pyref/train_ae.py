"""Trains (fine-tunes) an NC Studio checkpoint's autoencoder with PyTorch, for
a machine with a GPU: the same loss as the engine's autoencoder stage
(weighted MSE + L1 of the reconstruction, the cursor's pixels weighted
1 + cursor-weight), AdamW with betas 0.9/0.99, weight decay 0.01, the
gradient norm clipped at 1, warm-up then cosine decay to a tenth.

The frames come from `ncstudio trace arrays --data TRACES --out DIR`
(frames.npy, cursor.npy). The checkpoint it writes keeps the dynamics
untouched; fine-tune the dynamics on the new latents afterwards with
`ncstudio train --init OUT --ae-steps 0 ...` (or the CUDA worker).

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
import datetime
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncmodel import NCModel, ae_loss  # noqa: E402


def load_arrays(dirs, device):
    frames, cursor = [], []
    for d in dirs:
        f = np.load(os.path.join(d, "frames.npy"), mmap_mode="r")
        c = np.load(os.path.join(d, "cursor.npy"), mmap_mode="r")
        if f.ndim != 4 or f.shape[3] != 3 or c.shape != f.shape[:3]:
            sys.exit("%s: frames %s and cursor %s do not match (want [N,H,W,3] and [N,H,W])" % (d, f.shape, c.shape))
        frames.append(torch.from_numpy(np.array(f)).to(device))
        cursor.append(torch.from_numpy(np.array(c)).to(device))
    return torch.cat(frames), torch.cat(cursor)


def frames_at(frames, idx):
    """Frames idx as [B, 3, H, W] in [-1, 1], as the engine's FrameToTensor."""
    return frames[idx].permute(0, 3, 1, 2).float() / 127.5 - 1


def psnr(model, frames, idx):
    """Mean PSNR (dB, frames rounded to 0..255 as the engine does) over idx."""
    out = []
    with torch.no_grad():
        for part in idx.split(256):
            x = frames_at(frames, part)
            y = model.decode(model.encode(x))
            a = ((x + 1) * 127.5).round()
            b = ((y + 1) * 127.5).clamp(0, 255).round()
            mse = ((a - b) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
            out.append(10 * torch.log10(255 ** 2 / mse))
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
    torch.manual_seed(a.seed)
    if a.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True

    model, meta = NCModel.load(a.init)
    model = model.to(a.device)
    scale = model.cfg["autoencoder"]["latent_scale"]
    start_enc = copy.deepcopy(model) if a.anchor > 0 else None
    frames, cursor = load_arrays(a.arrays, a.device)
    if a.valid:
        vframes, _ = load_arrays(a.valid, a.device)
        vidx = torch.arange(min(1024, len(vframes)), device=a.device) * max(1, len(vframes) // 1024)
    else:
        vframes, vidx = frames, torch.arange(max(0, len(frames) - 1024), len(frames), device=a.device)
    h, w = frames.shape[1:3]
    if (w, h) != (model.cfg["width"], model.cfg["height"]):
        sys.exit("%s: frames are %dx%d, the model's are %dx%d" % (a.arrays[0], w, h, model.cfg["width"], model.cfg["height"]))
    params = [p for n, p in model.named_engine_parameters() if not n.startswith("dyn.")]
    for n, p in model.named_engine_parameters():
        p.requires_grad_(not n.startswith("dyn."))
    opt = torch.optim.AdamW(params, lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    before = psnr(model, vframes, vidx)
    print(json.dumps({"frames": len(frames), "valid_psnr": round(before, 3), "device": a.device}), flush=True)

    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)
    steps, step, t0 = a.steps, 0, time.perf_counter()
    gen = torch.Generator(device=a.device).manual_seed(a.seed)
    while step < steps:
        # With --seconds, steps 30-80 (after cuDNN's tuning) time the run.
        if a.seconds and step == 30:
            sync()
            timed_from = time.perf_counter()
        if a.seconds and step == 80:
            sync()
            rate = 50 / (time.perf_counter() - timed_from)
            steps = step + max(1, int(rate * (a.seconds - (time.perf_counter() - t0))))
            print(json.dumps({"steps_per_second": round(rate, 1), "steps": steps}), flush=True)
        lr = a.lr * min(1, (step + 1) / a.warmup)
        if step >= a.warmup:
            frac = (step - a.warmup) / max(1, steps - a.warmup)
            lr = a.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1, frac))))
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
        if step % a.report_every == 0 or step == steps:
            el = time.perf_counter() - t0
            print(json.dumps({"step": step, "steps": steps, "loss": round(loss.item(), 6), "lr": lr,
                              "steps_per_second": round(step / el, 2)}), flush=True)
    after = psnr(model, vframes, vidx)
    meta = dict(meta)
    meta["ncstudio.autoencoder_steps"] = str(int(meta.get("ncstudio.autoencoder_steps", "0")) + step)
    meta["ncstudio.command"] = "python3 engine/pyref/train_ae.py " + " ".join(sys.argv[1:])
    meta["ncstudio.run_step"] = "autoencoder/%d" % step
    meta["ncstudio.trained"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    tmp = a.out + ".tmp"
    model.to("cpu").save(tmp, meta)
    os.replace(tmp, a.out)  # a crash leaves the old file or the new, never half of one
    print(json.dumps({"done": step, "seconds": round(time.perf_counter() - t0, 1), "valid_psnr_before": round(before, 3),
                      "valid_psnr_after": round(after, 3), "out": a.out}), flush=True)


if __name__ == "__main__":
    main()
