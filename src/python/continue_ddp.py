"""Continued pretraining of an exported tinyfm base with torch.distributed (DDP), launched by torchrun.

    torchrun --nproc_per_node 2 src/python/continue_ddp.py --base FOLDER --corpus datasets/broad --steps 200 --out FOLDER2
    (several machines: torchrun --nnodes 2 --node_rank R --rdzv_backend c10d --rdzv_endpoint HOST:29500 --nproc_per_node N ...)

Each process reads the same corpus files and tokenizer, draws its own batches (seeded by seed and rank),
and DDP averages the gradients, so N processes train on N times the tokens per step. gloo on CPU, NCCL
on GPUs. Rank 0 writes the model back in the exported layout, with a training record, for `tinyfm import`.
"""
import argparse
import glob
import gzip
import json
import os
import time

import regex
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

import tinyfm_gpt

GPT2_SPLIT = regex.compile(r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
SEPARATOR = "\n<|endoftext|>\n"


class Bpe:
    """tinyfm's byte-level BPE from tokenizer.json: GPT-2's word split, then merges lowest rank first."""

    def __init__(self, path):
        with open(path) as f:
            model = json.load(f)["model"]
        self.vocab = model["vocab"]
        printable = [chr(b) for b in range(256)]
        shifted = 0
        for b in range(256):
            if not (33 <= b <= 126 or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF):
                printable[b] = chr(256 + shifted)
                shifted += 1
        self.printable = printable
        self.rank = {}
        for i, m in enumerate(model["merges"]):
            left, right = m.split(" ", 1) if isinstance(m, str) else m
            self.rank[(left, right)] = i
        self.end_of_text = self.vocab["<|endoftext|>"]
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        parts = [self.printable[b] for b in w.encode("utf-8")]
        while len(parts) > 1:
            ranked = [(self.rank.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
            best, _ = min(ranked)
            if best == 1 << 30:
                break
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and self.rank.get((parts[i], parts[i + 1])) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        ids = [self.vocab[p] for p in parts]
        self.cache[w] = ids
        return ids

    def encode(self, text):
        return [i for w in GPT2_SPLIT.findall(text) for i in self.word(w)]


def corpus_tokens(folder, bpe, max_tokens=0):
    """The corpus's documents (.txt and .txt.gz files), encoded and joined by end-of-text; the first max_tokens if given."""
    ids = []
    for path in sorted(glob.glob(os.path.join(folder, "*.txt")) + glob.glob(os.path.join(folder, "*.txt.gz"))):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            text = f.read().replace("\r\n", "\n")
        for doc in text.split(SEPARATOR):
            if doc.strip():
                ids.extend(bpe.encode(doc))
                ids.append(bpe.end_of_text)
                if max_tokens and len(ids) >= max_tokens:
                    return torch.tensor(ids[:max_tokens], dtype=torch.long)
    return torch.tensor(ids, dtype=torch.long)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="a folder that `tinyfm export` wrote")
    p.add_argument("--corpus", required=True, help="a folder of .txt or .txt.gz files (documents separated by <|endoftext|> lines)")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=16, help="sequences per process per step")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--max-tokens", type=int, default=0, help="read only the first N tokens of the corpus (0: all)")
    args = p.parse_args()

    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}") if torch.cuda.is_available() else torch.device("cpu")
    torch.manual_seed(args.seed)  # the same start on every process

    bpe = Bpe(os.path.join(args.base, "tokenizer.json"))
    tokens = corpus_tokens(args.corpus, bpe, args.max_tokens)
    model = tinyfm_gpt.load(args.base).to(device).train()
    window = model.config["n_positions"]
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=0.1)
    draw = torch.Generator().manual_seed(args.seed * 1000 + rank)  # each process its own batches

    start, losses = time.time(), []
    for step in range(1, args.steps + 1):
        at = torch.randint(0, len(tokens) - window - 1, (args.batch,), generator=draw)
        x = torch.stack([tokens[i : i + window] for i in at]).to(device)
        y = torch.stack([tokens[i + 1 : i + window + 1] for i in at]).to(device)
        _, loss = ddp(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # DDP averages the gradients over the processes here
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        losses.append(mean.item() / world)
        if rank == 0 and (step % 20 == 0 or step == args.steps):
            print(f"step {step}/{args.steps}  loss {losses[-1]:.4f}  {time.time() - start:.1f} s", flush=True)
    seconds = time.time() - start

    if rank == 0:
        record = {"by": "src/python/continue_ddp.py", "processes": world, "backend": dist.get_backend(),
                  "nodes": world // int(os.environ.get("LOCAL_WORLD_SIZE", world)),
                  "steps": args.steps, "batch_per_process": args.batch, "window": window, "lr": args.lr, "seed": args.seed,
                  "tokens_seen": args.steps * args.batch * window * world, "corpus": args.corpus,
                  "corpus_tokens": len(tokens), "seconds": round(seconds, 2),
                  "first_loss": losses[0], "last_loss": losses[-1], "torch": torch.__version__}
        tinyfm_gpt.save(model, args.out, args.base, record)
        print(f"wrote {args.out}: {args.steps} steps on {world} processes in {seconds:.1f} s, loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
