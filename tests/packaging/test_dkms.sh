#!/bin/sh
# DKMS: `dkms add/build/install` of the source tree `make install-dkms-src`
# lays out (what the cim-dkms package ships) builds cim.ko and
# cim_vcard.ko for an installed kernel.  Runs in private dkms trees under
# build/, so it touches nothing of the machine's.
#   test_dkms.sh KVER BUILD_DIR
set -eu
kver=$1
out=$2/dkms
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$top/VERSION")

rm -rf "$out"
mkdir -p "$out/tree" "$out/inst/$kver"
make -s -C "$top" install-dkms-src DESTDIR="$out/root" PREFIX=/usr >/dev/null
src="$out/root/usr/src"
test -f "$src/cim-$version/dkms.conf" || { echo "FAIL no dkms.conf"; exit 1; }
dk() { dkms --dkmstree "$out/tree" --sourcetree "$src" \
	--installtree "$out/inst" "$@"; }
dk add "cim/$version" >"$out/log" 2>&1
dk build "cim/$version" -k "$kver" >>"$out/log" 2>&1 || {
	cat "$out/log"; echo "FAIL dkms build"; exit 1; }
dk install "cim/$version" -k "$kver" >>"$out/log" 2>&1 || {
	cat "$out/log"; echo "FAIL dkms install"; exit 1; }
status=$(dk status 2>/dev/null)
echo "$status"
echo "$status" | grep -q "cim/$version, $kver, .*: installed" || {
	echo "FAIL dkms status"; exit 1; }
for m in cim cim_vcard; do
	ko=$(ls "$out/inst/$kver/updates/dkms/$m.ko"* 2>/dev/null | head -n1)
	test -n "$ko" || { echo "FAIL $m not installed"; exit 1; }
	vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	test "$vm" = "$kver" || { echo "FAIL $m vermagic $vm, want $kver"; exit 1; }
done
dk remove "cim/$version" --all >>"$out/log" 2>&1
test -z "$(find "$out/inst" -name 'cim*.ko*')" || {
	echo "FAIL modules left after dkms remove"; exit 1; }
echo "PASS dkms add/build/install/remove cim/$version for $kver"
