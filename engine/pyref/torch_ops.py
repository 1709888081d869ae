"""PyTorch reference for the engine's ops.

Usage: torch_ops.py IN.safetensors OUT.safetensors

IN holds, for each case, its inputs as "CASE/INPUT" and the output gradient
as "CASE/dy"; its metadata "cases" is a JSON list of
{name, torch, params, inputs: [names], diff: [bools]}. For every case this
script computes the op in float64 (a higher-precision reference than the
engine's float32), back-propagates dy, and writes "CASE/out" and
"CASE/grad/INPUT" to OUT.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def matmul(p, a, b):
    a = a.transpose(-1, -2) if p["trans_a"] else a
    b = b.transpose(-1, -2) if p["trans_b"] else b
    out = a @ b
    return out.sum(0) if p["reduce"] else out


def weighted(loss):
    def f(p, pred, target, weight=None):
        l = loss(pred - target)
        if weight is not None:
            l = l * weight
        return l.mean().reshape(1)
    return f


def attention(p, q, k, v, mask=None):
    s = (q @ k.transpose(-1, -2)) * p["scale"]
    if mask is not None:
        s = s + mask
    return torch.softmax(s, -1) @ v


OPS = {
    "matmul": matmul,
    "linear": lambda p, x, w, b: F.linear(x, w, b),
    "conv2d": lambda p, x, w, b=None: F.conv2d(x, w, b, stride=p["stride"], padding=p["pad"]),
    "silu": lambda p, x: F.silu(x),
    "gelu": lambda p, x: F.gelu(x),
    "upsample2x": lambda p, x: F.interpolate(x, scale_factor=2, mode="nearest"),
    "avgpool2x": lambda p, x: F.avg_pool2d(x, 2),
    "layernorm": lambda p, x, w, b: F.layer_norm(x, x.shape[-1:], w, b, p["eps"]),
    "rmsnorm": lambda p, x, w: x * torch.rsqrt((x * x).mean(-1, keepdim=True) + p["eps"]) * w,
    "groupnorm": lambda p, x, w, b: F.group_norm(x, p["groups"], w, b, p["eps"]),
    "softmax": lambda p, x: torch.softmax(x, -1),
    "attention": attention,
    "permute0213": lambda p, x: x.permute(0, 2, 1, 3),
    "concat": lambda p, a, b: torch.cat([a, b], dim=1),
    "embedding": lambda p, table: F.embedding(torch.tensor(p["ids"]), table),
    "add": lambda p, a, b: a + b,
    "mul": lambda p, a, b: a * b,
    "mse": weighted(lambda d: d * d),
    "l1": weighted(torch.abs),
}


def main():
    tensors, meta = safetensors_io.load(sys.argv[1])
    out = {}
    for case in json.loads(meta["cases"]):
        name = case["name"]
        args = []
        for inp, needs_grad in zip(case["inputs"], case["diff"]):
            t = torch.from_numpy(tensors[name + "/" + inp]).double()
            args.append(t.requires_grad_(needs_grad))
        y = OPS[case["torch"]](case.get("params") or {}, *args)
        y.backward(torch.from_numpy(tensors[name + "/dy"]).double().reshape(y.shape))
        out[name + "/out"] = y.detach().numpy()
        for inp, t in zip(case["inputs"], args):
            if t.requires_grad:
                out[name + "/grad/" + inp] = t.grad.numpy()
    safetensors_io.save(sys.argv[2], out)


if __name__ == "__main__":
    main()
