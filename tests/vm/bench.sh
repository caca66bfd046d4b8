#!/bin/sh
# cim.mode=bench: the job-path benchmarks on the small virtual card.
# Prints "bench: <name> <value> <unit>" lines (tests/vm/suite/bench.c).
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko || exit 1
cim-vmtest bench
rc=$?
# fuzz_ioctls, fuzz_ioctls_per_s: the ioctl fuzzer's rate (fuzz.c).
cim-vmtest fuzz --ioctls 100000 >/tmp/fuzz.log 2>&1 || rc=1
grep -E '^(bench:|fuzz:|FAIL)' /tmp/fuzz.log
# The userspace card's modeled device time for the same image and batch
# (run at build time, tests/sim/simcmp.c) over this card's: must be 1.
cim-simcmp compare /tests/sim_ideal_b8.bin /tests/digits_cnn_int8.cimx 8 \
	>/tmp/simcmp 2>&1 || rc=1
cat /tmp/simcmp
sed -n 's/^device_time_ratio \(.*\)/bench: sim_vs_vcard_device_time \1 x/p' /tmp/simcmp

# recovery_ms_<kind>: host time of one recovery (reset through the
# resident image programmed again), as the driver measures it (debugfs
# resets, last_recovery_us); a timeout's detection time is not in it.
D=/sys/kernel/debug/accel/0
P=/sys/module/cim_vcard/parameters
recovery() {
	kind=$1
	step=$(sed -n 's/^last_step //p' $D/resets)
	us=$(sed -n 's/^last_recovery_us //p' $D/resets)
	if [ -n "$us" ] && [ "$(sed -n 's/^state //p' $D/resets)" = ok ]; then
		echo "bench: recovery_ms_$kind $(awk "BEGIN { printf \"%.1f\", $us / 1000 }") ms_host"
	else
		echo "bench: failed recovery_ms_$kind (step $step)"
		rc=1
	fi
}
cimctl program /tests/digits_mlp_int8.cimx >/dev/null 2>&1 || rc=1
echo 1 >$D/force_reset && recovery forced
echo 1 >$P/reset_fail && echo 1 >$D/force_reset && recovery retry
echo 4 >$P/reset_fail && echo 1 >$D/force_reset && recovery reinit
echo 500 >/sys/class/accel/accel0/device/job_timeout_ms
echo 1 >$D/inject_hang
cimctl run --builtin mlp2 --random 7 --batch 9 >/dev/null 2>&1
sleep 1
recovery timeout
echo 10000 >/sys/class/accel/accel0/device/job_timeout_ms
echo 1 >$D/inject_fw_crash
cimctl run --builtin mlp2 --random 7 --batch 9 >/dev/null 2>&1
sleep 1
recovery crash
rmmod cim && rmmod cim_vcard || rc=1
exit $rc
