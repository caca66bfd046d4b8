#!/usr/bin/env bash
# Builds cim.ko and cim_vcard.ko against one kernel's headers, W=1 and
# sparse (C=1), out of tree in a copy of the sources, and fails on any
# compiler or sparse warning.  The headers say their architecture and
# compiler (.kernelvariables: ARCH, CROSS_COMPILE, CC), so one command
# builds for amd64 and arm64 alike.  Headers inside the trixie chroot
# (build/trixie, tools/install-kernels.sh) are built there, with its
# gcc-14 and the kbuild tools linked against its libc.
#
# Sparse: a kernel's Makefile turns C=1 off when its
# scripts/checker-valid.sh does not vouch for the sparse found, with
# only a make warning; that warning fails this build, so a lane never
# looks checked when it was not.  Where this sparse cannot check the
# kernel (below), the build goes on without it and says why.
#
# usage: kmod-build.sh KDIR OUTDIR
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$(cd "$1" && pwd)
out=$2
chroot_root=$top/build/trixie
kver=$(basename "$kdir")
kver=${kver#linux-headers-}

inner_kdir=$kdir
root=""
case "$kdir" in
"$chroot_root"/*)
	root=$chroot_root
	inner_kdir=${kdir#"$root"}
	;;
esac

# The sources, copied so that each kernel gets its own objects.
if [ -n "$root" ]; then
	inner_out=/cim-build/$kver
	dir=$root$inner_out
else
	mkdir -p "$out"
	dir=$(cd "$out" && pwd)/src
	inner_out=$dir
fi
mkdir -p "$dir"
# Sources only (not the objects of an in-tree build), times kept, so
# that a second build compiles only what changed.
(cd "$top" && { echo Kbuild; find kernel uapi \( -name '*.[ch]' -o -name '*.sh' \) \
	! -name cim_compat_gen.h; find firmware -maxdepth 1 \( -name '*.[ch]' -o -name '*.mk' \);
	find firmware/model -name '*.[ch]'; } |
	tar -cf - -T -) | tar -C "$dir" -xpf -

# Sparse runs unless the kernel needs what this sparse cannot parse:
# from 6.15 or so, the headers use __typeof_unqual__ under __CHECKER__
# (READ_ONCE and friends), which sparse 0.6.4, the newest in Debian
# (bookworm and trixie alike), rejects.  The kernel's own test
# (scripts/checker-valid.sh, absent from Debian's linux-kbuild) would
# switch C=1 off with a line easy to miss; here it is said plainly.
c=1
common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile" | head -n1)
common=${root}${common:-$kdir}
if grep -q '__typeof_unqual__' "$common/include/linux/compiler_types.h" 2>/dev/null; then
	probe=$(mktemp --suffix=.c)
	printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$probe"
	said=$(sparse "$probe" 2>&1 || echo error)
	if ! command -v sparse >/dev/null || [ -z "${said##*error*}" ]; then
		CIM_NO_SPARSE="sparse $(sparse --version 2>/dev/null || echo missing) cannot parse __typeof_unqual__, which this kernel's headers use under sparse (__CHECKER__); no sparse in Debian can check this kernel"
	fi
	rm -f "$probe"
fi
[ -n "${CIM_NO_SPARSE:-}" ] && c=0
cmd=(make -C "$inner_kdir" M="$inner_out" W=1 C=$c modules)
mkdir -p "$out"
log=$(cd "$out" && pwd)/modules.log
echo "kmod-build: $kver: ${cmd[*]}${root:+ (in chroot $root)}"
if [ -n "$root" ]; then
	# objtool reads /proc: mount one in a private mount namespace,
	# gone with the command.
	unshare -m -- sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root "${cmd[@]}" >"$log" 2>&1 || rc=$?
else
	"${cmd[@]}" >"$log" 2>&1 || rc=$?
fi
cat "$log"
if [ "${rc:-0}" != 0 ]; then
	echo "kmod-build: $kver: build failed"
	exit 1
fi
if grep -E 'warning:|error:|not available or not up to date' "$log" >/dev/null; then
	echo "kmod-build: $kver: warnings (above): failing"
	exit 1
fi
if [ -n "${CIM_NO_SPARSE:-}" ]; then
	echo "kmod-build: $kver: NO SPARSE: $CIM_NO_SPARSE"
fi
cp "$dir/cim.ko" "$dir/cim_vcard.ko" "$out/"
echo "kmod-build: $kver: ok in $SECONDS s, $out/cim.ko $out/cim_vcard.ko"
