#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hardware-aware retraining of the digits CNN (docs/hwa-training.md).

Trains the digits CNN of gen_digits.py exactly as it does (same split,
seed and schedule), then folds its batch norms and fine-tunes it with
tools/cim_hwa.py: 4-bit weights per channel, the card's programming
error, read noise and ADC steps in every training step.  Writes, next to
this script:

  digits_cnn_hwa.onnx            the retrained model, float ONNX (opset 13)
                                 whose weights lie on a 4-bit grid per
                                 output channel
  digits_cnn_hwa_qdq.onnx        the same model as QDQ ONNX, the way
                                 PyTorch's fake-quant export writes it
                                 (cim_hwa.export_qdq(): the weights' grid
                                 per channel, activation ranges observed
                                 on the training set)
  digits_hwa_accuracy.txt        its accuracy (PyTorch, held-out set, no
                                 noise) and the float model's

Run with Debian's interpreter: /usr/bin/python3 tests/models/gen_digits_hwa.py
(about a minute on one core).  CI does not run it; its outputs are committed.
"""
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tools'))

import cim_hwa  # noqa: E402
import gen_digits as gd  # noqa: E402

HWA_EPOCHS = 30
HWA_LR = 1e-3
NOISE_SCALE = 1.5


def main():
    torch.manual_seed(gd.SEED)
    np.random.seed(gd.SEED)
    torch.set_num_threads(1)
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, d.target, test_size=0.3,
                                          random_state=gd.SEED,
                                          stratify=d.target)
    xtr_t = torch.from_numpy(xtr).reshape(-1, 1, 8, 8)
    xte_t = torch.from_numpy(xte).reshape(-1, 1, 8, 8)
    ytr_t, yte_t = torch.from_numpy(ytr), torch.from_numpy(yte)

    # the float model, as gen_digits.py trains it (its MLP first: the
    # same random stream)
    mlp = gd.MLP()
    gd.train(mlp, torch.from_numpy(xtr), ytr_t, epochs=60, lr=1e-3)
    cnn = gd.CNN()
    gd.train(cnn, xtr_t, ytr_t, epochs=40, lr=3e-3)
    _, fcorrect = gd.evaluate(cnn, xte_t, yte_t)

    cim_hwa.fold_bn(cnn)
    cim_hwa.convert(cnn, cim_hwa.Card(noise_scale=NOISE_SCALE))
    _, qcorrect = gd.evaluate(cnn, xte_t, yte_t)
    gd.train(cnn, xtr_t, ytr_t, epochs=HWA_EPOCHS, lr=HWA_LR)
    cim_hwa.freeze(cnn)
    for mod in cnn.modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
            assert cim_hwa.on_grid(mod.weight), mod
    _, correct = gd.evaluate(cnn, xte_t, yte_t)
    gd.export(cnn, (1, 1, 8, 8), 'digits_cnn_hwa.onnx')
    cim_hwa.export_qdq(cnn, xtr_t, os.path.join(HERE,
                                                 'digits_cnn_hwa_qdq.onnx'))
    # the QDQ model is the same network: its fake-quantized run in
    # PyTorch is what the card's ideal int4 arithmetic approximates

    n = len(yte)
    lines = ['digits_cnn_float_acc %.2f %d %d' % (100.0 * fcorrect / n,
                                                   fcorrect, n),
             'digits_cnn_w4_before_hwa_acc %.2f %d %d' %
             (100.0 * qcorrect / n, qcorrect, n),
             'digits_cnn_hwa_float_acc %.2f %d %d' % (100.0 * correct / n,
                                                      correct, n)]
    with open(os.path.join(HERE, 'digits_hwa_accuracy.txt'), 'w') as f:
        f.write('# name percent correct total (PyTorch, held-out set; '
                'hwa: 4-bit grid weights, no noise)\n')
        f.write('\n'.join(lines) + '\n')
    for line in lines:
        print(line)


if __name__ == '__main__':
    main()
