#!/bin/sh
# `make install` into a DESTDIR: every file where it belongs, a program
# that includes only <cim.h> builds with `pkg-config --cflags --libs
# libcim` (shared, and static with --static) and runs an inference on the
# userspace card, the installed Python module imports; then `make
# uninstall` leaves no file behind.
#   test_install.sh BUILD_DIR SAMPLE.c MODEL.cimx
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1/install-test
sample=$2
model=$3
root=$out/root
prefix=/usr/local

rm -rf "$out"
mkdir -p "$out"
make -s -C "$top" install DESTDIR="$root" PREFIX=$prefix >"$out/log" 2>&1 || {
	cat "$out/log"; echo "FAIL make install"; exit 1; }
for f in bin/cimctl bin/cim-compile lib/libcim.so.1 lib/libcim.so lib/libcim.a \
	 lib/libcim-compiler.so.1 lib/libcim-compiler.a \
	 lib/pkgconfig/libcim.pc lib/pkgconfig/libcim-compiler.pc \
	 include/cim.h share/man/man1/cimctl.1 share/man/man1/cim-compile.1 \
	 share/man/man3/libcim.3 lib/python3/dist-packages/cim/__init__.py; do
	test -e "$root$prefix/$f" || { echo "FAIL missing $prefix/$f"; exit 1; }
done
test -f "$root/etc/udev/rules.d/70-cim.rules" || { echo "FAIL no udev rule"; exit 1; }
test -f "$root/lib/firmware/cim/cim-fw.bin" || { echo "FAIL no firmware file"; exit 1; }
grep -q 'MODE="0660", GROUP="render", TAG+="uaccess"' \
	"$root/etc/udev/rules.d/70-cim.rules" || { echo "FAIL udev rule"; exit 1; }
for p in cimctl.1 cim-compile.1; do
	man -l "$root$prefix/share/man/man1/$p" 2>/dev/null | grep -q '^NAME' ||
		{ echo "FAIL man page $p"; exit 1; }
done
echo "PASS make install: binaries, libraries, headers, pkg-config, man pages, udev, firmware, python"

# Build the sample with the installed pkg-config files.
export PKG_CONFIG_PATH="$root$prefix/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$root"
cflags=$(pkg-config --cflags libcim)
libs=$(pkg-config --libs libcim)
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$out/sample" "$sample" $libs
LD_LIBRARY_PATH="$root$prefix/lib" CIM_DEVICE=sim:small "$out/sample" "$model" \
	>"$out/sample.log" 2>&1 || { cat "$out/sample.log"; echo "FAIL sample run"; exit 1; }
cat "$out/sample.log"
if readelf -d "$out/sample" | grep -q 'protobuf\|XNNPACK\|xnnpack'; then
	echo "FAIL sample needs compiler libraries"; exit 1
fi
echo "PASS sample built with pkg-config libcim runs on the userspace card"
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$out/sample-static" "$sample" \
	$(pkg-config --static --libs libcim | sed 's/-lcim/-l:libcim.a/')
CIM_DEVICE=sim:small "$out/sample-static" "$model" >/dev/null 2>&1 || {
	echo "FAIL static sample run"; exit 1; }
echo "PASS sample linked statically (pkg-config --static) runs"

make -s -C "$top" uninstall DESTDIR="$root" PREFIX=$prefix >>"$out/log" 2>&1
left=$(find "$root" -type f -o -type l)
if [ -n "$left" ]; then
	echo "$left"; echo "FAIL make uninstall left files"; exit 1
fi
echo "PASS make uninstall removes every file"
