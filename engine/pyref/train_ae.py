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
import copy
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncmodel import NCModel, recon_loss  # noqa: E402
from trainloop import arguments, frame_psnr, frames_at, load_arrays, report, run, save, setup, trainable  # noqa: E402


def psnr(model, frames, idx):
    """Mean reconstruction PSNR (dB) over frames idx."""
    out = []
    with torch.no_grad():
        for part in idx.split(256):
            x = frames_at(frames, part)
            out.append(frame_psnr(x, model.decode(model.encode(x))))
    return torch.cat(out).mean().item()


def main():
    ap = arguments(__doc__, batch=64, lr=3e-4, warmup=100)
    ap.add_argument("--anchor", type=float, default=0)
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
    named = trainable(model, "ae")
    before = psnr(model, vframes, vidx)
    report(frames=len(frames), valid_psnr=round(before, 3), device=a.device)

    def loss_fn(gen):
        idx = torch.randint(0, len(frames), (a.batch,), device=a.device, generator=gen)
        x = frames_at(frames, idx)
        wt = 1 + a.cursor_weight * cursor[idx][:, None].float()
        z = model.encode(x)
        loss = recon_loss(model.decode(z), x, wt)
        if start_enc is not None:
            with torch.no_grad():
                z0 = start_enc.encode(x)
            loss = loss + a.anchor * (scale * (z - z0)).pow(2).mean()
        return loss

    steps, seconds = run(a, named, loss_fn)
    after = psnr(model, vframes, vidx)
    save(model, meta, a.out, "autoencoder", steps, "train_ae.py")
    report(done=steps, seconds=round(seconds, 1), valid_psnr_before=round(before, 3),
           valid_psnr_after=round(after, 3), out=a.out)


if __name__ == "__main__":
    main()
