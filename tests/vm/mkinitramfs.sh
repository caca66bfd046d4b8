#!/usr/bin/env bash
# Builds the VM bench's initramfs: busybox, the DRM modules cim.ko needs
# (decompressed: busybox insmod cannot read .ko.xz), our modules, the test
# programs with the shared libraries they link, and /init.
# usage: mkinitramfs.sh KVER OUT.cpio.gz MODULE.ko... -- FILE...
set -euo pipefail

kver=$1
out=$2
shift 2
ours=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	ours+=("$1")
	shift
done
[ $# -gt 0 ] && shift
files=("$@")

here=$(cd "$(dirname "$0")" && pwd)
# CIM_VM_MODDIR: another kernel's modules (make check-debug).
moddir=${CIM_VM_MODDIR:-/usr/lib/modules/$kver}
[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,modules,tests,etc,root}

cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
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

# Test programs and scripts, with the shared libraries they need.
for f in "${files[@]}"; do
	cp "$f" "$root/tests/"
	if ldd "$f" >/dev/null 2>&1; then
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	fi
done

cp "$here/init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
