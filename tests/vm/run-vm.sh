#!/usr/bin/env bash
# Boots Debian's kernel under QEMU (TCG) with an initramfs from
# mkinitramfs.sh, runs one mode, and judges the run:
#  - the mode script's exit status (VM-STATUS),
#  - its "N passed, N failed" line when it prints one,
#  - the kernel log: any WARNING:, BUG:, Oops, Call Trace or leak report
#    fails the run.
# usage: run-vm.sh KVER INITRD MODE [LOG]
# CIM_VM_APPEND: more kernel arguments (make test passes cim.test=NAME).
# Another kernel: CIM_VM_KERNEL=IMAGE; another architecture:
# CIM_VM_ARCH=arm64 (qemu-system-aarch64 -M virt -cpu max, TCG).
set -uo pipefail

kver=$1
initrd=$2
mode=$3
log=${4:-$(mktemp /tmp/cim-vm-XXXXXX.log)}
kernel=${CIM_VM_KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "run-vm: no $kernel (run tools/install-deps.sh)" >&2; exit 1; }

case "${CIM_VM_ARCH:-amd64}" in
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max)
	console=ttyAMA0
	;;
*)
	qemu=(qemu-system-x86_64 -cpu max)
	console=ttyS0
	;;
esac

# no_timer_check: on a loaded host TCG's timer IRQ can look dead to the
# boot-time check ("IO-APIC + timer doesn't work!" panic, both boots).
boot() {
	timeout --foreground "${CIM_VM_TIMEOUT:-1500}" \
		"${qemu[@]}" -accel tcg,thread=multi -m "${CIM_VM_MEM:-1024}" \
		-smp 2 -nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
		-append "console=$console quiet panic=-1 slub_debug=FZPU idle=halt no_timer_check cim.mode=$mode ${CIM_VM_APPEND:-}" \
		</dev/null >"$log" 2>&1
}

start=$(date +%s.%N)
boot
qrc=$?
# TCG now and then kills the guest kernel while it boots, before /init
# has loaded anything of ours (seen: an int3 Oops in sched_clock_cpu
# while another CPU patches kernel text).  Such a boot tested nothing:
# keep its log and boot once more.  A crash after VM-BEGIN is judged.
if ! grep -q 'VM-BEGIN' "$log" && grep -qE 'Kernel panic|Oops' "$log"; then
	cp "$log" "$log.boot1"
	echo "vm: the kernel died while booting, before the tests (log $log.boot1); booting again"
	boot
	qrc=$?
fi
end=$(date +%s.%N)

# Everything the mode printed goes to our output.
sed -n '/VM-BEGIN/,/^VM-STATUS/p' "$log" | tr -d '\r'
awk -v s="$start" -v e="$end" -v m="$mode" -v l="$log" 'BEGIN { printf "vm: boot+%s took %.1f s (log %s)\n", m, e - s, l }'

fail=0
if [ $qrc -ne 0 ]; then
	echo "vm: qemu exited with $qrc (timeout or crash)"
	fail=1
fi
status=$(tr -d '\r' <"$log" | sed -n 's/^VM-STATUS \([0-9]*\)$/\1/p' | tail -n1)
if [ "$status" != 0 ]; then
	echo "vm: mode $mode exited with status '${status:-none}'"
	fail=1
fi
if tr -d '\r' <"$log" | grep -qE '^[0-9]+ passed, [1-9][0-9]* failed'; then
	fail=1
fi
bad=$(tr -d '\r' <"$log" | grep -nE 'WARNING:|BUG:|Oops|Call Trace|kernel BUG|general protection|Objects remaining|leak|not clean|Kernel panic|refcount_t:|list_(add|del) corruption|KFENCE:|UBSAN:|blocked for more than' | grep -v 'VM-' | head -n 20)
if [ -n "$bad" ]; then
	echo "vm: kernel log reports problems:"
	echo "$bad"
	fail=1
fi
# The suite's own count, last, so that a reader of the run sees it;
# a kernel-log problem or a crash counts as one more failure.
counts=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n1)
if [ -n "$counts" ]; then
	p=${counts%% passed*}
	f=${counts#*passed, }
	f=${f%% failed*}
	[ $fail -ne 0 ] && [ "$f" = 0 ] && f=1
	echo "vm: $p passed, $f failed"
fi
exit $fail
