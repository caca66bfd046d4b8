# SPDX-License-Identifier: MIT
"""Hardware-aware training for the CIM card (docs/hwa-training.md).

A network trained in float loses accuracy on the card twice: once to the
4-bit weight grid, once to the analog arrays (the cells' residual
programming error, read noise, ADC steps: docs/analog-model.md).  This
module puts both into the training loop of a PyTorch model, so that the
optimizer finds weights that tolerate them:

    import cim_hwa
    cim_hwa.fold_bn(model)                  # the compiler folds BN too
    cim_hwa.convert(model, cim_hwa.Card())  # Conv2d/Linear -> Hwa*
    ... fine-tune as usual (model.train()) ...
    cim_hwa.freeze(model)                   # weights onto their 4-bit grid
    torch.onnx.export(model, ...)           # float ONNX, on-grid weights

In training mode every Conv2d / Linear of the model

  * fake-quantizes its weights to 4 bits per output channel, asymmetric,
    min/max of the channel (with 0), as `cim-compile --weights int4`
    lays them into one cell each (straight-through gradient);
  * adds the cells' residual programming error: uniform within the
    verify tolerance, +-prog_tol levels, drawn afresh at every step;
  * adds read noise to each output: an MVM drives the input bit-serially
    and each column conversion carries sigma = read_noise * sqrt(active
    rows) levels, which over the 8 weighted planes sums to
    read_noise * s_w * ||x||_2 in the output's float units (s_w: the
    channel's weight scale, x: the inputs the output sees);
  * adds the ADC's rounding: a window of +-adc_sigma column sigmas over
    2^adc_bits codes, modeled as uniform noise of that step, relative to
    the channel's spread over the batch;
  * leaves out what CALIBRATE removes (column gain, reference offset,
    common drift).

In eval mode the layers compute with the fake-quantized weights and no
noise: what the ideal card computes.  freeze() writes the grid weights
into the float parameters, so a plain torch.onnx.export() gives a float
model whose weights lie exactly on a 4-bit grid per channel; the
compiler detects such a grid and keeps it (`cim-compile --report`:
`grid`).

Needs PyTorch only (Debian python3-torch; run with /usr/bin/python3).
"""
import dataclasses

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclasses.dataclass
class Card:
    """The card's analog parameters (cim_fw_analog_defaults()), in levels.

    noise_scale multiplies every injected error: training a little above
    the card's own noise (1.5-2) leaves a margin.
    """
    wbits: int = 4
    prog_tol: float = 26 / 256        # prog_tol_q8: +-0.10 level
    read_noise: float = 5 / 256       # read_noise_q8: per sqrt(active row)
    adc_bits: int = 8
    adc_sigma: float = 48 / 16        # adc_cal_sigma_q4: +-3 sigma window
    noise_scale: float = 1.0


def w4_grid(w):
    """Per output channel 4-bit grid of w: (scale, zero point), as the
    compiler's min/max: s = (max - min) / 15 over [min(w, 0), max(w, 0)],
    z = round(-min / s)."""
    flat = w.detach().reshape(w.shape[0], -1)
    lo = flat.min(1).values.clamp(max=0)
    hi = flat.max(1).values.clamp(min=0)
    s = ((hi - lo) / 15).clamp(min=1e-8)
    z = torch.round(-lo / s).clamp(0, 15)
    shape = (-1,) + (1,) * (w.dim() - 1)
    return s.reshape(shape), z.reshape(shape)


def fake_quant(w):
    """w on its 4-bit grid, straight-through gradient; and the scale."""
    s, z = w4_grid(w)
    q = torch.clamp(torch.round(w / s) + z, 0, 15)
    wq = (q - z) * s
    return w + (wq - w).detach(), s


class _Hwa:
    """What HwaConv2d and HwaLinear share."""
    card: Card

    def _weight(self):
        wq, s = fake_quant(self.weight)
        if self.training and self.card.prog_tol:
            tol = self.card.prog_tol * self.card.noise_scale
            wq = wq + (torch.rand_like(wq) * 2 - 1) * tol * s
        return wq, s

    def _noise(self, y, x_norm, s):
        """y plus read noise and ADC steps (training only)."""
        c = self.card
        if not self.training or not c.noise_scale:
            return y
        shape = (1, -1) + (1,) * (y.dim() - 2)
        sw = s.reshape(shape)
        sig = c.read_noise * sw * x_norm
        step = 2 * c.adc_sigma / (1 << c.adc_bits)
        dims = [d for d in range(y.dim()) if d != 1]
        spread = y.detach().std(dim=dims, keepdim=True)
        noise = torch.randn_like(y) * sig + \
            (torch.rand_like(y) - 0.5) * step * spread
        return y + noise * c.noise_scale


