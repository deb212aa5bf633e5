#!/usr/bin/env python3
"""The PyTorch peer of RopeScope's model trainer (core/model/): the same decoder-only transformer
(byte vocabulary, pre-norm LayerNorm blocks, RoPE in HF's rotate_half layout, causal attention,
GELU MLP 4x, tied embeddings), the same AdamW + cosine schedule, trained on the same kind of batch
(random windows of a byte corpus). It prints training tokens/s, so the C++ trainer can be compared
with it on the same machine in the same run (benchmarks/model_bench.sh runs both).

Needs Debian's python3-torch (1.13, the same library as libtorch-dev). Not run by CTest.

  /usr/bin/python3 benchmarks/model_train_peer.py --threads 2 --steps 30
"""
import argparse
import glob
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.norm2 = nn.LayerNorm(d)
        self.up = nn.Linear(d, mlp * d)
        self.down = nn.Linear(mlp * d, d)

    def forward(self, x, cos, sin, mask):
        B, T, D = x.shape
        hd = D // self.heads
        q, k, v = self.qkv(self.norm1(x)).view(B, T, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(y)
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class Model(nn.Module):
    def __init__(self, layers, d, heads, mlp, theta):
        super().__init__()
        self.embed = nn.Embedding(256, d)
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)
        self.head_dim = d // heads
        self.theta = theta

    def forward(self, tokens):
        T = tokens.shape[1]
        inv = self.theta ** (-torch.arange(0, self.head_dim, 2, dtype=torch.float64) / self.head_dim)
        ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
        ang = torch.cat((ang, ang), dim=-1)
        cos, sin = ang.cos().float(), ang.sin().float()
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)
        x = self.embed(tokens)
        for b in self.blocks:
            x = b(x, cos, sin, mask)
        return self.norm(x) @ self.embed.weight.t()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=256)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--corpus", default="/usr/include/eigen3/Eigen")
    p.add_argument("--format", choices=["text", "json"], default="text")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    files = sorted(f for f in glob.glob(os.path.join(a.corpus, "**"), recursive=True) if os.path.isfile(f))
    data = torch.tensor(list(b"".join(open(f, "rb").read() for f in files)), dtype=torch.long)
    model = Model(a.layers, a.d_model, a.heads, 4, 10000.0)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, a.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, a.steps - warmup))))
    g = torch.Generator().manual_seed(a.seed)
    start, loss = None, None
    for step in range(a.steps + 1):
        if step == 1:  # the first step warms up the allocator and kernels; time the rest
            start = time.perf_counter()
        idx = torch.randint(0, len(data) - a.context - 1, (a.batch,), generator=g)
        win = torch.stack([data[i:i + a.context + 1] for i in idx.tolist()])
        logits = model(win[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 256), win[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    seconds = time.perf_counter() - start
    tps = a.steps * a.batch * a.context / seconds
    if a.format == "json":
        print(json.dumps({"steps": a.steps, "final_loss": loss.item(), "tokens_per_second": tps, "seconds": seconds}))
    else:
        print(f"pytorch peer: {a.steps} steps of {a.batch}x{a.context}, {a.threads} threads: "
              f"{tps:.0f} tokens/s, final loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
