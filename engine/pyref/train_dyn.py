"""Trains (fine-tunes) an NC Studio checkpoint's dynamics with PyTorch, for a
machine with a GPU: the engine's dynamics stage (engine/train) on the same
inputs. Every frame is encoded once by the checkpoint's encoder; a batch
item is a step i of a trace: the K latents before it (newest first, clamped
at the trace's start), the features of its action (actions.npy, written by
the engine's own code) and the cursor map at its pointer, and the target,
frame i+1's latent. The loss is the engine's flow matching (ncmodel.flow_loss)
weighted 1 + cursor-weight on the latent cells the cursor covers in frames i
and i+1. With --event-share S, a share S of the items are steps whose next
frame changes 5% or more of the pixels (events.npy); with --unroll N, a share
(--unroll-share) of the batches has contexts whose newest N latents the model
predicted itself (no gradient through them), as `ncstudio train --unroll`.
AdamW and the schedule are the engine's. The autoencoder stays untouched.

The arrays come from `ncstudio trace arrays --data TRACES --out DIR`.

    python3 train_dyn.py --init CKPT --arrays DIR [--arrays DIR...] --out CKPT
        [--steps N | --seconds S] [--batch 32] [--lr 5e-4] [--warmup 200]
        [--event-share 0] [--unroll 0] [--unroll-share 0.5] [--context-noise 0.1]
        [--cursor-weight 10] [--valid DIR] [--valid-windows 512] [--device cuda] [--seed 1]

It prints one JSON line per report and, at the start and the end, the
one-step PSNR (the frame decoded from the sampled next latent, as a session
plays it with the checkpoint's sampler and hold, against the true frame) of
fixed validation windows: from --valid, else the last frames of the arrays.
"""
import os
import random
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncmodel import NCModel, flow_loss, latent_size, sample  # noqa: E402
from trainloop import arguments, frame_psnr, frames_at, load_arrays, report, run, save, setup, trainable  # noqa: E402

ARRAYS = ("frames", "cursor", "actions", "pointer", "events")


