"""A tinyfm base in PyTorch, from the folder `tinyfm export` writes, with nothing but torch.

The model is GPT-2's: token and position embeddings, pre-LayerNorm blocks of causal self-attention
and an MLP, a final LayerNorm, and an output layer tied to the token embedding. The one difference
in the arithmetic is the MLP's GELU, in its sigmoid form x * sigmoid(1.702 x) ("quick_gelu").

    python3 src/python/tinyfm_gpt.py FOLDER     # loads the folder and checks its logits against tinyfm's
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    """{name: float32 tensor} from a safetensors file: an 8-byte little-endian header length, a JSON header, then the data."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        if spec["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {spec['dtype']}; only F32 is read")
        begin, end = spec["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(spec["shape"])
    return tensors


def write_safetensors(path, tensors, metadata=None):
    """The same format back, the data 8-byte aligned; written to a temporary file, then renamed."""
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        blob = t.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    raw = json.dumps(header).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


class Linear(nn.Module):
    """GPT-2's Conv1D: the weight is [in, out], y = x W + b."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight + self.bias


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["n_embd"]
        self.n_head = cfg["n_head"]
        self.ln_1 = nn.LayerNorm(c, eps=cfg["layer_norm_epsilon"])
        self.attn = nn.Module()
        self.attn.c_attn = Linear(c, 3 * c)
        self.attn.c_proj = Linear(c, c)
        self.ln_2 = nn.LayerNorm(c, eps=cfg["layer_norm_epsilon"])
        self.mlp = nn.Module()
        self.mlp.c_fc = Linear(c, 4 * c)
        self.mlp.c_proj = Linear(4 * c, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.attn.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.n_head)
        att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.attn.c_proj(y)
        h = self.mlp.c_fc(self.ln_2(x))
        return x + self.mlp.c_proj(h * torch.sigmoid(1.702 * h))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.get("activation_function") != "quick_gelu" or not cfg.get("tie_word_embeddings", True):
            raise ValueError("this loader runs tinyfm's GPT-2: quick_gelu and tied embeddings")
        self.config = cfg
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.transformer.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.transformer.h = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layer"]))
        self.transformer.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])

    def forward(self, idx, targets=None):
        t = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(t, device=idx.device))
        for block in self.transformer.h:
            x = block(x)
        logits = self.transformer.ln_f(x) @ self.transformer.wte.weight.T
        if targets is None:
            return logits
        return logits, F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def load(folder):
    """The model of an exported folder, its weights loaded by name; a missing or misshapen tensor is an error."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    model = GPT(cfg)
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    state = model.state_dict()
    for name, param in state.items():
        if name not in tensors:
            raise ValueError(f"{folder}/model.safetensors: no tensor {name}")
        if tuple(tensors[name].shape) != tuple(param.shape):
            raise ValueError(f"{folder}/model.safetensors: {name} is {tuple(tensors[name].shape)}, the config needs {tuple(param.shape)}")
    model.load_state_dict({name: tensors[name] for name in state})
    return model.eval()


def save(model, folder, source_folder, record):
    """Writes the model back in the same layout, with the source's tokenizer and a training record for `tinyfm import`."""
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "model.safetensors"), model.state_dict(), {"format": "pt"})
    for name in ("config.json", "tokenizer.json"):
        with open(os.path.join(source_folder, name), "rb") as src, open(os.path.join(folder, name), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(folder, "training_record.json"), "w") as f:
        json.dump(record, f, indent=2)


def check_logits(folder):
    """PyTorch's logits against tinyfm's on the token ids `tinyfm export` recorded; returns the largest absolute difference."""
    with open(os.path.join(folder, "tinyfm_logits.json")) as f:
        expected = json.load(f)
    model = load(folder)
    with torch.no_grad():
        logits = model(torch.tensor([expected["tokens"]]))[0]
    return (logits - torch.tensor(expected["logits"])).abs().max().item()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 src/python/tinyfm_gpt.py FOLDER")
    diff = check_logits(sys.argv[1])
    print(f"largest absolute difference between PyTorch's logits and tinyfm's: {diff:.3g}")
    sys.exit(0 if diff < 1e-3 else 1)
