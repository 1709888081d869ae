"""Trains (fine-tunes) an NC Studio checkpoint's decoder alone with PyTorch,
for a machine with a GPU: the engine's decoder stage (`ncstudio train
--decoder-steps`). The encoder stays frozen, so the latents keep their
meaning and the dynamics stays valid. A batch decodes either frames' latents
from the encoder or, in a share --predicted-share of the batches, the
dynamics' one-step predictions of the next frame (from the true context and
action; with --unroll N, a share --unroll-share of those from contexts the
model rolled out itself; --event-share S of their items at events), against
the true frame: the decoder learns to draw what the dynamics produces in
play. The loss is the engine's (weighted MSE + L1, the cursor's pixels at
1 + cursor-weight); AdamW and the schedule are the engine's.

The arrays come from `ncstudio trace arrays --data TRACES --out DIR`.

    python3 train_dec.py --init CKPT --arrays DIR [--arrays DIR...] --out CKPT
        [--steps N | --seconds S] [--batch 32] [--lr 3e-4] [--warmup 200]
        [--predicted-share 0.5] [--event-share 0] [--unroll 0] [--unroll-share 0.5]
        [--cursor-weight 10] [--valid DIR] [--valid-windows 512] [--device cuda] [--seed 1]

It prints one JSON line per report and, at the start and the end, the
reconstruction PSNR and the one-step PSNR (train_dyn.py's) of fixed
validation frames and windows.
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncmodel import NCModel, recon_loss  # noqa: E402
from train_dyn import draw_windows, load_steps, one_step_psnr, window_arguments  # noqa: E402
from trainloop import arguments, frame_psnr, frames_at, report, run, save, setup, trainable  # noqa: E402


def recon_psnr(model, data, idx):
    """Mean PSNR of frames idx drawn by the decoder from their latents."""
    scale, out = model.cfg["autoencoder"]["latent_scale"], []
    with torch.no_grad():
        for part in idx.split(256):
            out.append(frame_psnr(frames_at(data.frames, part), model.decode(data.latent(part) / scale)))
    return torch.cat(out).mean().item()


def main():
    ap = arguments(__doc__, batch=32, lr=3e-4, warmup=200)
    ap.add_argument("--predicted-share", type=float, default=0.5)
    window_arguments(ap)
    a = ap.parse_args()
    setup(a.device, a.seed)

    model, meta = NCModel.load(a.init)
    model = model.to(a.device)
    scale = model.cfg["autoencoder"]["latent_scale"]
    data, valid, vsteps = load_steps(model, a)
    named = trainable(model, "dec")

    def scores():
        return round(recon_psnr(model, valid, vsteps + 1), 3), round(one_step_psnr(model, valid, vsteps), 3)

    before = scores()
    report(frames=len(data.frames), valid_psnr=before[0], valid_one_step_psnr=before[1], device=a.device)

    # Per-batch choices on the host: reading a GPU draw back would stall it
    # every step.
    coin = random.Random(a.seed)

    def loss_fn(gen):
        if coin.random() < a.predicted_share:
            steps, ctx = draw_windows(data, a, coin, gen)
            z = data.sample_next(ctx, steps, gen)
            idx = steps + 1
        else:
            idx = torch.randint(0, len(data.frames), (a.batch,), device=a.device, generator=gen)
            z = data.latent(idx)
        weight = 1 + a.cursor_weight * data.cursor[idx][:, None].float()
        return recon_loss(model.decode(z / scale), frames_at(data.frames, idx), weight)

    steps, seconds = run(a, named, loss_fn)
    after = scores()
    save(model, meta, a.out, "decoder", steps, "train_dec.py")
    report(done=steps, seconds=round(seconds, 1), valid_psnr_before=before[0], valid_psnr_after=after[0],
           valid_one_step_psnr_before=before[1], valid_one_step_psnr_after=after[1], out=a.out)


if __name__ == "__main__":
    main()