class Steps:
    """The encoded arrays of some traces and the windows drawn from them."""

    def __init__(self, model, dirs, device):
        a, traces = load_arrays(dirs, ARRAYS, device)
        cfg = model.cfg
        h, w = a["frames"].shape[1:3]
        if (w, h) != (cfg["width"], cfg["height"]):
            sys.exit("%s: frames are %dx%d, the model's are %dx%d" % (dirs[0], w, h, cfg["width"], cfg["height"]))
        if a["actions"].shape[1] != model.p("dyn.act1.weight").shape[1]:
            sys.exit("%s: %d action features, the model takes %d (write the arrays with `ncstudio trace arrays"
                     " --press-history %d`, the model's dynamics.press_history)" % (
                         dirs[0], a["actions"].shape[1], model.p("dyn.act1.weight").shape[1],
                         cfg["dynamics"].get("press_history", 0)))
        self.model, self.cfg, self.device = model, cfg, device
        self.frames, self.cursor, self.actions, self.pointer = a["frames"], a["cursor"], a["actions"], a["pointer"]
        self.latents = encode_all(model, a["frames"])
        # A latent cell is the cursor's when any of its r x r pixels is.
        r = cfg["width"] // latent_size(cfg)[0]
        self.cursor_cells = torch.cat([F.max_pool2d(c[:, None].float(), r) > 0 for c in a["cursor"].split(4096)])
        n = len(a["frames"])
        self.first = torch.empty(n, dtype=torch.long, device=device)  # each frame's trace's first frame
        self.end = torch.empty(n, dtype=torch.long, device=device)  # and one past its last
        for first, count in traces:
            self.first[first:first + count], self.end[first:first + count] = first, first + count
        self.events = a["events"].nonzero().flatten()
        self.eligible = {}  # lo: the frames of traces with a step lo or more into them and a next frame

    def pick(self, b, lo, event_share, gen):
        """b steps with a next frame in their trace, at least lo steps into
        it; a share event_share of them events (as the engine's pick: an
        event too early in its trace becomes an ordinary step)."""
        if lo not in self.eligible:
            self.eligible[lo] = (self.end - self.first - 1 - lo > 0).nonzero().flatten()
            if len(self.eligible[lo]) == 0:
                sys.exit("no trace is longer than %d frames" % (lo + 1))
        ok = self.eligible[lo]
        n = ok[torch.randint(0, len(ok), (b,), device=self.device, generator=gen)]
        first, end = self.first[n], self.end[n]
        span = end - first - 1 - lo
        steps = first + lo + (torch.rand(b, device=self.device, generator=gen) * span).long()
        if event_share > 0 and len(self.events):
            e = self.events[torch.randint(0, len(self.events), (b,), device=self.device, generator=gen)]
            use = (torch.rand(b, device=self.device, generator=gen) < event_share) & (e - self.first[e] >= lo)
            steps = torch.where(use, e, steps)
        return steps

    def latent(self, idx):
        """Scaled latents of frames idx (kept in float16, as the engine's cache)."""
        return self.latents[idx].float() * self.cfg["autoencoder"]["latent_scale"]

    def context(self, steps, back=0):
        """The K latents before frame steps-back+1, newest first, clamped at
        the trace's start: [B, K*Cz, h, w]."""
        k = self.cfg["dynamics"]["context"]
        first = self.first[steps]
        return torch.cat([self.latent(torch.maximum(steps - back - c, first)) for c in range(k)], dim=1)

    def inputs(self, steps):
        """The action features and (if the model has one) cursor map of steps."""
        dyn = self.cfg["dynamics"]
        cursor = None
        if dyn.get("cursor_map", False):
            lw, lh = latent_size(self.cfg)
            p = self.pointer[steps].float()
            cx = (p[:, 0] + 0.5) / self.cfg["width"] * lw
            cy = (p[:, 1] + 0.5) / self.cfg["height"] * lh
            gx = torch.arange(lw, device=self.device) + 0.5 - cx[:, None]
            gy = torch.arange(lh, device=self.device) + 0.5 - cy[:, None]
            d2 = gy[:, :, None] ** 2 + gx[:, None, :] ** 2
            cursor = torch.exp(-d2 / (2 * dyn["cursor_sigma"] ** 2))[:, None]
        return self.actions[steps], cursor

    def weight(self, steps, cursor_weight):
        """1 + cursor_weight on the cells the cursor covers in frame i (where
        it must be erased if it moved) and i+1 (where it must be drawn)."""
        hit = self.cursor_cells[steps] | self.cursor_cells[steps + 1]
        return 1 + cursor_weight * hit.float()

    def sample_next(self, ctx, steps, gen):
        """The model's next latents after contexts ctx and the inputs of
        steps, sampled as a session plays (the checkpoint's sampler steps and
        context noise), without gradient."""
        s = self.cfg["sampler"]
        actions, cursor = self.inputs(steps)
        with torch.no_grad():
            return sample(self.model, ctx, cursor, actions, s["steps"], s.get("context_noise", 0), gen)

    def rolled_context(self, steps, unroll, gen):
        """The context of steps with its newest `unroll` latents predicted by
        the model from the true actions, oldest first, without gradient."""
        k = self.cfg["dynamics"]["context"]
        cz = self.cfg["autoencoder"]["latent_channels"]
        ctx = self.context(steps, unroll)
        for u in range(unroll, 0, -1):
            ctx = torch.cat([self.sample_next(ctx, steps - u, gen), ctx[:, :(k - 1) * cz]], dim=1)
        return ctx


def encode_all(model, frames):
    """Every frame's latent, unscaled, in float16."""
    out = []
    with torch.no_grad():
        for i in range(0, len(frames), 256):
            out.append(model.encode(frames_at(frames, torch.arange(i, min(i + 256, len(frames)), device=frames.device))).half())
    return torch.cat(out)


