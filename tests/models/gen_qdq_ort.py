#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A QDQ model laid out as ONNX Runtime's static quantizer writes it.

onnxruntime is not packaged by Debian, so this builds, with python3-onnx's
helper, the graph that onnxruntime.quantization.quantize_static() writes
with quant_format=QuantFormat.QDQ, per_channel=True and its default types
(activations QUInt8, weights QInt8), following ORT's documented QDQ
layout (onnxruntime.ai, "Quantize ONNX models", QDQ format):

  - weights: an int8 initializer "<w>_quantized" with "<w>_scale" (float,
    one per output channel) and "<w>_zero_point" (int8 zeros), read
    through a DequantizeLinear with axis 0; no QuantizeLinear;
  - biases: an int32 initializer "<b>_quantized", scale input scale times
    each channel's weight scale, zero point 0, DequantizeLinear axis 0;
  - activations: QuantizeLinear -> DequantizeLinear pairs
    ("<t>_QuantizeLinear_Output", "<t>_DequantizeLinear_Output") on the
    graph input and on each quantized node's output, uint8, per tensor;
  - Conv + Relu: the Relu kept, the pair after it (ORT quantizes the
    Relu's output and removes the pair between Conv and Relu).

The network is the digits CNN shape of gen_qdq.py (conv 1->8 3x3, relu,
maxpool, fc 128->10), random weights, fixed seed.  Writes, next to this
script:

  digits_qdq_ort.onnx         the model (input "input", output "logits")
  digits_qdq_ort_scales.txt   activation scale zero_point (int8, as the
                              card sees uint8 codes: less 128), and per
                              weight tensor its scales

Run with /usr/bin/python3 tests/models/gen_qdq_ort.py (a second).  CI
does not run it: its outputs are committed.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def qparams_u8(lo, hi):
    """ORT's asymmetric uint8 parameters of a range (including 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    s = (hi - lo) / 255.0
    zp = int(round(-lo / s))
    return np.float32(s), np.uint8(zp)


def main():
    rng = np.random.default_rng(11)
    w1 = rng.normal(0, 0.4, (8, 1, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.1, 8).astype(np.float32)
    w2 = rng.normal(0, 0.1, (10, 128)).astype(np.float32)
    b2 = rng.normal(0, 0.1, 10).astype(np.float32)

    # activation ranges, as the calibrator would have found them
    acts = {'input': qparams_u8(0.0, 1.0),
            'relu': qparams_u8(0.0, 2.37),
            'logits': qparams_u8(-4.1, 3.3)}
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(arr, name))

    def qdq(t):
        s, zp = acts[t]
        const(t + '_scale', np.array(s, np.float32))
        const(t + '_zero_point', np.array(zp, np.uint8))
        nodes.append(helper.make_node(
            'QuantizeLinear', [t, t + '_scale', t + '_zero_point'],
            [t + '_QuantizeLinear_Output'], name=t + '_QuantizeLinear'))
        nodes.append(helper.make_node(
            'DequantizeLinear',
            [t + '_QuantizeLinear_Output', t + '_scale', t + '_zero_point'],
            [t + '_DequantizeLinear_Output'], name=t + '_DequantizeLinear'))
        return t + '_DequantizeLinear_Output'

    def weight(name, w, s_in):
        flat = w.reshape(w.shape[0], -1)
        s = (np.abs(flat).max(1) / 127.0).astype(np.float32)
        q = np.clip(np.round(flat / s[:, None]), -127, 127).astype(np.int8)
        const(name + '_quantized', q.reshape(w.shape))
        const(name + '_scale', s)
        const(name + '_zero_point', np.zeros(w.shape[0], np.int8))
        nodes.append(helper.make_node(
            'DequantizeLinear',
            [name + '_quantized', name + '_scale', name + '_zero_point'],
            [name + '_DequantizeLinear_Output'], axis=0,
            name=name + '_DequantizeLinear'))
        return name + '_DequantizeLinear_Output', s

    def bias(name, b, s_b):
        q = np.round(b / s_b).astype(np.int32)
        const(name + '_quantized', q)
        const(name + '_quantized_scale', s_b.astype(np.float32))
        const(name + '_quantized_zero_point', np.zeros(len(b), np.int32))
        nodes.append(helper.make_node(
            'DequantizeLinear',
            [name + '_quantized', name + '_quantized_scale',
             name + '_quantized_zero_point'],
            [name + '_quantized_DequantizeLinear_Output'], axis=0,
            name=name + '_quantized_DequantizeLinear'))
        return name + '_quantized_DequantizeLinear_Output'

    x = qdq('input')
    wq, s1 = weight('conv.weight', w1, acts['input'][0])
    bq = bias('conv.bias', b1, acts['input'][0] * s1)
    nodes.append(helper.make_node('Conv', [x, wq, bq], ['conv_out'],
                                  pads=[1, 1, 1, 1], kernel_shape=[3, 3],
                                  name='/conv/Conv'))
    nodes.append(helper.make_node('Relu', ['conv_out'], ['relu'],
                                  name='/Relu'))
    x = qdq('relu')
    nodes.append(helper.make_node('MaxPool', [x], ['pool'],
                                  kernel_shape=[2, 2], strides=[2, 2],
                                  name='/pool/MaxPool'))
    # ORT passes MaxPool through on the input's parameters
    acts['pool'] = acts['relu']
    x = qdq('pool')
    const('flat_shape', np.array([1, 128], np.int64))
    nodes.append(helper.make_node('Reshape', [x, 'flat_shape'], ['flat'],
                                  name='/Reshape'))
    acts['flat'] = acts['relu']
    x = qdq('flat')
    wq, s2 = weight('fc.weight', w2, acts['relu'][0])
    bq = bias('fc.bias', b2, acts['relu'][0] * s2)
    const('fc_w_t_perm', np.array([1, 0], np.int64))
    nodes.append(helper.make_node('Gemm', [x, wq, bq], ['logits'],
                                  transB=1, name='/fc/Gemm'))
    x = qdq('logits')
    nodes.append(helper.make_node('Identity', [x], ['logits_out'],
                                  name='output'))
    inits = [i for i in inits if i.name != 'fc_w_t_perm']

    g = helper.make_graph(
        nodes, 'digits_qdq_ort',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT,
                                       [1, 1, 8, 8])],
        [helper.make_tensor_value_info('logits_out', TensorProto.FLOAT,
                                       [1, 10])],
        inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)],
                          producer_name='onnx.quantize',
                          producer_version='0.1.0')
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, 'digits_qdq_ort.onnx'))
    with open(os.path.join(HERE, 'digits_qdq_ort_scales.txt'), 'w') as f:
        f.write('# activation scale zero_point (int8) in digits_qdq_ort.onnx\n')
        for name in ('input', 'relu', 'logits'):
            s, zp = acts[name]
            f.write('%s %.9g %d\n' % (name, s, int(zp) - 128))
        f.write('# weight tensor, its per-channel scales\n')
        for name, s in (('conv.weight', s1), ('fc.weight', s2)):
            f.write('%s %s\n' % (name, ' '.join('%.9g' % v for v in s)))


if __name__ == '__main__':
    main()
