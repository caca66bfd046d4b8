# SPDX-License-Identifier: MIT
"""Tests of the cim Python package on the userspace card.

Run with Debian's python3 and numpy:
    CIM_LIBRARY=build/libcim/libcim.so.1 \
    CIM_COMPILER_LIBRARY=build/libcim/libcim-compiler.so.1 \
    PYTHONPATH=python /usr/bin/python3 -m unittest tests/python/test_cim.py
with CIM_TEST_MODEL (a .cimx compiled for the small preset) and
CIM_TEST_DATA (CIMD samples of its input) set.
"""
import errno
import os
import select
import struct
import unittest

import numpy as np

import cim

MODEL = os.environ["CIM_TEST_MODEL"]
DATA = os.environ["CIM_TEST_DATA"]
DEV = os.environ.get("CIM_TEST_DEVICE", "sim:small")


def read_cimd(path, limit=None):
    """Samples and labels of a CIMD file (docs/compiler.md)."""
    with open(path, "rb") as f:
        head = f.read(64)
        magic, _ver, n, rank, *dims = struct.unpack("<4s7I", head[:32])
        assert magic == b"CIMD", magic
        flags = struct.unpack("<I", head[32:36])[0]
        per = int(np.prod(dims[:rank]))
        x = np.frombuffer(f.read(4 * n * per), dtype="<f4").reshape(n, per)
        y = (np.frombuffer(f.read(4 * n), dtype="<i4") if flags & 1
             else None)
    if limit:
        x = x[:limit]
        y = y[:limit] if y is not None else None
    return x, y


class TestCim(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.y = read_cimd(DATA, 32)

    def setUp(self):
        self.dev = cim.Device(DEV)

    def tearDown(self):
        self.dev.close()

    def test_version_and_info(self):
        self.assertRegex(cim.version(), r"^\d+\.\d+\.\d+")
        info = self.dev.info()
        self.assertGreater(info["tiles"], 0)
        self.assertGreater(info["tile_rows"], 0)
        self.assertLessEqual(info["free_tiles"], info["tiles"])

    def test_infer_matches_reference(self):
        model = self.dev.load(MODEL)
        out, st = model.infer(self.x, stats=True)
        self.assertEqual(out.shape[0], len(self.x))
        self.assertEqual(out.dtype, np.float32)
        np.testing.assert_array_equal(out, model.reference(self.x))
        self.assertEqual(st["status"], 0)
        self.assertEqual(st["batch_done"], len(self.x))
        self.assertGreater(st["device_time_ns"], 0)
        if self.y is not None:
            acc = float(np.mean(out.argmax(axis=1) == self.y))
            self.assertGreater(acc, 0.5)

    def test_async_submit_poll_wait(self):
        model = self.dev.load(MODEL)
        want = model.infer(self.x)
        jobs = [model.submit(self.x[i::4]) for i in range(4)]
        for j in jobs:
            r, _, _ = select.select([j.fileno()], [], [], 30)
            self.assertEqual(r, [j.fileno()])
            self.assertTrue(j.done())
        for i, j in enumerate(jobs):
            out, st = j.wait(timeout=30, stats=True)
            np.testing.assert_array_equal(out, want[i::4])
            self.assertEqual(st["batch_done"], len(self.x[i::4]))

    def test_resident_image_shared(self):
        m1 = self.dev.load(MODEL)
        imgs, st1 = self.dev.resident_images()
        self.assertTrue(any(i["users"] >= 1 and i["state"] == "ready"
                            for i in imgs))
        with cim.Device(DEV) as dev2:
            m2 = dev2.load(MODEL)
            _, st2 = dev2.resident_images()
            np.testing.assert_array_equal(m2.infer(self.x[:4]),
                                          m1.infer(self.x[:4]))
        # The second load found the image resident: nothing programmed.
        self.assertEqual(st2["programs"], st1["programs"])
        self.assertGreater(st2["hits"], st1["hits"])

    def test_telemetry_counts_the_run(self):
        model = self.dev.load(MODEL)
        before = sum(t["mvms"] for t in self.dev.tiles())
        model.infer(self.x[:8])
        tiles = self.dev.tiles()
        self.assertEqual(len(tiles), self.dev.info()["tiles"])
        self.assertGreater(sum(t["mvms"] for t in tiles), before)

    def test_errors(self):
        with self.assertRaises(cim.CimError) as e:
            cim.Device("/nonexistent/accel9")
        self.assertIn(e.exception.errno, (errno.ENOENT, errno.ENODEV))
        with self.assertRaises(cim.CimError) as e:
            self.dev.load(b"CIMX" + bytes(60))
        self.assertIn(e.exception.errno, (errno.EINVAL, errno.EBADMSG))
        model = self.dev.load(MODEL)
        with self.assertRaises(ValueError):
            model.infer(np.zeros(7, dtype=np.float32))


if __name__ == "__main__":
    unittest.main()
