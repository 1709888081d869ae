"""The NC Studio neural computer in PyTorch: the same architecture as the Go
engine (engine/model), loading and saving the same safetensors checkpoints.

It is the reference the Go forward and backward passes are tested against,
and the way to train a model with PyTorch (for example on GPUs, with its
distributed tools) and bring the checkpoint back to the studio: build
NCModel from a checkpoint or a config, train it, and save() it.

    python3 ncmodel.py check MODEL.safetensors INPUTS.safetensors OUT.safetensors

runs the model on the inputs the Go test wrote and writes the outputs and the
parameter gradients (see main()), and

    python3 ncmodel.py bench MODEL.safetensors BATCH STEPS THREADS [cpu|cuda [compile]]

prints the training steps per second of both stages as JSON (`ncstudio
bench train` and `ncworker bench` compare them with the engine's), and

    python3 ncmodel.py matmul N ITERS

prints torch.matmul's TFLOPS on CUDA for N x N matrices in bf16 and tf32.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

FORMAT = "ncmodel/1"
TIME_FEATURES = 16


def shapes(cfg, n_action_features):
    """The parameter names and shapes of a configuration, in the Go order."""
    ae, dyn = cfg["autoencoder"], cfg["dynamics"]
    ch, blocks, cz = ae["channels"], ae["blocks"], ae["latent_channels"]
    out = []

    def conv(name, cin, cout):
        out.extend([(name + ".weight", (cout, cin, 3, 3)), (name + ".bias", (cout,))])

    def res(name, c):
        conv(name + ".conv1", c, c)
        conv(name + ".conv2", c, c)

    def linear(name, cin, cout):
        out.extend([(name + ".weight", (cout, cin)), (name + ".bias", (cout,))])

    def ln(name, d):
        out.extend([(name + ".weight", (d,)), (name + ".bias", (d,))])

    def attn(name, d):
        for part in ("q", "k", "v", "out"):
            linear(name + "." + part, d, d)

    conv("enc.in", 3, ch[0])
    for lv in range(len(ch)):
        if lv > 0:
            conv("enc.down%d" % lv, ch[lv - 1], ch[lv])
        for b in range(blocks[lv]):
            res("enc.level%d.block%d" % (lv, b), ch[lv])
    conv("enc.out", ch[-1], cz)
    last = len(ch) - 1
    conv("dec.in", cz, ch[last])
    for lv in range(last, -1, -1):
        if lv < last:
            conv("dec.up%d" % lv, ch[lv + 1], ch[lv])
        for b in range(blocks[lv]):
            res("dec.level%d.block%d" % (lv, b), ch[lv])
    conv("dec.out", ch[0], 3)

    d, p, mode = dyn["dim"], dyn["patch"], dyn["injection"]
    n_in = (cz * (dyn["context"] + 1) + (1 if dyn["cursor_map"] else 0) + cz * len(dyn.get("scroll_shifts", []))) * p * p
    linear("dyn.in", n_in, d)
    out.append(("dyn.pos", (tokens(cfg), d)))
    linear("dyn.time1", 2 * TIME_FEATURES, d)
    linear("dyn.time2", d, d)
    linear("dyn.act1", n_action_features, d)
    linear("dyn.act2", d, action_tokens(dyn) * d)
    if mode == "external":
        linear("dyn.film", d, 2 * d)
    for layer in range(dyn["layers"]):
        if mode == "residual" and layer % dyn["residual_every"] == 0:
            linear("dyn.res%d" % layer, d, d)
        name = "dyn.block%d" % layer
        ln(name + ".ln1", d)
        attn(name + ".attn", d)
        if mode == "internal":
            ln(name + ".ln2", d)
            attn(name + ".cross", d)
        ln(name + ".ln3", d)
        linear(name + ".mlp.up", d, dyn["mlp_ratio"] * d)
        linear(name + ".mlp.down", dyn["mlp_ratio"] * d, d)
    ln("dyn.ln_out", d)
    linear("dyn.out", d, cz * p * p)
    return out


def action_tokens(dyn):
    return dyn["action_tokens"] if dyn["injection"] in ("contextual", "internal") else 1


def latent_size(cfg):
    r = 2 ** (len(cfg["autoencoder"]["channels"]) - 1)
    return cfg["width"] // r, cfg["height"] // r


def tokens(cfg):
    w, h = latent_size(cfg)
    p = cfg["dynamics"]["patch"]
    return (w // p) * (h // p)


def time_features(tau, sigma):
    """Sinusoids of both noise levels: [B, 2 * TIME_FEATURES]."""
    half = TIME_FEATURES // 2
    k = torch.arange(half, dtype=tau.dtype, device=tau.device)
    freqs = torch.exp(-math.log(10000) * k / half)
    parts = []
    for v in (tau, sigma):
        f = 1000 * v[:, None] * freqs[None, :]
        parts += [torch.sin(f), torch.cos(f)]
    return torch.cat(parts, dim=1)


class NCModel(nn.Module):
    """Parameters are kept under their engine names (dots become '__')."""

    def __init__(self, cfg, n_action_features, dtype=torch.float32):
        super().__init__()
        self.cfg = cfg
        self.params = nn.ParameterDict({
            n.replace(".", "__"): nn.Parameter(torch.zeros(s, dtype=dtype))
            for n, s in shapes(cfg, n_action_features)})

    @classmethod
    def load(cls, path, dtype=torch.float32):
        tensors, meta = safetensors_io.load(path)
        if meta.get("ncstudio.format") != FORMAT:
            raise ValueError("%s: not an NC Studio model checkpoint" % path)
        cfg = json.loads(meta["ncstudio.config"])
        m = cls(cfg, tensors["dyn.act1.weight"].shape[1], dtype)
        for name, p in m.named_engine_parameters():
            if name not in tensors:
                raise ValueError("%s: missing %s" % (path, name))
            with torch.no_grad():
                p.copy_(torch.from_numpy(tensors[name]))
        return m, meta

    def save(self, path, metadata=None):
        meta = dict(metadata or {})
        meta["ncstudio.format"] = FORMAT
        meta["ncstudio.config"] = json.dumps(self.cfg, separators=(",", ":"))
        safetensors_io.save(path, {n: p.detach().float().numpy() for n, p in self.named_engine_parameters()}, meta)

    def named_engine_parameters(self):
        for key, p in self.params.items():
            yield key.replace("__", "."), p

    def p(self, name):
        return self.params[name.replace(".", "__")]

    # --- building blocks, named as in the engine ---

    def conv(self, name, x, stride=1):
        return F.conv2d(x, self.p(name + ".weight"), self.p(name + ".bias"), stride=stride, padding=1)

    def res(self, name, x):
        h = self.conv(name + ".conv1", F.silu(x))
        return x + self.conv(name + ".conv2", F.silu(h))

    def linear(self, name, x):
        return F.linear(x, self.p(name + ".weight"), self.p(name + ".bias"))

    def ln(self, name, x):
        return F.layer_norm(x, x.shape[-1:], self.p(name + ".weight"), self.p(name + ".bias"), eps=1e-5)

    def attn(self, name, x, ctx=None):
        ctx = x if ctx is None else ctx
        heads = self.cfg["dynamics"]["heads"]
        b, t, d = x.shape
        split = lambda y: y.reshape(b, y.shape[1], heads, d // heads).transpose(1, 2)
        q = split(self.linear(name + ".q", x))
        k, v = split(self.linear(name + ".k", ctx)), split(self.linear(name + ".v", ctx))
        pr = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // heads), -1)
        return self.linear(name + ".out", (pr @ v).transpose(1, 2).reshape(b, t, d))

    # --- the model ---

    def encode(self, frames):
        """[N, 3, H, W] in [-1, 1] to latents [N, Cz, H/r, W/r] (unscaled)."""
        ae = self.cfg["autoencoder"]
        x = self.conv("enc.in", frames)
        for lv in range(len(ae["channels"])):
            if lv > 0:
                x = self.conv("enc.down%d" % lv, F.silu(x), stride=2)
            for b in range(ae["blocks"][lv]):
                x = self.res("enc.level%d.block%d" % (lv, b), x)
        return self.conv("enc.out", F.silu(x))

    def decode(self, z):
        ae = self.cfg["autoencoder"]
        last = len(ae["channels"]) - 1
        x = self.conv("dec.in", z)
        for lv in range(last, -1, -1):
            if lv < last:
                x = self.conv("dec.up%d" % lv, F.interpolate(x, scale_factor=2, mode="nearest"))
            for b in range(ae["blocks"][lv]):
                x = self.res("dec.level%d.block%d" % (lv, b), x)
        return self.conv("dec.out", F.silu(x))

    def predict(self, noisy, context, cursor, actions, tau, sigma):
        """The dynamics' prediction of the next latent, [B, Cz, h, w]; the
        flow velocity is (prediction - noisy) / (1 - tau)."""
        cfg, dyn = self.cfg, self.cfg["dynamics"]
        b, cz, lh, lw = noisy.shape
        p, d, mode = dyn["patch"], dyn["dim"], dyn["injection"]
        parts = [noisy, context] + ([cursor] if cursor is not None else [])
        for s in dyn.get("scroll_shifts", []):
            # The newest context latent moved up s rows, zeros below.
            parts.append(F.pad(context[:, :cz, s:, :], (0, 0, 0, s)))
        x = torch.cat(parts, dim=1)
        c = x.shape[1]
        x = x.reshape(b, c, lh // p, p, lw // p, p).permute(0, 2, 4, 1, 3, 5).reshape(b, -1, c * p * p)
        h = self.linear("dyn.in", x) + self.p("dyn.pos")
        temb = self.linear("dyn.time2", F.silu(self.linear("dyn.time1", time_features(tau, sigma))))
        h = h + temb[:, None, :]
        act = self.linear("dyn.act2", F.silu(self.linear("dyn.act1", actions))).reshape(b, action_tokens(dyn), d)
        if mode == "external":
            film = self.linear("dyn.film", act)
            gamma, beta = film[..., :d], film[..., d:]
            h = h + h * gamma + beta
        elif mode == "contextual":
            h = torch.cat([h, act], dim=1)
        for layer in range(dyn["layers"]):
            name = "dyn.block%d" % layer
            if mode == "residual" and layer % dyn["residual_every"] == 0:
                h = h + self.linear("dyn.res%d" % layer, act)
            h = h + self.attn(name + ".attn", self.ln(name + ".ln1", h))
            if mode == "internal":
                h = h + self.attn(name + ".cross", self.ln(name + ".ln2", h), act)
            m = self.ln(name + ".ln3", h)
            h = h + self.linear(name + ".mlp.down", F.gelu(self.linear(name + ".mlp.up", m)))
        if mode == "contextual":
            h = h[:, :tokens(cfg)]
        out = self.linear("dyn.out", self.ln("dyn.ln_out", h))
        out = out.reshape(b, lh // p, lw // p, cz, p, p).permute(0, 3, 1, 4, 2, 5).reshape(b, cz, lh, lw)
        if dyn.get("delta", False):
            out = out + context[:, :cz]
        return out


def recon_loss(recon, frames, weight):
    """The loss of the autoencoder and decoder stages (the engine's
    reconLoss): weighted MSE + L1 of a reconstruction of the frames."""
    d = recon - frames
    return (weight * d * d).mean() + (weight * d.abs()).mean()


def ae_loss(model, frames, weight):
    """The autoencoder's training loss on frames."""
    return recon_loss(model.decode(model.encode(frames)), frames, weight)


