# SPDX-License-Identifier: MIT
"""ctypes declarations of libcim's C API (libcim/include/cim.h).

Only this module knows the C structures; keep it in step with cim.h.
"""
import ctypes
import ctypes.util
import errno
import os

c_u8, c_u32, c_i32, c_u64, c_i64 = (ctypes.c_uint8, ctypes.c_uint32,
                                     ctypes.c_int32, ctypes.c_uint64,
                                     ctypes.c_int64)
c_void_p, c_size_t, c_int, c_char_p = (ctypes.c_void_p, ctypes.c_size_t,
                                       ctypes.c_int, ctypes.c_char_p)
POINTER = ctypes.POINTER


class CardInfo(ctypes.Structure):
    _fields_ = [("devnode", ctypes.c_char * 64), ("index", c_int),
                ("parent", ctypes.c_char * 64),
                ("syspath", ctypes.c_char * 256)]


class Info(ctypes.Structure):
    _fields_ = [(n, c_u32) for n in (
        "uapi_version", "fw_version", "if_version", "hw_id", "tiles",
        "tile_rows", "tile_cols", "cell_bits", "adc_bits", "act_bits",
        "free_tiles", "max_vector", "max_images", "max_plan_bytes",
        "query_size")]


class RunStats(ctypes.Structure):
    _fields_ = [("status", c_u32), ("batch_done", c_u32),
                ("device_time_ns", c_u64), ("host_time_ns", c_u64),
                ("queue_time_ns", c_u64), ("n_exited", c_u32)]


class ResidentImage(ctypes.Structure):
    _fields_ = [("sha256", c_u8 * 32), ("size", c_u64),
                ("last_use_ns", c_u64), ("slot", c_u32), ("tiles", c_u32),
                ("users", c_u32), ("state", c_u32)]


class CatalogStats(ctypes.Structure):
    _fields_ = [("images", c_u32), ("programs", c_u64), ("hits", c_u64),
                ("evictions", c_u64), ("adopted", c_u64)]


class TileActivity(ctypes.Structure):
    _fields_ = [("busy_ns", c_u64), ("simd_ns", c_u64), ("mvms", c_u64),
                ("macs", c_u64), ("simd_ops", c_u64),
                ("program_pulses", c_u64), ("pe_cycles", c_u32),
                ("slot", c_i32), ("flags", c_u32), ("reserved", c_u32)]


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("c", c_u32), ("h", c_u32),
                ("w", c_u32), ("scale", ctypes.c_float),
                ("zero_point", c_i32)]


def _find():
    path = os.environ.get("CIM_LIBRARY")
    if path:
        return path
    return ctypes.util.find_library("cim") or "libcim.so.1"


lib = ctypes.CDLL(_find(), use_errno=False)

_P = c_void_p
# name: (restype, argtypes)
_PROTOS = {
    "cim_version": (c_char_p, []),
    "cim_list": (c_int, [POINTER(CardInfo), c_int]),
    "cim_open": (c_int, [c_char_p, POINTER(_P)]),
    "cim_close": (None, [_P]),
    "cim_query": (c_int, [_P, POINTER(Info)]),
    "cim_dev_path": (c_char_p, [_P]),
    "cim_last_error": (c_char_p, [_P]),
    "cim_set_timeout": (c_int, [_P, c_i64]),
    "cim_bo_alloc": (c_int, [_P, c_size_t, POINTER(_P)]),
    "cim_bo_map": (c_int, [_P, POINTER(_P)]),
    "cim_bo_free": (None, [_P]),
    "cim_image_free": (None, [_P]),
    "cim_resident_images": (c_int, [_P, POINTER(ResidentImage), c_int,
                                    POINTER(CatalogStats)]),
    "cim_tiles_activity": (c_int, [_P, POINTER(TileActivity), c_int]),
    "cim_submit": (c_int, [_P, _P, _P, c_u64, _P, c_u64, c_u32, c_u32,
                           POINTER(c_u32), c_u32, POINTER(_P)]),
    "cim_job_wait": (c_int, [_P, c_i64]),
    "cim_job_stats": (c_int, [_P, POINTER(RunStats)]),
    "cim_job_fence_fd": (c_int, [_P]),
    "cim_job_free": (None, [_P]),
    "cim_model_load_file": (c_int, [c_char_p, POINTER(_P)]),
    "cim_model_load": (c_int, [c_void_p, c_size_t, POINTER(_P)]),
    "cim_model_image": (c_void_p, [_P, POINTER(c_size_t)]),
    "cim_model_free": (None, [_P]),
    "cim_model_input": (None, [_P, POINTER(TensorInfo)]),
    "cim_model_output": (None, [_P, POINTER(TensorInfo)]),
    "cim_model_flags": (c_u32, [_P]),
    "cim_model_quantize": (None, [_P, c_void_p, c_void_p, c_u32]),
    "cim_model_dequantize": (None, [_P, c_void_p, c_void_p, c_u32]),
    "cim_model_program": (c_int, [_P, _P, POINTER(_P)]),
    "cim_model_infer": (c_int, [_P, _P, _P, c_void_p, c_void_p, c_u32,
                                POINTER(RunStats)]),
}
for _name, (_res, _args) in _PROTOS.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


_compiler = None


def compiler():
    """libcim-compiler (the CPU reference executor), loaded on first use."""
    global _compiler
    if _compiler is None:
        path = (os.environ.get("CIM_COMPILER_LIBRARY") or
                ctypes.util.find_library("cim-compiler") or
                "libcim-compiler.so.1")
        _compiler = ctypes.CDLL(path)
        fn = _compiler.cim_ref_run_image
        fn.restype = c_int
        fn.argtypes = [c_void_p, c_size_t, c_void_p, c_void_p, c_u32]
    return _compiler


class CimError(OSError):
    """A libcim call failed: .errno is the errno, the message says why."""


def check(ret, dev=None):
    """Raise CimError for a negative errno return, else return ret."""
    if ret >= 0:
        return ret
    detail = lib.cim_last_error(dev) or b""
    code = -ret
    msg = detail.decode(errors="replace") or os.strerror(code)
    raise CimError(code, "%s (%s)" % (msg, errno.errorcode.get(code, code)))
