#!/usr/bin/env bash
# Builds the VM smoke's userspace (cimctl, with the static libcim) for
# arm64 inside the trixie chroot (tools/install-kernels.sh), where the
# arm64 libraries (libdrm, libudev, libprotobuf-c) are installed by
# multiarch next to a cross gcc; the host's own libudev comes from
# bookworm-backports and has no matching arm64 package.
# usage: cross-userspace.sh OUTDIR    (-> OUTDIR/tools/cimctl)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
root=$top/build/trixie
out=$(realpath -m "$1")
case "$out" in
"$top"/*) ;;
*) echo "cross-userspace: OUTDIR must be inside $top" >&2; exit 1 ;;
esac
[ -f "$root/.cim-ready" ] || { echo "cross-userspace: no chroot: run tools/install-kernels.sh" >&2; exit 1; }
mkdir -p "$out" "$root/src"
# onnx.proto (the compiler front end's reader) from the host's libonnx-dev.
cp /usr/include/onnx/onnx.proto "$out/onnx.proto"

in=/src${out#"$top"}
cross="CC=aarch64-linux-gnu-gcc"
# The worktree appears as /src in a private mount namespace, gone with
# the command.
unshare -m -- sh -c 'r=$1; shift; mount --bind "$0" "$r/src" && exec chroot "$r" "$@"' \
	"$top" "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	sh -ec "make -C /src/libcim static B=$in/libcim FW_B=$in/firmware ONNX_PROTO=$in/onnx.proto $cross
		make -C /src/tools -f /src/tools/Makefile $in/tools/cimctl B=$in/tools \
			LIBCIM_A=\"$in/libcim/libcim-compiler.a $in/libcim/libcim.a\" $cross"
file "$out/tools/cimctl"
