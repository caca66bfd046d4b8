#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tests of tools/cim_hwa.py (hardware-aware training): the 4-bit grid is
the compiler's, training mode injects the card's errors at their
documented size, eval mode is the ideal card, freeze() leaves plain
layers on the grid, BN folding keeps the function.  A few seconds."""
import os
import sys
import tempfile

import onnx
import torch
from onnx import numpy_helper
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools'))
import cim_hwa  # noqa: E402


def check(cond, what):
    if not cond:
        print('test_cim_hwa: FAIL:', what)
        sys.exit(1)


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)
    # grid: 16 levels per channel, min/max over [min(w,0), max(w,0)]
    w = torch.randn(8, 50)
    wq, s = cim_hwa.fake_quant(w)
    check(cim_hwa.on_grid(wq), 'fake_quant is on its grid')
    check(not cim_hwa.on_grid(w), 'random weights are not')
    for r in range(8):
        check(len(torch.unique(wq[r])) <= 16, 'at most 16 levels')
    check(((wq - w).abs() <= s / 2 + 1e-6).all(), 'round to nearest')
    # straight-through gradient
    w.requires_grad_(True)
    cim_hwa.fake_quant(w)[0].sum().backward()
    check(torch.equal(w.grad, torch.ones_like(w)), 'straight-through')

    # BN folding keeps the function
    m = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False),
                      nn.BatchNorm2d(4), nn.ReLU())
    m.train()
    for _ in range(5):
        m(torch.randn(16, 3, 8, 8))
    m.eval()
    x = torch.randn(4, 3, 8, 8)
    y0 = m(x)
    cim_hwa.fold_bn(m)
    check(isinstance(m[1], nn.Identity), 'BN folded away')
    check(torch.allclose(m(x), y0, atol=1e-5), 'folding keeps outputs')

    # the card's errors: eval is exact (grid only), train is noisy
    lin = nn.Linear(256, 64)
    net = nn.Sequential(lin)
    cim_hwa.convert(net, cim_hwa.Card())
    check(isinstance(net[0], cim_hwa.HwaLinear), 'Linear converted')
    x = torch.rand(512, 256)
    net.eval()
    ye = net(x)
    wq, s = cim_hwa.fake_quant(net[0].weight)
    check(torch.allclose(ye, x @ wq.t() + net[0].bias, atol=1e-5),
          'eval: the grid weights, no noise')
    check(torch.equal(net(x), ye), 'eval: deterministic')
    net.train()
    err = net(x) - ye
    # programming error (uniform +-0.1 level) and read noise
    # (0.02 level * ||x||) dominate; ADC steps are smaller
    card = cim_hwa.Card()
    xn = (x * x).sum(1, keepdim=True)
    sw = s.reshape(1, -1)
    var = (card.prog_tol ** 2 / 3) * sw ** 2 * xn + \
        (card.read_noise * sw) ** 2 * xn
    ratio = float((err ** 2).mean() / var.mean())
    check(0.8 < ratio < 1.5, 'train: error variance as documented (%.3f)'
          % ratio)
    check(float((err ** 2).mean()) > 0, 'train: noisy')

    # conv: the same, and freeze gives plain layers on the grid
    conv = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, groups=2))
    cim_hwa.convert(conv)
    conv.train()
    conv(torch.randn(2, 4, 8, 8)).sum().backward()
    check(conv[0].weight.grad is not None, 'conv: gradients flow')
    conv.eval()
    x = torch.randn(2, 4, 8, 8)
    y = conv(x)
    cim_hwa.freeze(conv)
    check(type(conv[0]) is nn.Conv2d, 'freeze: a plain Conv2d again')
    check(cim_hwa.on_grid(conv[0].weight), 'freeze: weights on the grid')
    check(torch.allclose(conv(x), y, atol=1e-5), 'freeze keeps outputs')

    # QDQ export: per-channel weights on the grid as uint8 codes 0..15
    # with the grid's zero point (decoding to exactly the frozen
    # weights), per-tensor pairs on the input, the ReLU and the output
    qnet = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    cim_hwa.convert(qnet)
    cim_hwa.freeze(qnet)
    w_conv = qnet[0].weight.detach().clone()
    xc = torch.rand(32, 2, 6, 6)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'q.onnx')
        cim_hwa.export_qdq(qnet, xc, path)
        m = onnx.load(path)
    ops = [n.op_type for n in m.graph.node]
    check(ops.count('QuantizeLinear') == 5 and
          ops.count('DequantizeLinear') == 5,
          'qdq: 2 weights + input, relu, output (%s)' % ops)
    check(m.graph.node[-1].op_type == 'DequantizeLinear' and
          m.graph.node[-1].output[0] == 'logits', 'qdq: output pair last')
    consts = {}
    for n in m.graph.node:
        if n.op_type == 'Constant':
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type != 'QuantizeLinear' or n.input[0] not in inits:
            continue
        w = inits[n.input[0]]
        if w.shape != tuple(w_conv.shape):
            continue
        sc = consts[n.input[1]].reshape(-1, 1, 1, 1)
        cast = [c for c in m.graph.node if c.output[0] == n.input[2]][0]
        zp = consts[cast.input[0]].reshape(-1, 1, 1, 1)
        q = (w / sc + zp).round()
        check(((q >= 0) & (q <= 15)).all(), 'qdq: codes 0..15')
        check(abs((q - zp) * sc - w_conv.numpy()).max() < 1e-6,
              'qdq: the codes decode to the frozen weights')
        break
    else:
        check(False, 'qdq: no conv weight QuantizeLinear')
    print('test_cim_hwa: ok (train error variance ratio %.3f)' % ratio)


if __name__ == '__main__':
    main()
