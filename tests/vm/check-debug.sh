#!/usr/bin/env bash
# make check-debug: the VM suite and the ioctl fuzzer on a debug kernel
# (tests/vm/debug-kernel.sh: LOCKDEP/PROVE_LOCKING, KASAN,
# DEBUG_ATOMIC_SLEEP, KCOV, KFENCE, SLUB debug).  Our modules are built
# against it in a copy of the sources (build/debug-kernel/mod), the
# initramfs gets them, and run-vm.sh judges each run: any lockdep splat,
# KASAN or sleep-in-atomic report is a "WARNING:" or "BUG:" line there,
# and fails the lane.  The suite includes the ioctl fuzzer.
# usage: check-debug.sh BUILD FILE...   (FILEs go into the initramfs)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(realpath -m "$1")
shift
dk=$b/debug-kernel
start=$(date +%s)

kver=$(bash "$top/tests/vm/debug-kernel.sh" "$dk")
built=$(date +%s)
echo "check-debug: kernel $kver ready after $((built - start)) s"

# Our modules, out of tree, from a copy (the top directory's .ko files
# belong to the Debian kernel build).
mod=$dk/mod
rm -rf "$mod"
mkdir -p "$mod"
cp "$top/Kbuild" "$mod/"
(cd "$top" && find kernel firmware uapi \( -name '*.[ch]' -o -name '*.mk' -o -name '*.sh' \) | cpio -pdm --quiet "$mod")
nice make -s -C "$dk/obj" M="$mod" -j"$(nproc)" modules
echo "check-debug: modules built after $(($(date +%s) - start)) s"

initrd=$b/vm/initramfs-debug.cpio.gz
CIM_VM_MODDIR=$dk/mods/lib/modules/$kver \
	bash "$top/tests/vm/mkinitramfs.sh" "$kver" "$initrd" \
	"$mod/cim.ko" "$mod/cim_vcard.ko" -- "$@"

# check.sh runs the fuzzer too (100k ioctls, then an unload); more
# modes with CIM_DEBUG_MODES="check fuzz" (fuzz: CIM_DEBUG_FUZZ_IOCTLS).
fail=0
for mode in ${CIM_DEBUG_MODES:-check}; do
	CIM_VM_KERNEL=$dk/obj/arch/x86/boot/bzImage \
	CIM_VM_MEM=${CIM_VM_MEM:-2048} \
	CIM_VM_TIMEOUT=${CIM_VM_TIMEOUT:-7200} \
	CIM_VM_APPEND="cim.kunit=1 cim.fuzz_ioctls=${CIM_DEBUG_FUZZ_IOCTLS:-100000} ${CIM_VM_APPEND:-}" \
		bash "$top/tests/vm/run-vm.sh" "$kver" "$initrd" "$mode" \
		"$b/vm/debug-$mode.log" || fail=1
done
echo "check-debug: took $(($(date +%s) - start)) s in all (kernel $((built - start)) s)"
exit $fail
