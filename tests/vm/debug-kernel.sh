#!/usr/bin/env bash
# Builds the debug kernel of `make check-debug` from Debian's
# linux-source-6.12 (LOCKDEP/PROVE_LOCKING, KASAN, DEBUG_ATOMIC_SLEEP,
# KCOV, KFENCE, SLUB debug; config: tinyconfig + tests/vm/debug.config),
# cached: a second run with the same tarball and config only runs an
# incremental make (which also resumes an interrupted build); a changed
# debug.config configures again in place and rebuilds what it touches.
# Installs its modules under OUT/mods for mkinitramfs.sh.
# usage: debug-kernel.sh OUT   (prints the kernel release on stdout)
set -euo pipefail

out=$(realpath -m "$1")
here=$(cd "$(dirname "$0")" && pwd)
tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | sort -V | tail -n1)
[ -n "$tarball" ] || { echo "debug-kernel: no /usr/src/linux-source-6.12*.tar.xz (apt-get install linux-source-6.12)" >&2; exit 1; }
jobs=${CIM_DEBUG_JOBS:-$(nproc)}
srcstamp="$(sha256sum <"$tarball" | cut -c1-16)"
stamp="$({ echo "$srcstamp"; sha256sum <"$here/debug.config"; } | sha256sum | cut -c1-16)"
src=$out/src
obj=$out/obj
mkdir -p "$out"

# A new tarball: unpack, configure and build from scratch.
# Only a new debug.config: configure again in place, and the incremental
# make rebuilds what the changed options touch.
if [ "$(cat "$out/stamp-src" 2>/dev/null)" != "$srcstamp" ] || [ ! -f "$obj/.config" ]; then
	rm -rf "$src" "$obj" "$out/mods" "$out/stamp" "$out/stamp-src"
	mkdir -p "$src"
	echo "debug-kernel: unpacking $tarball" >&2
	tar xJf "$tarball" -C "$src" --strip-components=1
	# Give the library symbols our driver needs a prompt.
	sed -i '/^config DRM_GEM_SHMEM_HELPER$/,/^$/s/^\ttristate$/\ttristate "GEM shmem helper"/;
		/^config DRM_SCHED$/,/^$/s/^\ttristate$/\ttristate "GPU scheduler"/' \
		"$src/drivers/gpu/drm/Kconfig"
	sed -i '/^config REGMAP_MMIO$/,/^$/s/^\ttristate$/\ttristate "regmap MMIO"/' \
		"$src/drivers/base/regmap/Kconfig"
	sed -i '/^config CRYPTO_LIB_SHA256$/,/^$/s/^\ttristate$/\ttristate "SHA-256 library"/' \
		"$src/lib/crypto/Kconfig"
	mkdir -p "$obj"
	echo "$srcstamp" >"$out/stamp-src"
fi
if [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$out/mods" "$out/stamp"
	make -s -C "$src" O="$obj" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$here/debug.config" >/dev/null
	make -s -C "$src" O="$obj" olddefconfig >&2
	# Every option debug.config sets must have stuck.
	bad=0
	while IFS= read -r l; do
		case "$l" in
		CONFIG_*=n) k=${l%=n}; grep -q "^$k=" "$obj/.config" && { echo "debug-kernel: $k still set" >&2; bad=1; } ;;
		CONFIG_*) grep -qx "$l" "$obj/.config" || { echo "debug-kernel: $l did not stick" >&2; bad=1; } ;;
		esac
	done < <(grep -v '^#' "$here/debug.config")
	[ $bad = 0 ] || { rm -rf "$obj"; exit 1; }
	echo "$stamp" >"$out/stamp"
fi
# Incremental: an interrupted build goes on where it stopped.
echo "debug-kernel: building (make -j$jobs)" >&2
nice make -s -C "$src" O="$obj" -j"$jobs" bzImage modules >&2
make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$out/mods" modules_install >&2
# (--no-print-directory: under a parent make, -C would print
# "Entering directory" lines on stdout.)
make -s --no-print-directory -C "$obj" kernelrelease
