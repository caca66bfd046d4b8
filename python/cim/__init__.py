# SPDX-License-Identifier: MIT
"""Python access to CIM inference cards through libcim.

    import cim, numpy as np
    with cim.Device("sim") as dev:          # or None: the first card
        model = dev.load("model.cimx")      # programs the flash once
        probs = model.infer(x)              # float32 (N, C, H, W) in
        job = model.submit(x)               # asynchronous
        probs = job.wait()

Errors raise cim.CimError (an OSError: .errno, and libcim's reason in the
message).  Arrays are numpy float32 in the source model's layout (ONNX:
NCHW, batch first).
"""
import ctypes
import select

import numpy as np

from ._lib import (CardInfo, CatalogStats, CimError, Info, ResidentImage,
                   RunStats, TensorInfo, TileActivity, check, compiler,
                   lib)

__all__ = ["CimError", "Device", "Model", "Job", "list_cards", "version",
           "TIMEOUT_INFINITE"]

TIMEOUT_INFINITE = -1


def version():
    """libcim's version string."""
    return lib.cim_version().decode()


def list_cards():
    """The cards libcim finds: a list of dicts (devnode, index, parent)."""
    n = check(lib.cim_list(None, 0))
    arr = (CardInfo * max(n, 1))()
    n = min(check(lib.cim_list(arr, n)), n)
    return [{"devnode": c.devnode.decode(), "index": c.index,
             "parent": c.parent.decode(), "syspath": c.syspath.decode()}
            for c in arr[:n]]


def _stats(st):
    return {f: getattr(st, f) for f, _ in RunStats._fields_}


