#!/usr/bin/env bash
# Builds the VM bench's initramfs: busybox, the DRM modules cim.ko needs
# (decompressed: busybox insmod cannot read .ko.xz), our modules, the test
# programs with the shared libraries they link, and /init.
# usage: mkinitramfs.sh KVER OUT.cpio.gz MODULE.ko... -- FILE...
# For another kernel or architecture (docs/kernels.md):
#   CIM_KROOT=DIR     the kernel's modules are in DIR/usr/lib/modules/KVER
#   CIM_BUSYBOX=FILE  a static busybox for the VM's architecture
#   CIM_SYSROOT=DIR   the programs are for another architecture: their
#                     shared libraries come from DIR (found with readelf,
#                     as ldd cannot run them)
set -euo pipefail

kver=$1
out=$(realpath -m "$2")
shift 2
ours=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	ours+=("$1")
	shift
done
[ $# -gt 0 ] && shift
files=("$@")

here=$(cd "$(dirname "$0")" && pwd)
# CIM_VM_MODDIR: another kernel's modules (make check-debug); CIM_KROOT:
# the root another kernel's packages were unpacked or installed into.
moddir=${CIM_VM_MODDIR:-${CIM_KROOT:-}/usr/lib/modules/$kver}
# bookworm's packages install to /lib/modules (a merged-/usr host hides it)
[ -d "$moddir" ] || moddir=${CIM_KROOT:-}/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,modules,tests,etc,root}

cp "${CIM_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
# The host's busybox lists the applets (the VM's may not run here).
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

# Kernel modules our modules depend on, dependencies first.
declare -A seen=()
order=()
add_module() {
	local name=$1 path deps d
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	path=$(grep -E "(^|/)${name}\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | head -n1 | cut -d: -f1)
	# Built into the kernel: nothing to load.
	if [ -z "$path" ] && grep -qE "(^|/)${name}\.ko$" "$moddir/modules.builtin" 2>/dev/null; then
		return
	fi
	[ -n "$path" ] || { echo "mkinitramfs: module $name not found" >&2; exit 1; }
	deps=$(grep -E "^${path}:" "$moddir/modules.dep" | cut -d: -f2)
	for d in $deps; do
		d=$(basename "$d")
		add_module "${d%%.ko*}"
	done
	case "$path" in
	*.xz) xz -dc "$moddir/$path" >"$root/modules/$name.ko" ;;
	*.zst) zstd -qdc "$moddir/$path" >"$root/modules/$name.ko" ;;
	*) cp "$moddir/$path" "$root/modules/$name.ko" ;;
	esac
	order+=("$name")
}
for m in "${ours[@]}"; do
	for d in $(modinfo -F depends "$m" | tr ',' ' '); do
		add_module "$d"
	done
	cp "$m" "$root/modules/"
done
printf '%s\n' "${order[@]}" >"$root/modules/order"

# A foreign program's libraries: NEEDED entries, recursively, from the
# sysroot's multiarch and plain library directories, and its loader.
copy_foreign_libs() {
	local f=$1 lib dir found interp
	interp=$(readelf -l "$f" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		mkdir -p "$root$(dirname "$interp")"
		cp -L "$CIM_SYSROOT$interp" "$root$interp"
	fi
	for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=""
		for dir in $(cd "$CIM_SYSROOT" && ls -d usr/lib/*-linux-gnu lib/*-linux-gnu usr/lib lib 2>/dev/null); do
			if [ -e "$CIM_SYSROOT/$dir/$lib" ]; then
				found=/$dir/$lib
				break
			fi
		done
		[ -n "$found" ] || { echo "mkinitramfs: $lib (for $f) not in $CIM_SYSROOT" >&2; exit 1; }
		[ -e "$root$found" ] && continue
		mkdir -p "$root$(dirname "$found")"
		cp -L "$CIM_SYSROOT$found" "$root$found"
		copy_foreign_libs "$root$found"
	done
}

# Test programs and scripts, with the shared libraries they need.
for f in "${files[@]}"; do
	cp "$f" "$root/tests/"
	if [ -n "${CIM_SYSROOT:-}" ] && readelf -h "$f" >/dev/null 2>&1; then
		copy_foreign_libs "$f"
	elif ldd "$f" >/dev/null 2>&1; then
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
			# A library of this tree (build/libcim/libcim.so.1)
			# goes where the loader looks by default too: the
			# VM's /tmp is a fresh tmpfs, which hides a tree
			# checked out under /tmp.
			case "$lib" in
			/lib/*|/usr/lib/*|/lib64/*) ;;
			*) mkdir -p "$root/usr/lib"; cp -L "$lib" "$root/usr/lib/" ;;
			esac
		done
	fi
done

cp "$here/init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
