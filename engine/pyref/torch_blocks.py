"""PyTorch twins of the engine's nn blocks, for block-level comparisons.

Usage: torch_blocks.py IN.safetensors OUT.safetensors

IN holds the block's parameters under their engine names ("blk.ln1.weight",
...), an input "x" and an output gradient "dy"; its metadata "config" is JSON:
{kind: "transformer"|"resblock", dim, heads, mlp, channels, groups,
 steps, lr, betas, eps, weight_decay, max_grad_norm}.
OUT receives, in float64 computed terms: "out", "grad/x", "grad/PARAM" for
the first forward/backward, then "trained/PARAM" after `steps` AdamW steps
on the loss sum(out * dy) with gradient clipping.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.out = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x):
        b, t, d = x.shape
        split = lambda y: y.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        p = torch.softmax(q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5, -1)
        return self.out((p @ v).transpose(1, 2).reshape(b, t, d))


class MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.up, self.down = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.down(F.gelu(self.up(x)))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(c["dim"]), nn.LayerNorm(c["dim"])
        self.attn = Attention(c["dim"], c["heads"])
        self.mlp = MLP(c["dim"], c["mlp"] * c["dim"])

    def forward(self, x):
        h = x + self.attn(self.ln1(x))
        return h + self.mlp(self.ln2(h))


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch, g = c["channels"], c["groups"]
        self.gn1, self.gn2 = nn.GroupNorm(g, ch), nn.GroupNorm(g, ch)
        self.conv1, self.conv2 = nn.Conv2d(ch, ch, 3, padding=1), nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.gn1(x)))
        return x + self.conv2(F.silu(self.gn2(h)))


def main():
    tensors, meta = safetensors_io.load(sys.argv[1])
    c = json.loads(meta["config"])
    block = {"transformer": TransformerBlock, "resblock": ResBlock}[c["kind"]](c).double()
    prefix = "blk."
    state = {k[len(prefix):]: torch.from_numpy(v).double() for k, v in tensors.items() if k.startswith(prefix)}
    block.load_state_dict(state, strict=True)
    x = torch.from_numpy(tensors["x"]).double().requires_grad_(True)
    dy = torch.from_numpy(tensors["dy"]).double()

    out = {}
    y = block(x)
    y.backward(dy)
    out["out"] = y.detach().numpy()
    out["grad/x"] = x.grad.clone().numpy()
    for name, p in block.named_parameters():
        out["grad/" + prefix + name] = p.grad.clone().numpy()  # zero_grad reuses it

    opt = torch.optim.AdamW(block.parameters(), lr=c["lr"], betas=tuple(c["betas"]), eps=c["eps"],
                            weight_decay=c["weight_decay"])
    for _ in range(c["steps"]):
        opt.zero_grad()
        (block(x.detach()) * dy).sum().backward()
        torch.nn.utils.clip_grad_norm_(block.parameters(), c["max_grad_norm"])
        opt.step()
    for name, p in block.named_parameters():
        out["trained/" + prefix + name] = p.detach().numpy()
    safetensors_io.save(sys.argv[2], out)


if __name__ == "__main__":
    main()
