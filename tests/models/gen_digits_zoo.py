#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train torchvision 0.14's classifiers on scikit-learn's digits and export
them to ONNX as users do.

The data is gen_digits.py's: the bundled 8x8 digits scaled to [0, 1], the
same 30 % held out (random_state 0, stratified).  Each image is upsampled
bilinearly to SIZE x SIZE and repeated over 3 channels.  SIZE is 24: the
smallest size squeezenet1_1 accepts is 17 (its three ceil-mode pools),
every other architecture takes it too, and 24 is the first whole multiple
of 8 above it.

Each architecture is torchvision's own, num_classes=10, random
initialization from torch.manual_seed(0), trained a few epochs (ARCHS:
Adam or SGD, batch 32, fixed shuffling, one thread, deterministic
algorithms), then eval mode and
  torch.onnx.export(m, x, f, opset_version=13,
                    input_names=["input"], output_names=["logits"],
                    dynamic_axes={"input": {0: "n"}})
Writes into OUT (default build/digits_zoo):

  <arch>.onnx       the model
  <arch>_ref.bin    PyTorch's float logits on the first REF calibration
                    samples (CIMD; tests/compiler/zoo_check)
  test.bin          the held-out set, 3xSIZExSIZE, with labels (CIMD)
  test16.bin        its first 16 samples (the VM suite's input)
  calib.bin         N_CALIB training samples, no labels (CIMD)
  calib_small.bin   the first REF of them (zoo_check's quantization)
  accuracy.txt      "digits_<arch>_float_acc PERCENT CORRECT TOTAL", PyTorch
                    on the held-out set

The float32 models weigh 78 MB together: too large to commit, so `make`
generates them (tests/models/digits_zoo.sh).  Usage:
  /usr/bin/python3 tests/models/gen_digits_zoo.py [OUT] [ARCH...]
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from gen_zoo import write_cimd  # the CIMD writer of the 224 zoo

ARCHS = {
    # arch: (optimizer, learning rate, epochs).  Adam's large early steps
    # kill squeezenet1_1's ReLU-capped class scores (a class whose score
    # is <= 0 for every input never recovers): SGD with momentum trains
    # all ten.
    "resnet18": ("adam", 1e-3, 6),
    "mobilenet_v2": ("adam", 1e-3, 8),
    "shufflenet_v2_x1_0": ("adam", 1e-3, 8),
    "efficientnet_b0": ("adam", 1e-3, 8),
    "squeezenet1_1": ("sgd", 3e-3, 30),
}
SIZE = 24
N_CALIB = 200
REF = 4
SEED = 0


def upsample(x):
    """N x 64 in [0, 1] -> N x 3 x SIZE x SIZE."""
    t = torch.from_numpy(x).reshape(-1, 1, 8, 8)
    t = nn.functional.interpolate(t, size=(SIZE, SIZE), mode="bilinear",
                                  align_corners=False)
    return t.repeat(1, 3, 1, 1).contiguous()


def data():
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, d.target, test_size=0.3,
                                          random_state=SEED, stratify=d.target)
    return (upsample(xtr), torch.from_numpy(ytr),
            upsample(xte), torch.from_numpy(yte))


def train(m, x, y, how):
    """Batches of 32 in a fixed order; Adam's rate decays as a cosine."""
    opt_name, lr, epochs = how
    if opt_name == "sgd":
        opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9)
        sched = None
    else:
        opt = torch.optim.Adam(m.parameters(), lr=lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, epochs * ((len(x) + 31) // 32))
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        m.train()
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss_fn(m(x[idx]), y[idx]).backward()
            opt.step()
            if sched:
                sched.step()
    m.eval()


def run(m, x):
    with torch.no_grad():
        return torch.cat([m(x[i:i + 128]) for i in range(0, len(x), 128)])


def one(arch, out, xtr, ytr, xte, yte):
    torch.manual_seed(SEED)
    m = getattr(torchvision.models, arch)(weights=None, num_classes=10)
    t0 = time.time()
    train(m, xtr, ytr, ARCHS[arch])
    correct = int((run(m, xte).argmax(1) == yte).sum())
    path = os.path.join(out, arch + ".onnx")
    with torch.no_grad():
        torch.onnx.export(m, xtr[:1], path + ".tmp", opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "n"}})
    os.replace(path + ".tmp", path)
    write_cimd(os.path.join(out, arch + "_ref.bin"),
               run(m, xtr[:REF]).numpy())
    line = "digits_%s_float_acc %.2f %d %d" % (
        arch, 100.0 * correct / len(yte), correct, len(yte))
    print("%s (%.0f s)" % (line, time.time() - t0), flush=True)
    return line


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/digits_zoo"
    archs = sys.argv[2:] or list(ARCHS)
    for a in archs:
        if a not in ARCHS:
            sys.exit("unknown architecture " + a)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    np.random.seed(SEED)
    xtr, ytr, xte, yte = data()
    write_cimd(os.path.join(out, "test.bin"), xte.numpy(), yte.numpy())
    write_cimd(os.path.join(out, "test16.bin"), xte[:16].numpy(),
               yte[:16].numpy())
    write_cimd(os.path.join(out, "calib.bin"), xtr[:N_CALIB].numpy())
    write_cimd(os.path.join(out, "calib_small.bin"), xtr[:REF].numpy())
    acc = os.path.join(out, "accuracy.txt")
    lines = {}
    if os.path.exists(acc):
        for ln in open(acc):
            if ln.startswith("digits_"):
                lines[ln.split()[0]] = ln.rstrip("\n")
    for a in archs:
        ln = one(a, out, xtr, ytr, xte, yte)
        lines[ln.split()[0]] = ln
    with open(acc + ".tmp", "w") as f:
        f.write("# name percent correct total (PyTorch, held-out set)\n")
        f.write("".join(lines[k] + "\n" for k in sorted(lines)))
    os.replace(acc + ".tmp", acc)


if __name__ == "__main__":
    main()
