#!/bin/sh
# The firmware file PCI cards boot from (build/firmware/cim-fw.bin): the
# header cim.ko checks (docs/card-interface.md, "Firmware file") over the
# MCU image: magic, the interface version the driver speaks, the firmware
# version, the payload size and its CRC-32, computed here independently
# with Python's zlib.
#   test_fwfile.sh CIM-FW.BIN CIM-FW.ELF
set -eu
/usr/bin/python3 - "$1" "$2" "$(cd "$(dirname "$0")/../.." && pwd)" <<'PY'
import re, struct, subprocess, sys, zlib
path, elf, top = sys.argv[1:4]
data = open(path, "rb").read()
magic, ifv, fwv, size, crc = struct.unpack("<5I", data[:20])
res = data[20:32]
card = open(top + "/uapi/cim_card.h").read()
fw = open(top + "/firmware/cim_fw.h").read()
def const(text, name):
    return int(re.search(r"#define %s\s+(\w+)" % name, text).group(1), 0)
want_if = (const(card, "CIM_IF_VERSION_MAJOR") << 16) | const(card, "CIM_IF_VERSION_MINOR")
want_fw = (const(fw, "CIM_FW_VERSION_MAJOR") << 16) | const(fw, "CIM_FW_VERSION_MINOR")
payload = data[32:]
import os, tempfile
with tempfile.TemporaryDirectory() as d:
    subprocess.run(["riscv64-unknown-elf-objcopy", "-O", "binary", elf,
                    os.path.join(d, "img")], check=True)
    flat = open(os.path.join(d, "img"), "rb").read()
checks = [
    ("magic CIMF", magic == 0x464d4943),
    ("interface version %#x" % want_if, ifv == want_if),
    ("firmware version %#x" % want_fw, fwv == want_fw),
    ("size = file - 32", size == len(payload)),
    ("crc32 of the payload", crc == zlib.crc32(payload)),
    ("reserved zero", res == bytes(12)),
    ("payload = the MCU image", payload == flat),
]
bad = [n for n, ok in checks if not ok]
if bad:
    print("FAIL firmware file:", ", ".join(bad))
    sys.exit(1)
print("PASS firmware file: %d-byte MCU image, interface %d.%d, firmware %d.%d"
      % (size, ifv >> 16, ifv & 0xffff, fwv >> 16, fwv & 0xffff))
PY
