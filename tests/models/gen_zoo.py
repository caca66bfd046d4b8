#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export torchvision 0.14's classifiers to ONNX as a new user would.

For each architecture: random weights (torch.manual_seed(0), torchvision's
initialization), batch-norm running statistics estimated on the
calibration images (torchvision's initial unit statistics make the
activations of most of these networks vanish or explode with depth:
efficientnet_b0's logits come out near 1e-14 and googlenet's do not
depend on the input), then eval mode,
  torch.onnx.export(m, x, f, opset_version=13,
                    input_names=["input"], output_names=["logits"],
                    dynamic_axes={"input": {0: "n"}})
at 1x3x224x224.  Writes into OUT (default build/zoo):

  <arch>.onnx        the model
  <arch>_ref.bin     PyTorch's float output on the first REF samples (CIMD)
  calib.bin          64 calibration samples, 3x224x224 (CIMD, no labels)
  calib_small.bin    the first 4 of them (the cheaper `make check` variant)

The samples are smooth random images (a low-resolution normal field
upsampled bilinearly, then normalized like ImageNet inputs): no dataset
is downloaded.  Usage: /usr/bin/python3 tests/models/gen_zoo.py [OUT] [ARCH...]
Models are too large to commit: CI generates them (python3-torch and
python3-torchvision come from tools/install-deps.sh).
"""
import os
import struct
import sys

import numpy as np
import torch
import torchvision

ARCHS = ["resnet18", "resnet50", "regnet_x_400mf", "squeezenet1_1",
         "googlenet", "densenet121", "mobilenet_v3_small", "mnasnet1_0",
         "efficientnet_b0", "shufflenet_v2_x1_0", "mobilenet_v2", "alexnet"]
N_CALIB = 64
N_SMALL = 4
REF = 4
SEED = 0


def write_cimd(path, x, labels=None):
    """CIMD: 64-byte header, float32 samples, then optional int32 labels."""
    x = np.ascontiguousarray(x, dtype='<f4')
    n = x.shape[0]
    dims = list(x.shape[1:]) + [1] * (4 - (x.ndim - 1))
    flags = 1 if labels is not None else 0
    hdr = struct.pack('<4sIII4II', b'CIMD', 1, n, x.ndim - 1, *dims, flags)
    hdr += b'\0' * (64 - len(hdr))
    with open(path + ".tmp", 'wb') as f:
        f.write(hdr)
        f.write(x.tobytes())
        if labels is not None:
            f.write(np.asarray(labels, dtype='<i4').tobytes())
    os.replace(path + ".tmp", path)


def samples():
    g = torch.Generator().manual_seed(SEED)
    low = torch.rand(N_CALIB, 3, 14, 14, generator=g)
    x = torch.nn.functional.interpolate(low, size=(224, 224), mode="bilinear",
                                        align_corners=False)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous()


def build(arch):
    torch.manual_seed(SEED)
    kw = {"weights": None}
    if arch == "googlenet":
        kw["aux_logits"] = False
        kw["init_weights"] = True
    return getattr(torchvision.models, arch)(**kw).eval()


def bn_stats(m, x):
    """Running mean/var of every batch norm from the samples, weights kept."""
    bns = [b for b in m.modules() if isinstance(b, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for b in bns:
        b.reset_running_stats()
        b.momentum = None      # cumulative average over the batches
    m.train()
    with torch.no_grad():
        for i in range(0, x.shape[0], 16):
            m(x[i:i + 16])
    m.eval()


def export(arch, out, x):
    m = build(arch)
    bn_stats(m, x)
    path = os.path.join(out, arch + ".onnx")
    with torch.no_grad():
        torch.onnx.export(m, x[:1], path + ".tmp", opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "n"}})
        os.replace(path + ".tmp", path)
        ref = m(x[:REF]).numpy()
    write_cimd(os.path.join(out, arch + "_ref.bin"), ref)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/zoo"
    archs = sys.argv[2:] or ARCHS
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    x = samples()
    write_cimd(os.path.join(out, "calib.bin"), x.numpy())
    write_cimd(os.path.join(out, "calib_small.bin"), x[:N_SMALL].numpy())
    for arch in archs:
        if arch not in ARCHS:
            sys.exit("unknown architecture " + arch)
        export(arch, out, x)
        print("exported", arch)


if __name__ == "__main__":
    main()