class HwaConv2d(nn.Conv2d, _Hwa):
    def forward(self, x):
        wq, s = self._weight()
        y = self._conv_forward(x, wq, self.bias)
        if not self.training:
            return y
        ones = torch.ones_like(self.weight[:1]).expand_as(self.weight)
        x2 = self._conv_forward(x * x, ones, None)
        return self._noise(y, x2.clamp(min=0).sqrt(), s)


class HwaLinear(nn.Linear, _Hwa):
    def forward(self, x):
        wq, s = self._weight()
        y = F.linear(x, wq, self.bias)
        if not self.training:
            return y
        x_norm = (x * x).sum(-1, keepdim=True).sqrt()
        return self._noise(y, x_norm, s.reshape(1, -1))


def _fold(conv, bn):
    """Conv2d + BatchNorm2d (eval statistics) as one Conv2d."""
    std = torch.sqrt(bn.running_var + bn.eps)
    g = bn.weight / std
    fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                      conv.stride, conv.padding, conv.dilation, conv.groups,
                      bias=True, padding_mode=conv.padding_mode)
    with torch.no_grad():
        fused.weight.copy_(conv.weight * g.reshape(-1, 1, 1, 1))
        b = conv.bias if conv.bias is not None else torch.zeros_like(g)
        fused.bias.copy_(bn.bias + (b - bn.running_mean) * g)
    return fused


def fold_bn(model):
    """Fold every Conv2d directly followed by a BatchNorm2d inside an
    nn.Sequential into one Conv2d (the BatchNorm becomes Identity): the
    weights trained on the grid are then the ones the compiler maps."""
    for mod in model.modules():
        if not isinstance(mod, nn.Sequential):
            continue
        for i in range(len(mod) - 1):
            if isinstance(mod[i], nn.Conv2d) and \
                    isinstance(mod[i + 1], nn.BatchNorm2d):
                mod[i] = _fold(mod[i], mod[i + 1])
                mod[i + 1] = nn.Identity()
    return model


def _swap(mod, card):
    if isinstance(mod, nn.Conv2d) and not isinstance(mod, HwaConv2d):
        new = HwaConv2d(mod.in_channels, mod.out_channels, mod.kernel_size,
                        mod.stride, mod.padding, mod.dilation, mod.groups,
                        bias=mod.bias is not None,
                        padding_mode=mod.padding_mode)
    elif isinstance(mod, nn.Linear) and not isinstance(mod, HwaLinear):
        new = HwaLinear(mod.in_features, mod.out_features,
                        bias=mod.bias is not None)
    else:
        return None
    new.load_state_dict(mod.state_dict())
    new.card = card
    new.train(mod.training)
    return new


def convert(model, card=None):
    """Replace every Conv2d / Linear of model by its hardware-aware twin
    (same parameters), in place; returns model."""
    card = card or Card()
    for name, child in list(model.named_children()):
        new = _swap(child, card)
        if new is not None:
            setattr(model, name, new)
        else:
            convert(child, card)
    return model


def freeze(model):
    """Write each Hwa layer's grid weights into its float weight and turn
    it back into a plain Conv2d / Linear (for export); returns model."""
    for name, child in list(model.named_children()):
        if isinstance(child, (HwaConv2d, HwaLinear)):
            with torch.no_grad():
                wq, _ = fake_quant(child.weight)
            if isinstance(child, HwaConv2d):
                new = nn.Conv2d(child.in_channels, child.out_channels,
                                child.kernel_size, child.stride,
                                child.padding, child.dilation, child.groups,
                                bias=child.bias is not None,
                                padding_mode=child.padding_mode)
            else:
                new = nn.Linear(child.in_features, child.out_features,
                                bias=child.bias is not None)
            new.load_state_dict(child.state_dict())
            with torch.no_grad():
                new.weight.copy_(wq)
            new.train(child.training)
            setattr(model, name, new)
        else:
            freeze(child)
    return model


def on_grid(w, tol=1e-4):
    """True if every output channel of w lies on its 4-bit grid."""
    s, z = w4_grid(w)
    u = w / s + z
    return bool(((u - torch.round(u)).abs() <= tol).all() and
                (torch.round(u) >= 0).all() and (torch.round(u) <= 15).all())


