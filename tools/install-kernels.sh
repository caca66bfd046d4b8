#!/usr/bin/env bash
# Installs the kernels of the build and boot matrix besides the host's own
# Debian 12 kernel (6.12 amd64, from bookworm-backports, installed by
# install-deps.sh):
#  - 6.12 arm64 headers and image (bookworm-backports), unpacked with
#    dpkg-deb -x under build/kernels/bookworm-arm64, built with the host's
#    aarch64-linux-gnu-gcc (gcc-12, the kernel's own compiler);
#  - a Debian trixie chroot in build/trixie (debootstrap) with gcc-14 and
#    the newest trixie-backports kernel (7.x): headers and image for amd64
#    installed, headers and image for arm64 unpacked with dpkg-deb -x
#    (Debian ships a kernel as linux-binary-*, linux-modules-*,
#    linux-base-*: the image, its modules, System.map and config);
#  - in the chroot, an arm64 cross userspace (gcc-aarch64-linux-gnu,
#    libdrm, libudev, libprotobuf-c for arm64 by multiarch, busybox):
#    the host's own libudev comes from bookworm-backports and has no
#    matching arm64 build, the chroot's versions all agree.
# Idempotent: each part leaves a stamp and is skipped when present.
# usage: install-kernels.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/build}
mirror=${CIM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$b"

say() { echo "install-kernels: $*"; }

# --- host: arm64 multiarch (cross userspace, 6.12 arm64 headers) ---
host_arm64() {
	local stamp=$b/kernels/.host-arm64-done pkgs p missing=""
	[ -f "$stamp" ] && return 0
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		say "adding arm64 as a foreign architecture (dpkg --add-architecture)"
		dpkg --add-architecture arm64
		apt-get update -q
	fi
	pkgs="gcc-aarch64-linux-gnu qemu-system-arm debootstrap"
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing$missing"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing || {
			apt-get update -q
			# shellcheck disable=SC2086
			apt-get install -y -q --no-install-recommends $missing
		}
	fi
	# 6.12 arm64 headers matching the host's 6.12 amd64 ones (same
	# -common package, same kbuild tools, which run on the host).
	local kver root dl
	kver=$(cd /usr/src && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//; s/-amd64$//' | sort -V | tail -n1)
	[ -n "$kver" ] || { say "no host 6.12 amd64 headers (run install-deps.sh)"; exit 1; }
	root=$b/kernels/bookworm-arm64
	dl=$b/kernels/debs
	mkdir -p "$root" "$dl"
	(cd "$dl" && apt-get download -q "linux-headers-$kver-arm64:arm64" \
		"linux-image-$kver-arm64:arm64")
	dpkg-deb -x "$dl"/linux-headers-"$kver"-arm64_*_arm64.deb "$root"
	# The image too: the VM smoke boots it (DRM render node, no accel).
	dpkg-deb -x "$dl"/linux-image-"$kver"-arm64_*_arm64.deb "$root"
	depmod -b "$root" "$kver-arm64"
	rm -f "$dl"/*.deb
	# The headers' scripts/ and tools/ point at ../../lib/linux-kbuild-X:
	# the host's (amd64) kbuild tools.
	local kb
	kb=$(readlink "$root/usr/src/linux-headers-$kver-arm64/scripts")
	kb=${kb#../../lib/}
	kb=${kb%/scripts}
	mkdir -p "$root/usr/lib"
	ln -sfn "/usr/lib/$kb" "$root/usr/lib/$kb"
	touch "$stamp"
}

# --- trixie chroot with gcc-14 and the trixie-backports kernels ---
trixie() {
	local root=$b/trixie stamp=$b/trixie/.cim-ready
	[ -f "$stamp" ] && return 0
	if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -f "$root/.debootstrap-done" ]; then
		say "debootstrap trixie into $root (a few minutes)"
		rm -rf "$root"
		debootstrap --variant=minbase --include=ca-certificates trixie "$root" "$mirror"
		# A throwaway build root: dpkg need not fsync every file.
		echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/cim-unsafe-io"
		touch "$root/.debootstrap-done"
	fi
	cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror trixie main
deb $mirror trixie-updates main
deb $mirror trixie-backports main
EOF
	in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@"; }
	in_root dpkg --add-architecture arm64
	in_root apt-get update -q
	# The newest backports kernel, by its versioned package names.
	local himg harm
	himg=$(in_root apt-cache depends -t trixie-backports linux-headers-amd64 |
		sed -n 's/.*Depends: \(linux-headers-[0-9].*-amd64\)$/\1/p' | head -n1)
	harm=$(in_root apt-cache depends -t trixie-backports linux-headers-arm64:arm64 |
		sed -n 's/.*Depends: \(linux-headers-[0-9].*-arm64\).*/\1/p' | head -n1)
	[ -n "$himg" ] && [ -n "$harm" ] || { say "no trixie-backports kernel found"; exit 1; }
	say "trixie-backports kernels: $himg $harm"
	in_root apt-get install -y -q --no-install-recommends -t trixie-backports \
		make gcc-14 gcc-14-aarch64-linux-gnu libc6-dev "$himg" cpio \
		gcc-aarch64-linux-gnu pkgconf protobuf-c-compiler binutils \
		libc6-dev:arm64 libdrm-dev:arm64 libudev-dev:arm64 libprotobuf-c-dev:arm64 \
		libjson-c-dev:arm64
	# Images (and arm64 headers) are unpacked, not installed: no
	# initramfs-tools, no bootloader hooks; the headers use the amd64
	# kbuild tools that $himg brought.
	mkdir -p "$root/var/cache/cim-debs"
	rm -f "$root"/var/cache/cim-debs/*.deb
	in_root sh -c "cd /var/cache/cim-debs && apt-get download -q -t trixie-backports \
		${himg/headers/binary-unsigned}:amd64 ${himg/headers/modules}:amd64 \
		${himg/headers/base}:amd64 ${harm/headers/binary-unsigned}:arm64 \
		${harm/headers/modules}:arm64 ${harm/headers/base}:arm64 $harm:arm64 \
		busybox-static:arm64"
	local d
	for d in "$root"/var/cache/cim-debs/*.deb; do
		case "$d" in
		*busybox*) mkdir -p "$root/opt/arm64"; dpkg-deb -x "$d" "$root/opt/arm64" ;;
		*) dpkg-deb -x "$d" "$root" ;;
		esac
	done
	rm -f "$root"/var/cache/cim-debs/*.deb
	# modules.dep, which dpkg's hooks would have made (the VM's
	# initramfs loads the DRM modules in dependency order).
	for d in "$root"/usr/lib/modules/*/kernel; do
		depmod -b "$root" "$(basename "$(dirname "$d")")"
	done
	touch "$stamp"
}

host_arm64
trixie
say "ready"
