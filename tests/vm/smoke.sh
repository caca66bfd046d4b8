#!/bin/sh
# The VM smoke (cim.mode=smoke), run by /init on the kernels of the
# matrix other than the one the full suite runs on (docs/kernels.md):
# load both modules, query the card, a compile-free built-in inference
# bit-exact to the CPU reference, a hang with its timeout and reset
# and a bit-exact inference after it, unload.  Every step prints
# PASS/FAIL; the last line is "N passed, N failed".
pass=0
fail=0
result() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $2"
	else
		fail=$((fail + 1))
		echo "FAIL $2"
	fi
}
run_exact() {
	cimctl run --builtin mlp2 --random "$1" --batch 9 >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out &&
		grep -q '^device_time_ns [1-9]' /tmp/out
}

echo "smoke: $(uname -m) $(uname -r)"
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko
result $? load_modules

# The node: accel where the kernel has the accel core, else render.
node=$(ls /dev/accel/accel* /dev/dri/renderD* 2>/dev/null | head -n1)
[ -n "$node" ]
result $? "device_node ${node:-none}"
sys=/sys/class/accel/$(basename "$node")/device
[ -d "$sys" ] || sys=/sys/class/drm/$(basename "$node")/device

# The card's interrupt: a real number (arm64 has no IRQ 0 to give).
irq=$(awk '/ cim$/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)
echo "cim irq ${irq:-none}"
[ -n "$irq" ] && [ "$irq" -gt 0 ]
result $? card_irq_valid

cimctl list >/tmp/out 2>&1
cat /tmp/out
grep -q "$node" /tmp/out
result $? cimctl_list
cimctl info >/tmp/out 2>&1
cat /tmp/out
grep -q -i tiles /tmp/out
result $? cimctl_info_query

run_exact 7
result $? builtin_mlp2_bit_exact

# A hang: the job times out, the card is reset, the job fails with a
# timeout and the next one computes again, bit-exact.
dbg=$(ls -d /sys/kernel/debug/accel/*/ 2>/dev/null | head -n1)
[ -n "$dbg" ] || dbg=$(ls -d /sys/kernel/debug/dri/*/ 2>/dev/null | grep -v '/[0-9]*/$' | head -n1)
before=$(cat "$sys/reset_count")
echo 1000 >"$sys/job_timeout_ms" 2>/dev/null
echo 1 >"${dbg}inject_hang"
cimctl run --builtin mlp2 --random 8 --batch 9 >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc != 0 ]
result $? hang_fails_the_job
after=$(cat "$sys/reset_count")
echo "reset_count $before -> $after"
[ "$after" -gt "$before" ]
result $? hang_resets_the_card
run_exact 9
result $? builtin_mlp2_bit_exact_after_reset

rmmod cim && rmmod cim_vcard
result $? unload_modules
echo "$pass passed, $fail failed"
[ $fail = 0 ]