# START_SHARE is the share of training items at flow time 0, where every
# sample starts (engine/model/flow.go).
START_SHARE = 0.25


def flow_loss(model, target, context, cursor, actions, weight, context_noise_max=0.1, gen=None):
    """The dynamics' training loss of a batch, as the engine's FlowLoss: the
    weighted MSE of the predicted next latent at a logit-normal flow time (a
    quarter of the items at 0), half of the contexts noised at a level drawn
    from [0, context_noise_max]."""
    b, dev, dt = target.shape[0], target.device, target.dtype
    rand = lambda *s: torch.rand(*s, device=dev, dtype=dt, generator=gen)  # noqa: E731
    randn = lambda *s: torch.randn(*s, device=dev, dtype=dt, generator=gen)  # noqa: E731
    tau = torch.where(rand(b) < START_SHARE, torch.zeros(b, device=dev, dtype=dt), torch.sigmoid(randn(b)))
    sigma = torch.where(rand(b) < 0.5, context_noise_max * rand(b), torch.zeros(b, device=dev, dtype=dt))
    t4 = tau[:, None, None, None]
    x = (1 - t4) * randn(*target.shape) + t4 * target
    ctx = context + sigma[:, None, None, None] * randn(*context.shape)
    pred = model.predict(x, ctx, cursor, actions, tau, sigma)
    return (weight * (pred - target) ** 2).mean()