class Device:
    """An open card: a device node, "sim[:preset]", or None (the first).

    None honours the CIM_DEVICE environment variable as libcim does."""

    def __init__(self, path=None):
        self._h = ctypes.c_void_p()
        arg = path.encode() if path is not None else None
        check(lib.cim_open(arg, ctypes.byref(self._h)))
        self._models = []

    def close(self):
        """Release every model loaded through this device, then close."""
        for m in self._models:
            m.release()
        self._models = []
        if self._h:
            lib.cim_close(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def path(self):
        return lib.cim_dev_path(self._h).decode()

    def info(self):
        """The card's description (tiles, geometry, versions, free tiles)."""
        inf = Info()
        check(lib.cim_query(self._h, ctypes.byref(inf)), self._h)
        return {f: getattr(inf, f) for f, _ in Info._fields_}

    def set_timeout(self, seconds):
        """Timeout of loads and synchronous inference; None: forever."""
        ns = TIMEOUT_INFINITE if seconds is None else int(seconds * 1e9)
        check(lib.cim_set_timeout(self._h, ns), self._h)

    def load(self, model):
        """Load a .cimx (a path, or its bytes) and program its weights.

        The same weights loaded again, by any process, program nothing."""
        m = Model(self, model)
        self._models.append(m)
        return m

    def resident_images(self):
        """(images, stats): the images programmed on the card, LRU first."""
        st = CatalogStats()
        n = check(lib.cim_resident_images(self._h, None, 0, None), self._h)
        arr = (ResidentImage * max(n, 1))()
        n = min(check(lib.cim_resident_images(self._h, arr, n,
                                              ctypes.byref(st)), self._h), n)
        imgs = [{"sha256": bytes(r.sha256).hex(), "size": r.size,
                 "slot": r.slot, "tiles": r.tiles, "users": r.users,
                 "state": ("programming", "ready", "failed")[r.state]
                 if r.state < 3 else r.state,
                 "last_use_ns": r.last_use_ns} for r in arr[:n]]
        return imgs, {f: getattr(st, f) for f, _ in CatalogStats._fields_}

    def tiles(self):
        """Per-tile telemetry: a list of dicts, tile 0 first."""
        n = check(lib.cim_tiles_activity(self._h, None, 0), self._h)
        arr = (TileActivity * max(n, 1))()
        n = min(check(lib.cim_tiles_activity(self._h, arr, n), self._h), n)
        return [{f: getattr(t, f) for f, _ in TileActivity._fields_
                 if f != "reserved"} for t in arr[:n]]


def _tensor(m, fn):
    t = TensorInfo()
    fn(m, ctypes.byref(t))
    return {"name": (t.name or b"").decode(), "shape": (t.c, t.h, t.w),
            "scale": t.scale, "zero_point": t.zero_point}


class Model:
    """A compiled model (.cimx) programmed on a device."""

    def __init__(self, dev, src):
        self.dev = dev
        self._m = ctypes.c_void_p()
        self._img = ctypes.c_void_p()
        if isinstance(src, (bytes, bytearray, memoryview)):
            buf = bytes(src)
            check(lib.cim_model_load(buf, len(buf), ctypes.byref(self._m)))
        else:
            check(lib.cim_model_load_file(str(src).encode(),
                                          ctypes.byref(self._m)))
        self.input = _tensor(self._m, lib.cim_model_input)
        self.output = _tensor(self._m, lib.cim_model_output)
        try:
            check(lib.cim_model_program(dev._h, self._m,
                                        ctypes.byref(self._img)), dev._h)
        except CimError:
            lib.cim_model_free(self._m)
            self._m = ctypes.c_void_p()
            raise

    def release(self):
        """Drop the image (it stays resident until its tiles are needed)."""
        if self._img:
            lib.cim_image_free(self._img)
            self._img = ctypes.c_void_p()
        if self._m:
            lib.cim_model_free(self._m)
            self._m = ctypes.c_void_p()

    def _items(self, x):
        x = np.ascontiguousarray(x, dtype=np.float32)
        c, h, w = self.input["shape"]
        per = c * h * w
        if x.size % per or x.size == 0:
            raise ValueError("input of %d floats is not a whole number of "
                             "items of %d (C,H,W = %d,%d,%d)" %
                             (x.size, per, c, h, w))
        return x, x.size // per

    def _out_array(self, batch):
        c, h, w = self.output["shape"]
        return np.empty((batch, c * h * w), dtype=np.float32)

    def infer(self, x, stats=False):
        """Run a batch and return float32 outputs (batch, outputs).

        With stats=True, return (outputs, run statistics)."""
        x, batch = self._items(x)
        out = self._out_array(batch)
        st = RunStats()
        check(lib.cim_model_infer(self.dev._h, self._img, self._m,
                                  x.ctypes.data, out.ctypes.data, batch,
                                  ctypes.byref(st)), self.dev._h)
        return (out, _stats(st)) if stats else out

    def submit(self, x):
        """Start a batch on the card and return a Job at once."""
        x, batch = self._items(x)
        return Job(self, x, batch)

    def reference(self, x):
        """The CPU reference's outputs for the same batch: what an ideal
        card computes, bit for bit.  Needs libcim-compiler."""
        x, batch = self._items(x)
        c, h, w = self.input["shape"]
        oc, oh, ow = self.output["shape"]
        q = np.empty(batch * c * h * w, dtype=np.int8)
        r = np.empty(batch * oc * oh * ow, dtype=np.int8)
        size = ctypes.c_size_t()
        image = lib.cim_model_image(self._m, ctypes.byref(size))
        lib.cim_model_quantize(self._m, x.ctypes.data, q.ctypes.data, batch)
        check(compiler().cim_ref_run_image(image, size.value, q.ctypes.data,
                                           r.ctypes.data, batch))
        out = self._out_array(batch)
        lib.cim_model_dequantize(self._m, r.ctypes.data, out.ctypes.data,
                                 batch)
        return out


class _Bo:
    def __init__(self, dev, size):
        self._h = ctypes.c_void_p()
        check(lib.cim_bo_alloc(dev._h, size, ctypes.byref(self._h)), dev._h)
        ptr = ctypes.c_void_p()
        try:
            check(lib.cim_bo_map(self._h, ctypes.byref(ptr)), dev._h)
        except CimError:
            self.free()
            raise
        self.ptr = ptr.value

    def free(self):
        if self._h:
            lib.cim_bo_free(self._h)
            self._h = ctypes.c_void_p()


class Job:
    """A batch in flight; wait() returns its outputs."""

    def __init__(self, model, x, batch):
        self.model, self.batch = model, batch
        dev = model.dev._h
        c, h, w = model.input["shape"]
        oc, oh, ow = model.output["shape"]
        self._in = _Bo(model.dev, batch * c * h * w)
        self._out = None
        self._job = ctypes.c_void_p()
        try:
            self._out = _Bo(model.dev, batch * oc * oh * ow)
            lib.cim_model_quantize(model._m, x.ctypes.data, self._in.ptr,
                                   batch)
            check(lib.cim_submit(dev, model._img, self._in._h, 0,
                                 self._out._h, 0, batch, 0, None, 0,
                                 ctypes.byref(self._job)), dev)
        except CimError:
            self._free()
            raise
        self._result = None

    def fileno(self):
        """A fd that poll()/select() sees readable once the job ends."""
        if not hasattr(self, "_fd"):
            self._fd = check(lib.cim_job_fence_fd(self._job))
        return self._fd

    def done(self):
        """True once the job has ended (never blocks)."""
        return bool(select.select([self.fileno()], [], [], 0)[0])

    def wait(self, timeout=None, stats=False):
        """Wait (seconds, None: forever) and return the float outputs."""
        if self._result is None:
            ns = TIMEOUT_INFINITE if timeout is None else int(timeout * 1e9)
            check(lib.cim_job_wait(self._job, ns), self.model.dev._h)
            st = RunStats()
            check(lib.cim_job_stats(self._job, ctypes.byref(st)))
            out = self.model._out_array(self.batch)
            lib.cim_model_dequantize(self.model._m, self._out.ptr,
                                     out.ctypes.data, self.batch)
            self._result = (out, _stats(st))
            self._free()
        return self._result if stats else self._result[0]

    def _free(self):
        if getattr(self, "_fd", None) is not None:
            import os
            os.close(self._fd)
            self._fd = None
        if self._job:
            lib.cim_job_free(self._job)
            self._job = ctypes.c_void_p()
        for bo in (self._in, self._out):
            if bo is not None:
                bo.free()

    def __del__(self):
        try:
            self._free()
        except Exception:
            pass
