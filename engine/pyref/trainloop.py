"""What train_ae.py and train_dyn.py share: reading the arrays that
`ncstudio trace arrays` writes, the engine's optimizer settings and
learning-rate schedule, sizing a run to a number of seconds, and writing the
checkpoint back atomically with its training metadata."""
import argparse
import datetime
import json
import math
import os
import sys
import time

import numpy as np
import torch


def arguments(doc, batch, lr, warmup):
    """A parser with the flags every trainer takes, and these defaults."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--init", required=True, help="the checkpoint to start from")
    ap.add_argument("--arrays", action="append", required=True, help="arrays of `ncstudio trace arrays` (repeatable)")
    ap.add_argument("--valid", action="append", help="held-out arrays to report on (default: the last frames of --arrays)")
    ap.add_argument("--out", required=True, help="the checkpoint to write")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=0, help="size the run to this many seconds instead of --steps")
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--warmup", type=int, default=warmup)
    ap.add_argument("--cursor-weight", type=float, default=10)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report-every", type=int, default=100)
    return ap


def trainable(model, stage):
    """Freezes every parameter but those of stage ("ae", "dyn", "dec"), and
    returns the optimizer's (name, parameter) pairs."""
    keep = {"ae": lambda n: not n.startswith("dyn."), "dyn": lambda n: n.startswith("dyn."),
            "dec": lambda n: n.startswith("dec.")}[stage]
    for n, p in model.named_engine_parameters():
        p.requires_grad_(keep(n))
    return [(n, p) for n, p in model.named_engine_parameters() if keep(n)]


def run(a, named, loss_fn):
    """The training loop: a.steps steps (or a.seconds' worth) of AdamW on
    named, each on loss_fn(gen), with the engine's schedule, the gradient
    norm clipped at 1 and a report every a.report_every steps. Returns the
    steps taken and the seconds they took."""
    params = [p for _, p in named]
    opt = adamw(named, a.lr)
    budget = Budget(a.steps, a.seconds, a.device)
    gen = torch.Generator(device=a.device).manual_seed(a.seed)
    step = 0
    while step < budget.check(step):
        lr = lr_at(step + 1, budget.steps, a.warmup, a.lr)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(gen)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        if step % a.report_every == 0 or step == budget.steps:
            report(step=step, steps=budget.steps, loss=round(loss.item(), 6), lr=lr,
                   steps_per_second=round(step / budget.elapsed(), 2))
    return step, budget.elapsed()


def setup(device, seed):
    """Seeds torch; on CUDA, matrix products and convolutions in tf32 (like
    the engine's CUDA backend) with cuDNN's autotuner."""
    torch.manual_seed(seed)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True


def load_arrays(dirs, names, device):
    """Loads arrays NAME.npy from each directory (concatenated along the first
    axis, in order) and the traces of traces.json, their first frames shifted
    to the concatenation. Returns ({name: tensor}, [(first, frames), ...])."""
    parts = {n: [] for n in names}
    traces, offset = [], 0
    for d in dirs:
        loaded = {}
        for n in names:
            path = os.path.join(d, n + ".npy")
            if not os.path.exists(path):
                sys.exit("%s: missing (write it with a current `ncstudio trace arrays`)" % path)
            loaded[n] = np.load(path, mmap_mode="r")
        count = len(next(iter(loaded.values())))
        for n, a in loaded.items():
            if len(a) != count:
                sys.exit("%s: %s.npy has %d rows, the others %d" % (d, n, len(a), count))
            parts[n].append(torch.from_numpy(np.array(a)).to(device))
        with open(os.path.join(d, "traces.json")) as f:
            for t in json.load(f):
                traces.append((offset + t["first"], t["frames"]))
        offset += count
    return {n: torch.cat(p) for n, p in parts.items()}, traces


def frames_at(frames, idx):
    """Frames idx of uint8 [N, H, W, 3] as [B, 3, H, W] in [-1, 1], as the
    engine's FrameToTensor."""
    return frames[idx].permute(0, 3, 1, 2).float() / 127.5 - 1


def frame_psnr(x, y):
    """Mean PSNR (dB) of frames y against x, both [B, 3, H, W] in [-1, 1],
    rounded to 0..255 as the engine draws them."""
    a = ((x + 1) * 127.5).round()
    b = ((y + 1) * 127.5).clamp(0, 255).round()
    mse = ((a - b) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return 10 * torch.log10(255 ** 2 / mse)


def adamw(named_params, lr):
    """The engine's AdamW: betas 0.9/0.99, weight decay 0.01 except on
    biases and gains (one-dimensional parameters)."""
    decay = [p for _, p in named_params if p.dim() > 1]
    plain = [p for _, p in named_params if p.dim() <= 1]
    return torch.optim.AdamW([{"params": decay}, {"params": plain, "weight_decay": 0}],
                             lr=lr, betas=(0.9, 0.99), weight_decay=0.01)


def lr_at(step, steps, warmup, peak):
    """The engine's schedule (optim.Schedule) at step (1-based): linear warm-up,
    then a half cosine down to a tenth of the peak at the last step."""
    if step <= warmup:
        return peak * step / warmup
    frac = min(1, (step - warmup) / max(1, steps - warmup))
    return peak * (0.1 + 0.45 * (1 + math.cos(math.pi * frac)))


class Budget:
    """The length of a run: `steps`, or with `seconds` as many steps as fit,
    from the speed of the steps after the first 10 (cuDNN's tuning, the first
    allocations): steps 10-40, or fewer when they take a fifth of the time.
    Until then `steps` is a large number (the schedule's warm-up does not
    depend on it)."""

    def __init__(self, steps, seconds, device):
        self.seconds, self.sized = seconds, not seconds
        self.steps = steps if self.sized else 10 ** 9
        self.sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
        self.t0 = time.perf_counter()

    def check(self, step):
        """Called before each step (0-based); returns the steps of the run."""
        if self.sized or step < 10:
            return self.steps
        self.sync()
        if step == 10:
            self.timed_from = time.perf_counter()
            return self.steps
        timed = time.perf_counter() - self.timed_from
        if step == 40 or timed > self.seconds / 5:
            rate = (step - 10) / timed
            self.steps = step + max(0, int(rate * (self.seconds - self.elapsed())))
            self.sized = True
            report(steps_per_second=round(rate, 1), steps=self.steps)
        return self.steps

    def elapsed(self):
        return time.perf_counter() - self.t0


def report(**fields):
    print(json.dumps(fields), flush=True)


def save(model, meta, out, stage, steps, script):
    """Writes the checkpoint atomically (a crash leaves the old file or the
    new, never half of one), with stage's step count added to the steps it
    had and the command that trained it."""
    meta = dict(meta)
    key = "ncstudio.%s_steps" % stage
    meta[key] = str(int(meta.get(key, "0")) + steps)
    meta["ncstudio.command"] = "python3 engine/pyref/%s %s" % (script, " ".join(sys.argv[1:]))
    meta["ncstudio.run_step"] = "%s/%d" % (stage, steps)
    meta["ncstudio.trained"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    tmp = out + ".tmp"
    model.to("cpu").save(tmp, meta)
    os.replace(tmp, out)
