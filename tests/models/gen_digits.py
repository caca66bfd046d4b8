#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the digits fixtures of the compiler tests.

Trains, on scikit-learn's bundled 8x8 digits (fixed seed, 30 % held out),
an MLP and a small CNN (batch norm, a depthwise and a grouped convolution,
a channel shuffle, a residual add, ReLU/ReLU6, max pooling, global average
pooling), exports both to ONNX (opset 13) and writes, next to this script:

  digits_mlp.onnx, digits_cnn.onnx   the models (input "input", output "logits")
  digits_test.bin                    held-out set with labels    (CIMD format)
  digits_calib.bin                   calibration set, no labels  (CIMD format)
  digits_mlp_ref.bin, digits_cnn_ref.bin
                                     PyTorch's float logits on the held-out set
  digits_accuracy.txt                float accuracies PyTorch measured

The CIMD format is documented in docs/compiler.md.  Run with Debian's
interpreter: /usr/bin/python3 tests/models/gen_digits.py
CI never runs this; its outputs are committed.
"""
import os
import struct

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
HERE = os.path.dirname(os.path.abspath(__file__))


def write_cimd(path, x, labels=None):
    """CIMD: 64-byte header, float32 samples, then optional int32 labels."""
    x = np.ascontiguousarray(x, dtype='<f4')
    n = x.shape[0]
    dims = list(x.shape[1:]) + [1] * (4 - (x.ndim - 1))
    flags = 1 if labels is not None else 0
    hdr = struct.pack('<4sIII4II', b'CIMD', 1, n, x.ndim - 1, *dims, flags)
    hdr += b'\0' * (64 - len(hdr))
    with open(path, 'wb') as f:
        f.write(hdr)
        f.write(x.tobytes())
        if labels is not None:
            f.write(np.asarray(labels, dtype='<i4').tobytes())


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(),
                                 nn.Dropout(0.1),
                                 nn.Linear(64, 32), nn.ReLU(),
                                 nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(8), nn.ReLU())
        # depthwise-separable block with a residual connection
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8,
                                          bias=False),
                                nn.BatchNorm2d(8), nn.ReLU6())
        self.pw = nn.Sequential(nn.Conv2d(8, 8, 1, bias=False),
                                nn.BatchNorm2d(8))
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.grouped = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1, groups=2,
                                               bias=False),
                                     nn.BatchNorm2d(16), nn.ReLU())
        self.mix = nn.Conv2d(16, 16, 1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stem(x)
        x = self.relu(x + self.pw(self.dw(x)))
        x = self.pool(x)
        x = self.grouped(x)
        # ShuffleNet channel shuffle over the two groups
        x = x.reshape(-1, 2, 8, 4, 4).transpose(1, 2).reshape(-1, 16, 4, 4)
        x = self.relu(self.mix(x))
        return self.fc(self.flat(self.gap(x)))


def train(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()


def evaluate(model, x, y):
    with torch.no_grad():
        out = model(x)
    correct = int((out.argmax(1) == y).sum())
    return out.numpy(), correct


def export(model, shape, name):
    path = os.path.join(HERE, name)
    torch.onnx.export(model, torch.zeros(shape), path, opset_version=13,
                      input_names=['input'], output_names=['logits'],
                      training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=True)


def main():
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, d.target, test_size=0.3,
                                          random_state=SEED, stratify=d.target)
    write_cimd(os.path.join(HERE, 'digits_test.bin'),
               xte.reshape(-1, 1, 8, 8), yte)
    write_cimd(os.path.join(HERE, 'digits_calib.bin'),
               xtr[:200].reshape(-1, 1, 8, 8))

    xtr_t, ytr_t = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte_t, yte_t = torch.from_numpy(xte), torch.from_numpy(yte)
    lines = []

    mlp = MLP()
    train(mlp, xtr_t, ytr_t, epochs=60, lr=1e-3)
    out, correct = evaluate(mlp, xte_t, yte_t)
    export(mlp, (1, 64), 'digits_mlp.onnx')
    write_cimd(os.path.join(HERE, 'digits_mlp_ref.bin'), out)
    lines.append('digits_mlp_float_acc %.2f %d %d' %
                 (100.0 * correct / len(yte), correct, len(yte)))

    cnn = CNN()
    train(cnn, xtr_t.reshape(-1, 1, 8, 8), ytr_t, epochs=40, lr=3e-3)
    out, correct = evaluate(cnn, xte_t.reshape(-1, 1, 8, 8), yte_t)
    export(cnn, (1, 1, 8, 8), 'digits_cnn.onnx')
    write_cimd(os.path.join(HERE, 'digits_cnn_ref.bin'), out)
    lines.append('digits_cnn_float_acc %.2f %d %d' %
                 (100.0 * correct / len(yte), correct, len(yte)))

    with open(os.path.join(HERE, 'digits_accuracy.txt'), 'w') as f:
        f.write('# name percent correct total (PyTorch, held-out set)\n')
        f.write('\n'.join(lines) + '\n')
    for line in lines:
        print(line)


if __name__ == '__main__':
    main()