def hold(model, z, newest):
    """The sampler's hold: cells (or a token's patch of cells, with
    hold_tokens) whose predicted change has an RMS over the channels below
    sampler.hold keep the newest latent's value, as a session does."""
    s = model.cfg["sampler"]
    if s.get("hold", 0) <= 0:
        return z
    change = ((z - newest) ** 2).mean(dim=1, keepdim=True)
    if s.get("hold_tokens", False):
        p = model.cfg["dynamics"]["patch"]
        change = F.interpolate(F.avg_pool2d(change, p), scale_factor=p, mode="nearest")
    return torch.where(change < s["hold"] ** 2, newest, z)


def load_steps(model, a):
    """The training steps of a.arrays, the held-out ones (a.valid, else the
    same) and a.valid_windows validation steps evenly spread over those with
    a next frame."""
    data = Steps(model, a.arrays, a.device)
    valid = Steps(model, a.valid, a.device) if a.valid else data
    ok = (torch.arange(len(valid.frames), device=a.device) + 1 < valid.end).nonzero().flatten()
    vsteps = ok[torch.linspace(0, len(ok) - 1, min(a.valid_windows, len(ok)), device=a.device).long()]
    return data, valid, vsteps


def one_step_psnr(model, data, steps):
    """Mean PSNR of the decoded one-step predictions of steps against their
    next frames, sampled as a session plays (sampler steps, context noise,
    hold), with the same noise on every call."""
    gen = torch.Generator(device=data.device).manual_seed(7)
    cz, out = model.cfg["autoencoder"]["latent_channels"], []
    with torch.no_grad():
        for part in steps.split(256):
            ctx = data.context(part)
            z = hold(model, data.sample_next(ctx, part, gen), ctx[:, :cz])
            frame = model.decode(z / model.cfg["autoencoder"]["latent_scale"])
            out.append(frame_psnr(frames_at(data.frames, part + 1), frame))
    return torch.cat(out).mean().item()


def window_arguments(ap):
    """The flags of the windows batches are drawn from (train_dyn, train_dec)."""
    ap.add_argument("--event-share", type=float, default=0)
    ap.add_argument("--unroll", type=int, default=0)
    ap.add_argument("--unroll-share", type=float, default=0.5)
    ap.add_argument("--valid-windows", type=int, default=512)


def draw_windows(data, a, coin, gen):
    """A batch of a.batch windows: their steps and contexts (rolled out
    a.unroll steps by the model in a share a.unroll_share of the batches,
    chosen with the host's coin)."""
    unroll = a.unroll if a.unroll > 0 and coin.random() < a.unroll_share else 0
    steps = data.pick(a.batch, unroll, a.event_share, gen)
    return steps, data.rolled_context(steps, unroll, gen) if unroll else data.context(steps)


def main():
    ap = arguments(__doc__, batch=32, lr=5e-4, warmup=200)
    window_arguments(ap)
    ap.add_argument("--context-noise", type=float, default=0.1)
    a = ap.parse_args()
    setup(a.device, a.seed)

    model, meta = NCModel.load(a.init)
    model = model.to(a.device)
    data, valid, vsteps = load_steps(model, a)
    named = trainable(model, "dyn")
    before = one_step_psnr(model, valid, vsteps)
    report(frames=len(data.frames), events=len(data.events), valid_one_step_psnr=round(before, 3), device=a.device)

    # Per-batch choices on the host: reading a GPU draw back would stall it
    # every step.
    coin = random.Random(a.seed)

    def loss_fn(gen):
        steps, ctx = draw_windows(data, a, coin, gen)
        actions, cursor = data.inputs(steps)
        weight = data.weight(steps, a.cursor_weight)[:, None]
        return flow_loss(model, data.latent(steps + 1), ctx, cursor, actions, weight, a.context_noise, gen)

    steps, seconds = run(a, named, loss_fn)
    after = one_step_psnr(model, valid, vsteps)
    save(model, meta, a.out, "dynamics", steps, "train_dyn.py")
    report(done=steps, seconds=round(seconds, 1), valid_one_step_psnr_before=round(before, 3),
           valid_one_step_psnr_after=round(after, 3), out=a.out)


if __name__ == "__main__":
    main()