class _ActFq:
    """Per-tensor activation observer, then fake quantizer, on the
    outputs of one module (every call in forward order: a module used
    twice has two tensors, two ranges)."""

    def __init__(self, mod, signed):
        self.signed = signed
        self.ranges = []        # per call: [lo, hi]
        self.params = None      # per call: (scale, zero point, lo, hi)
        self.call = 0
        self.handle = mod.register_forward_hook(self)

    def __call__(self, mod, args, out):
        i = self.call
        self.call += 1
        if self.params is None:
            lo, hi = float(out.min()), float(out.max())
            if i == len(self.ranges):
                self.ranges.append([lo, hi])
            else:
                r = self.ranges[i]
                r[0], r[1] = min(r[0], lo), max(r[1], hi)
            return out
        s, z, qlo, qhi = self.params[i]
        return torch.fake_quantize_per_tensor_affine(out, s, z, qlo, qhi)

    def freeze(self):
        self.params = []
        for lo, hi in self.ranges:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            if self.signed and lo < 0:
                qlo, qhi = -128, 127
            else:
                qlo, qhi = 0, 255
            s = max((hi - lo) / 255.0, 1e-8)
            z = int(round(qlo - lo / s))
            self.params.append((s, max(qlo, min(qhi, z)), qlo, qhi))


class _QdqWeights(nn.Module):
    """A frozen Conv2d / Linear whose weight goes through per-channel
    fake quantization on its 4-bit grid: uint8 codes 0..15 and the grid's
    zero point, which ONNX export writes as QuantizeLinear /
    DequantizeLinear (axis 0) around the float weight."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer
        s, z = w4_grid(layer.weight)
        self.s = s.reshape(-1).detach().float()
        self.z = z.reshape(-1).detach().to(torch.int32)

    def forward(self, x):
        w = torch.fake_quantize_per_channel_affine(
            self.layer.weight, self.s, self.z, 0, 0, 255)
        if isinstance(self.layer, nn.Conv2d):
            return self.layer._conv_forward(x, w, self.layer.bias)
        return F.linear(x, w, self.layer.bias)


def _wrap_weights(model):
    for name, child in list(model.named_children()):
        if isinstance(child, (nn.Conv2d, nn.Linear)):
            setattr(model, name, _QdqWeights(child))
        else:
            _wrap_weights(child)


def export_qdq(model, x_calib, path, input_name='input',
               output_name='logits'):
    """Export a frozen model (freeze()) as QDQ ONNX (opset 13), the way
    PyTorch's fake-quant export writes it: QuantizeLinear /
    DequantizeLinear on every weight (per output channel, the 4-bit grid
    as uint8 codes 0..15 with its zero point: kept exactly) and, per
    tensor, on the input, on every ReLU / ReLU6 output and on the
    outputs of the last layer, with ranges observed on x_calib (min/max,
    as a QAT observer keeps them).  The model is changed: export a copy.
    """
    model.eval()
    mods = [m for m in model.modules()
            if isinstance(m, (nn.ReLU, nn.ReLU6))]
    last = [m for m in model.modules()
            if isinstance(m, (nn.Conv2d, nn.Linear))][-1]
    fqs = [_ActFq(m, False) for m in mods] + [_ActFq(last, True)]
    in_lo, in_hi = float(x_calib.min()), float(x_calib.max())
    with torch.no_grad():
        for fq in fqs:
            fq.call = 0
        model(x_calib)
    for fq in fqs:
        fq.freeze()
    lo, hi = min(in_lo, 0.0), max(in_hi, 0.0)
    s_in = max((hi - lo) / 255.0, 1e-8)
    z_in = int(round(-lo / s_in))
    _wrap_weights(model)
    # the wrapper computes the last layer now: its output hook moves there
    out_fq = fqs[-1]
    out_fq.handle.remove()
    for m in model.modules():
        if isinstance(m, _QdqWeights) and m.layer is last:
            out_fq.handle = m.register_forward_hook(out_fq)

    class _In(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            for fq in fqs:
                fq.call = 0
            x = torch.fake_quantize_per_tensor_affine(x, s_in, z_in, 0, 255)
            return self.inner(x)

    wrapped = _In(model).eval()
    torch.onnx.export(wrapped, x_calib[:1], path, opset_version=13,
                      input_names=[input_name], output_names=[output_name],
                      do_constant_folding=False)
    return {'input': (s_in, z_in)}
