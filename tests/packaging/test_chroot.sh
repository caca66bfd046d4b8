#!/bin/sh
# The packages in a clean Debian 12 system: a bookworm chroot made by
# debootstrap (cached under build/chroot/, copied fresh for each run),
# with Debian's 6.12 kernel headers from bookworm-backports.  There:
#   - every package built by `make deb` installs with apt;
#   - `dkms status` shows cim built and installed for the chroot's headers;
#   - a sample C program builds with `pkg-config --cflags --libs libcim`
#     and runs an inference on the userspace card, bit-exact to the
#     reference the Python package computes with libcim-compiler;
#   - the Python package imports and runs the same model;
#   - purging the packages leaves no file of theirs behind.
#   test_chroot.sh BUILD_DIR SAMPLE.c MODEL.cimx
set -eu
b=$1
sample=$2
model=$3
debs=$b/deb
base=$b/chroot/bookworm-base
root=$b/chroot/test
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

ls "$debs"/*.deb >/dev/null || { echo "FAIL no packages: run make deb"; exit 1; }
if [ ! -x "$base/usr/bin/apt-get" ]; then
	rm -rf "$base"
	mkdir -p "$b/chroot"
	debootstrap --variant=minbase bookworm "$base" "$mirror" \
		> "$b/chroot/debootstrap.log" 2>&1 || {
		tail -20 "$b/chroot/debootstrap.log"; echo "FAIL debootstrap"; exit 1; }
fi
rm -rf "$root"
cp -a "$base" "$root"
cleanup() {
	umount "$root/proc" 2>/dev/null || true
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
cat > "$root/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $mirror bookworm-backports main
SRC
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
run() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
log=$b/chroot/test.log
: > "$log"

# What a clean system has before our packages, to compare after purge.
run apt-get update -q >> "$log" 2>&1
run apt-get install -y -q --no-install-recommends -t bookworm-backports \
	linux-headers-amd64 >> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL headers"; exit 1; }
run apt-get install -y -q --no-install-recommends gcc libc6-dev pkg-config \
	dkms make >> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL tools"; exit 1; }
# The headers from backports may have brought backports' libudev1: the
# -dev package libcim-dev needs must be of the same version.
udev=$(run dpkg-query -W -f '${Version}' libudev1)
run apt-get install -y -q --no-install-recommends "libudev-dev=$udev" \
	>> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL libudev-dev $udev"; exit 1; }
kver=$(ls "$root/usr/src" | sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' | sort -V | tail -n1)
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o \
		-path ./var/cache -o -path ./var/log -o -path ./var/lib/apt \
		-o -path ./var/lib/dpkg -o -path ./run -o -path ./root \
		-o -path ./etc/ld.so.cache -o -path ./var/lib/systemd \) -prune -o \
		-print | sort)
}
snapshot > "$b/chroot/before.txt"
run dpkg-query -W -f '${Package}\n' | sort > "$b/chroot/pkgs-before.txt"

mkdir -p "$root/tmp/debs"
cp "$debs"/*.deb "$root/tmp/debs/"
rm -f "$root"/tmp/debs/*-dbgsym_*.deb
pkgs=$(for d in "$root"/tmp/debs/*.deb; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')
run sh -c 'apt-get install -y -q --no-install-recommends /tmp/debs/*.deb' >> "$log" 2>&1 || {
	tail -30 "$log"; echo "FAIL apt install"; exit 1; }
echo "PASS installed: $pkgs"

status=$(run dkms status 2>/dev/null)
echo "$status"
echo "$status" | grep -q "^cim/.*, $kver, x86_64: installed" || {
	tail -30 "$log"; echo "FAIL dkms status for $kver"; exit 1; }
ls "$root/lib/modules/$kver/updates/dkms/" | grep -q '^cim\.ko' || {
	echo "FAIL cim.ko not installed for $kver"; exit 1; }
echo "PASS dkms built cim for $kver"

test -f "$root/lib/udev/rules.d/70-cim.rules" || { echo "FAIL udev rule"; exit 1; }
test -f "$root/lib/firmware/cim/cim-fw.bin" || { echo "FAIL firmware"; exit 1; }
run man -w cimctl >/dev/null 2>&1 || test -f "$root/usr/share/man/man1/cimctl.1.gz" || {
	echo "FAIL man page"; exit 1; }

cp "$sample" "$root/tmp/sample.c"
cp "$model" "$root/tmp/model.cimx"
run sh -c 'cc -std=c11 -Wall -Wextra -Werror -o /tmp/sample /tmp/sample.c $(pkg-config --cflags --libs libcim)' \
	>> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL sample build"; exit 1; }
run env CIM_DEVICE=sim:small /tmp/sample /tmp/model.cimx > "$b/chroot/sample.out" 2>&1 || {
	cat "$b/chroot/sample.out"; echo "FAIL sample run"; exit 1; }
cat "$b/chroot/sample.out"
echo "PASS sample built with pkg-config libcim runs on the userspace card"
run python3 -c '
import numpy as np, cim
with cim.Device("sim:small") as d:
    m = d.load("/tmp/model.cimx")
    c, h, w = m.input["shape"]
    x = np.random.default_rng(1).uniform(-1, 1, (4, c * h * w)).astype(np.float32)
    y = m.infer(x)
    assert y.shape[0] == 4
    assert (y == m.reference(x)).all()
    print("python: outputs", y.shape, "bit-exact to the reference")
' >> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL python"; exit 1; }
tail -1 "$log"
echo "PASS python3-cim runs the model on the userspace card"

# shellcheck disable=SC2086
run apt-get purge -y -q $pkgs >> "$log" 2>&1 || { tail -20 "$log"; echo "FAIL purge"; exit 1; }
# The dependencies apt brought in for them go too (python3, numpy, the
# -dev packages): then the system must be exactly what it was.
extra=$(run dpkg-query -W -f '${Package}\n' | sort | comm -13 "$b/chroot/pkgs-before.txt" -)
# shellcheck disable=SC2086
[ -z "$extra" ] || run apt-get purge -y -q $extra >> "$log" 2>&1 || {
	tail -20 "$log"; echo "FAIL purge of the dependencies"; exit 1; }
rm -rf "$root/tmp/debs" "$root/tmp/sample" "$root/tmp/sample.c" "$root/tmp/model.cimx"
snapshot > "$b/chroot/after.txt"
if ! diff "$b/chroot/before.txt" "$b/chroot/after.txt" > "$b/chroot/left.txt"; then
	cat "$b/chroot/left.txt"; echo "FAIL purge left files behind"; exit 1
fi
echo "PASS purge (and of the dependencies apt brought) leaves the system as it was"
