"""The same GPT as tinyfm's, in PyTorch, for a side-by-side speed measurement.

Identical architecture: token + learned position embeddings, pre-LayerNorm blocks with causal
multi-head self-attention (one qkv matrix with bias, an output projection) and a 4x MLP with
GELU in its sigmoid form x * sigmoid(1.702 x) (what ND4J's GELU op computes), a final LayerNorm,
and an LM head tied to the token embedding. AdamW (betas 0.9, 0.99, weight decay 0.1), gradient
clipping at norm 1. Random token ids, as in `tinyfm bench`.

Prints one JSON line. Run with Debian's python3-torch: /usr/bin/python3 reference_gpt.py --help
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, c, heads, context):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.register_buffer("mask", torch.tril(torch.ones(context, context)).view(1, 1, context, context))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c, 4 * c)
        self.proj = nn.Linear(4 * c, c)

    def forward(self, x):
        h = self.fc(x)
        return self.proj(h * torch.sigmoid(1.702 * h))


class Block(nn.Module):
    def __init__(self, c, heads, context):
        super().__init__()
        self.ln1 = nn.LayerNorm(c)
        self.attention = CausalSelfAttention(c, heads, context)
        self.ln2 = nn.LayerNorm(c)
        self.mlp = Mlp(c)

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, heads, c):
        super().__init__()
        self.token = nn.Embedding(vocab, c)
        self.position = nn.Embedding(context, c)
        self.blocks = nn.ModuleList([Block(c, heads, context) for _ in range(layers)])
        self.final_norm = nn.LayerNorm(c)

    def forward(self, idx, targets=None):
        t = idx.size(1)
        x = self.token(idx) + self.position(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        logits = self.final_norm(x) @ self.token.weight.t()
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--context", type=int, required=True)
    p.add_argument("--layers", type=int, required=True)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--embed", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--warmup", type=float, default=10, help="seconds of untimed steps first (tinyfm bench warms up as long)")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--generate", type=int, default=200)
    a = p.parse_args()

    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    model = Gpt(a.vocab, a.context, a.layers, a.heads, a.embed)
    decay = [q for n, q in model.named_parameters() if q.dim() >= 2]
    no_decay = [q for n, q in model.named_parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.99))
    x = torch.randint(a.vocab, (a.batch, a.context))
    y = torch.randint(a.vocab, (a.batch, a.context))

    def step():
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    warmup_end, done = time.perf_counter() + a.warmup, 0
    while done < 3 or time.perf_counter() < warmup_end:
        step()
        done += 1
    per_step = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        per_step.append((time.perf_counter() - t0) / a.steps)
    ms = statistics.median(per_step) * 1000

    # generation as nanoGPT does it: the whole (cropped) window every step, no cache
    model.eval()
    gen = []
    with torch.no_grad():
        for r in range(min(3, a.repeats)):
            idx = torch.zeros((1, 1), dtype=torch.long)
            t0 = time.perf_counter()
            for _ in range(a.generate):
                logits, _ = model(idx[:, -a.context:])
                probs = F.softmax(logits[:, -1, :] / 0.8, dim=-1)
                idx = torch.cat((idx, torch.multinomial(probs, 1)), dim=1)
            gen.append(time.perf_counter() - t0)

    # scoring: the log-likelihood of each text's last token, a batch of 32 full windows per forward pass
    texts = torch.randint(a.vocab, (32, a.context))
    with torch.no_grad():
        def score():
            logits, _ = model(texts)
            return F.log_softmax(logits[:, -2, :], dim=-1).gather(1, texts[:, -1:])
        for _ in range(3):
            score()
        per_call = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            score()
            per_call.append(time.perf_counter() - t0)
    score_texts_per_second = 32 / statistics.median(per_call)

    print(json.dumps({
        "torch": torch.__version__, "threads": a.threads,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
        "parameters": sum(q.numel() for q in model.parameters()) - model.position.weight.numel() * 0,
        "ms_per_step": ms, "tokens_per_second": a.batch * a.context / (ms / 1000),
        "generate_seconds": statistics.median(gen),
        "score_texts_per_second": score_texts_per_second,
    }))


if __name__ == "__main__":
    main()
