#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A pre-quantized (QDQ) model for the compiler's tests.

A small digits CNN with PyTorch fake quantization, exported to ONNX
(opset 13): QuantizeLinear/DequantizeLinear pairs on the input and on
each layer's output (per tensor; uint8 on the input and after ReLU,
int8 on the logits) and on the weights (per output channel, int8 codes;
the convolution's within -8..7: a 4-bit grid).  Writes, next to this
script:

  digits_qdq.onnx         the model (input "input", output "logits")
  digits_qdq_scales.txt   tensor scale zero_point, as in the file (the
                          zero point as the card's int8 sees it: uint8
                          codes less 128)

Run with /usr/bin/python3 tests/models/gen_qdq.py (seconds).  Random
weights, fixed seed; CI does not run it: its outputs are committed.
"""
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


class QNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 10)
        self.pool = nn.MaxPool2d(2)
        # weight scales: 7 levels a side (a 4-bit grid), 127 (8-bit)
        self.s_conv = self.w_scale(self.conv.weight, 7)
        self.s_fc = self.w_scale(self.fc.weight, 127)
        # activation parameters, as a QAT run would have learned them
        self.acts = {'input': (1 / 255.0, 0, 0, 255),
                     'conv': (0.0123, 0, 0, 255),
                     'logits': (0.0571, 3, -128, 127)}

    def fq(self, x, name):
        s, zp, lo, hi = self.acts[name]
        return torch.fake_quantize_per_tensor_affine(x, s, zp, lo, hi)

    @staticmethod
    def w_scale(w, levels):
        return w.detach().abs().reshape(w.shape[0], -1).max(1).values / levels

    @staticmethod
    def fq_w(w, s):
        zp = torch.zeros(w.shape[0], dtype=torch.int32)
        return torch.fake_quantize_per_channel_affine(w, s, zp, 0, -128, 127)

    def forward(self, x):
        x = self.fq(x, 'input')
        w = self.fq_w(self.conv.weight, self.s_conv)  # 4-bit grid
        x = torch.relu(nn.functional.conv2d(x, w, self.conv.bias, padding=1))
        x = self.pool(self.fq(x, 'conv'))
        x = torch.flatten(x, 1)
        w = self.fq_w(self.fc.weight, self.s_fc)
        return self.fq(nn.functional.linear(x, w, self.fc.bias), 'logits')


def main():
    torch.manual_seed(7)
    m = QNet().eval()
    path = os.path.join(HERE, 'digits_qdq.onnx')
    torch.onnx.export(m, torch.zeros(1, 1, 8, 8), path, opset_version=13,
                      input_names=['input'], output_names=['logits'],
                      do_constant_folding=False)
    with open(os.path.join(HERE, 'digits_qdq_scales.txt'), 'w') as f:
        f.write('# activation scale zero_point (int8) in digits_qdq.onnx\n')
        for name, (s, zp, lo, _) in m.acts.items():
            f.write('%s %.9g %d\n' % (name, s, zp - 128 if lo == 0 else zp))


if __name__ == '__main__':
    main()