def sample(model, context, cursor, actions, steps, context_noise, gen=None):
    """Next latents as a session samples them (the engine's Model.Sample):
    from noise with `steps` Euler steps, the last landing on the prediction."""
    b, cz = context.shape[0], model.cfg["autoencoder"]["latent_channels"]
    dev, dt = context.device, context.dtype
    x = torch.randn(b, cz, *context.shape[2:], device=dev, dtype=dt, generator=gen)
    sigma = torch.full((b,), context_noise, device=dev, dtype=dt)
    if context_noise > 0:
        context = context + context_noise * torch.randn(*context.shape, device=dev, dtype=dt, generator=gen)
    for s in range(steps):
        t = s / steps
        pred = model.predict(x, context, cursor, actions, torch.full((b,), t, device=dev, dtype=dt), sigma)
        x = x + (pred - x) / steps / (1 - t)
    return x


def bench(path, batch, steps, threads, device="cpu", compiled=False):
    """Training steps per second of both stages (AdamW included), in float32
    (on CUDA, matrix products in tf32 like the engine's), eager or through
    torch.compile."""
    import time
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    model, _ = NCModel.load(path)
    model = model.to(device)
    cfg = model.cfg
    ae_params = [p for n, p in model.named_engine_parameters() if not n.startswith("dyn.")]
    dyn_params = [p for n, p in model.named_engine_parameters() if n.startswith("dyn.")]
    w, h = cfg["width"], cfg["height"]
    lw, lh = latent_size(cfg)
    cz, k = cfg["autoencoder"]["latent_channels"], cfg["dynamics"]["context"]
    rand = lambda *s: torch.rand(*s, device=device)
    frames = rand(batch, 3, h, w) * 2 - 1
    fweight = 1 + 10 * (rand(batch, 1, h, w) < 0.01).float()
    target, context = torch.randn(batch, cz, lh, lw, device=device), torch.randn(batch, k * cz, lh, lw, device=device)
    cursor = rand(batch, 1, lh, lw) if cfg["dynamics"]["cursor_map"] else None
    actions = rand(batch, model.p("dyn.act1.weight").shape[1])
    lweight = 1 + 10 * (rand(batch, 1, lh, lw) < 0.02).float()
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    out = {}
    for name, params, loss in (
            ("autoencoder", ae_params, lambda: ae_loss(model, frames, fweight)),
            ("dynamics", dyn_params, lambda: flow_loss(model, target, context, cursor, actions, lweight))):
        opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.01)
        step = torch.compile(loss) if compiled else loss
        def one():
            opt.zero_grad()
            step().backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        for _ in range(3 if compiled else 1):  # warm-up (compilation)
            one()
        sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            one()
        sync()
        out[name] = steps / (time.perf_counter() - t0)
    print(json.dumps(out))


