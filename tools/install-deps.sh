#!/usr/bin/env bash
# Installs what building and testing the CIM stack needs on Debian 12.
# Idempotent: does nothing when everything is already present.
set -euo pipefail

PKGS_MAIN="build-essential pkg-config libdrm-dev libudev-dev libkmod-dev
libcmocka-dev qemu-system-x86 busybox-static cpio xz-utils zstd kmod
gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf sparse
device-tree-compiler dt-schema protobuf-c-compiler libprotobuf-c-dev
libonnx-dev libxnnpack-dev libpthreadpool-dev libopenblas-dev
debootstrap qemu-system-arm gcc-aarch64-linux-gnu
python3-torch python3-torchvision python3-onnx libonnx-testdata"
# The digits-trained zoo (tests/models/gen_digits_zoo.py): sklearn's digits.
PKGS_MAIN="$PKGS_MAIN python3-sklearn"
# Packaging and its tests: make install/deb, DKMS, lintian, the clean
# chroot, cimctl --json (json-c; jsonschema checks it), Python bindings.
PKGS_MAIN="$PKGS_MAIN libjson-c-dev go-md2man dkms debhelper dh-dkms dh-python
python3-all python3-numpy python3-jsonschema lintian"
# The fuzz harnesses (clang, libFuzzer) and the tools a kernel build
# needs (the debug-kernel lane of make check: linux-source-6.12).
PKGS_MAIN="$PKGS_MAIN clang libclang-rt-14-dev flex bison bc libelf-dev libssl-dev"
PKGS_BPO="linux-image-amd64 linux-headers-amd64 linux-source-6.12"

missing=""
for p in $PKGS_MAIN $PKGS_BPO; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
# The other kernels of the matrix (trixie chroot, arm64): its own stamps.
kernels() { bash "$(dirname "$0")/install-kernels.sh"; }
if [ -z "$missing" ]; then
	kernels
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi

bpo=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$bpo" ]; then
	echo "install-deps: adding bookworm-backports ($bpo)"
	$SUDO tee "$bpo" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PKGS_MAIN
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports $PKGS_BPO
kernels
