#!/usr/bin/python3
"""The paper's MLP in PyTorch on the same float row stores the Java bench wrote; prints seconds per training epoch.

Usage: torch_mlp.py <dir with features.f32 labels.f32> <threads> <epochs>
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def load(path):
    header = np.fromfile(path, dtype="<i4", count=8)
    assert header[:1].tobytes() == b"GSFR", path
    rows = int(np.frombuffer(header[2:4].tobytes(), dtype="<i8")[0])
    cols = int(header[4])
    data = np.memmap(path, dtype="<f4", mode="r", offset=32, shape=(rows, cols))
    return np.asarray(data)


def main():
    d, threads, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = torch.from_numpy(load(d + "/features.f32").copy())
    y = torch.from_numpy(load(d + "/labels.f32").copy())
    n, n_in = x.shape
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(n_in, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, y.shape[1]))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.uniform_(m.weight, -0.05, 0.05)
            nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.BCEWithLogitsLoss()
    secs, cpu = [], []
    for _ in range(epochs):
        model.train()
        t0 = time.perf_counter()
        c0 = time.process_time()
        perm = torch.randperm(n)
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        secs.append(round(time.perf_counter() - t0, 3))
        cpu.append(round(time.process_time() - c0, 3))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "torch_epoch_s": secs, "torch_epoch_cpu_s": cpu}
    print("BENCH " + json.dumps(out))
    with open(d + "/torch.json", "w") as f:
        f.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
