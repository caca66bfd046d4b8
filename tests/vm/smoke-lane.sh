#!/usr/bin/env bash
# One lane of the kernel matrix's VM smoke (docs/kernels.md): builds the
# modules against KDIR (tools/kmod-build.sh), the smoke's userspace for
# the kernel's architecture (the host's build for amd64, a cross build in
# the trixie chroot for arm64), an initramfs with the kernel's own DRM
# modules, and boots the kernel under QEMU (TCG) in mode smoke.
# usage: smoke-lane.sh KDIR
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
b=$top/build
kdir=$(cd "$1" && pwd)
kver=$(basename "$kdir")
kver=${kver#linux-headers-}
kroot=${kdir%/usr/src/*}		# "" for the host's own kernels
start=$SECONDS

case "$kver" in
*-arm64) arch=arm64 ;;
*-amd64) arch=amd64 ;;
*) echo "smoke-lane: $kver: neither amd64 nor arm64" >&2; exit 1 ;;
esac

image=$kroot/boot/vmlinuz-$kver
[ -r "$image" ] || image=$kroot/usr/lib/modules/$kver/vmlinuz.unsigned
[ -r "$image" ] || image=$kroot/usr/lib/modules/$kver/vmlinuz
[ -r "$image" ] || { echo "smoke-lane: no kernel image for $kver under ${kroot:-/}" >&2; exit 1; }

bash "$top/tools/kmod-build.sh" "$kdir" "$b/kbuild/$kver" | grep -E '^kmod-build:'
ko=$b/kbuild/$kver

env=()
if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
	bash "$top/tools/cross-userspace.sh" "$b/arm64" >"$b/arm64.log" 2>&1 ||
		{ cat "$b/arm64.log"; exit 1; }
	cimctl=$b/arm64/tools/cimctl
	env=(CIM_BUSYBOX="$b/trixie/opt/arm64/usr/bin/busybox" CIM_SYSROOT="$b/trixie")
else
	make -s -C "$top" tools >/dev/null
	cimctl=$b/tools/cimctl
fi

initrd=$b/vm/smoke-$kver.cpio.gz
mkdir -p "$b/vm"
env CIM_KROOT="$kroot" "${env[@]}" bash "$top/tests/vm/mkinitramfs.sh" "$kver" "$initrd" \
	"$ko/cim.ko" "$ko/cim_vcard.ko" -- "$cimctl" "$top/tests/vm/smoke.sh"
rc=0
CIM_VM_ARCH=$arch CIM_VM_KERNEL=$image bash "$top/tests/vm/run-vm.sh" "$kver" "$initrd" \
	smoke "$b/vm/smoke-$kver.log" || rc=$?
echo "smoke-lane: $kver ($arch): build, userspace, initramfs and boot took $((SECONDS - start)) s: $([ $rc = 0 ] && echo ok || echo FAILED)"
exit $rc