def bench_matmul(n, iters):
    """torch.matmul of two n x n matrices on CUDA: TFLOPS in bf16 and in tf32."""
    import time
    out = {}
    for name, dtype, tf32 in (("bf16", torch.bfloat16, False), ("tf32", torch.float32, True)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.randn(n, n, device="cuda", dtype=dtype)
        b = torch.randn(n, n, device="cuda", dtype=dtype)
        for _ in range(3):
            a @ b
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(iters):
            a @ b
        torch.cuda.synchronize()
        out[name] = 2 * n ** 3 * iters / (time.perf_counter() - t0) / 1e12
    print(json.dumps(out))


def main():
    if len(sys.argv) in (6, 7, 8) and sys.argv[1] == "bench":
        device = sys.argv[6] if len(sys.argv) > 6 else "cpu"
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), device, sys.argv[7:] == ["compile"])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "matmul":
        bench_matmul(int(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) != 5 or sys.argv[1] != "check":
        sys.exit(__doc__)
    model, _ = NCModel.load(sys.argv[2], torch.float64)
    t, _ = safetensors_io.load(sys.argv[3])
    g = {k: torch.from_numpy(v).double() for k, v in t.items()}
    cursor = g.get("cursor")
    latents = model.encode(g["frames"])
    recon = model.decode(g["latents"])
    v = model.predict(g["noisy"], g["context"], cursor, g["actions"], g["tau"], g["sigma"])
    loss = (latents * g["d_latents"]).sum() + (recon * g["d_recon"]).sum() + (v * g["d_prediction"]).sum()
    loss.backward()
    out = {"latents": latents.detach().numpy(), "recon": recon.detach().numpy(), "prediction": v.detach().numpy()}
    for name, p in model.named_engine_parameters():
        out["grad/" + name] = p.grad.numpy()
    safetensors_io.save(sys.argv[4], out)


if __name__ == "__main__":
    main()
