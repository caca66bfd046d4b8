#!/bin/sh
# The VM integration suite (cim.mode=check), run by /init inside the VM.
# Every step prints PASS/FAIL; the last line is "N passed, N failed".
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
load() { insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko; }
unload() { rmmod cim && rmmod cim_vcard; }
# Run the C suite (or part of it) and add its counts to ours.
suite() {
	cim-vmtest "$@" >/tmp/suite.log 2>&1
	grep -v -E '^[0-9]+ passed, [0-9]+ failed' /tmp/suite.log
	pass=$((pass + $(grep -c '^PASS' /tmp/suite.log)))
	fail=$((fail + $(grep -c '^FAIL' /tmp/suite.log)))
	if ! grep -q -E '^(PASS|FAIL)' /tmp/suite.log; then
		fail=$((fail + 1))
		echo "FAIL cim-vmtest $* ran no test"
	fi
}

load
result $? load_modules
[ -c /dev/accel/accel0 ]
result $? accel_node_exists

# KUnit (kernel/tests/): in a kernel with CONFIG_KUNIT the suites ran when
# cim.ko loaded; each suite's "# NAME: pass:P fail:F" line from the kernel
# log is one result here.  cim.kunit=1 (the debug-kernel lane) requires
# them; Debian's kernels have no KUnit and print none.
kunit() {
	dmesg | grep -E '# cim_[a-z_]+: pass:[0-9]+ fail:[0-9]+' |
		sed 's/.*# \(cim_[a-z_]*\): pass:\([0-9]*\) fail:\([0-9]*\).*/\1 \2 \3/' >/tmp/kunit
	dmesg | grep -E '^\[[ 0-9.]*\] +not ok [0-9]+ ' | sed 's/^/  kunit: /'
	while read -r s p f; do
		echo "  kunit $s: $p passed, $f failed"
		[ "$f" = 0 ] && [ "$p" -gt 0 ]
		result $? "kunit_$s"
	done </tmp/kunit
	if grep -q 'cim\.kunit=1' /proc/cmdline; then
		[ "$(wc -l </tmp/kunit)" -ge 2 ]
		result $? kunit_suites_ran
	fi
}
kunit

# make test T=NAME: that test (or group) of the C suite alone.
if [ -n "$CIM_TEST" ]; then
	suite test "$CIM_TEST"
	unload
	result $? final_unload
	echo "$pass passed, $fail failed"
	[ $fail = 0 ]
	exit
fi

suite all

# The ioctl fuzzer (tests/vm/suite/fuzz.c): 100k ioctls with a printed
# seed, racing image loads and releases among them (the user leak of
# issue 15 is fixed) and random core DRM ioctls (--core); then an
# unload that must leave drm_mm clean (run-vm.sh fails on any WARN in
# the kernel log) and a fresh load for what follows.
suite fuzz --ioctls 100000 --race-images --core
unload && load
result $? reload_after_fuzz

cimctl list >/tmp/out 2>&1
grep -q /dev/accel/accel0 /tmp/out
result $? cimctl_list
cimctl info >/tmp/out 2>&1
grep -q -i tiles /tmp/out
result $? cimctl_info
cimctl run --builtin mlp2 --random 7 --batch 9 >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out && grep -q '^device_time_ns [1-9]' /tmp/out
result $? cimctl_run_bit_exact

# The digits models compiled from ONNX (cim-compile, tests/models): the
# held-out set through the card, bit-exact to the CPU reference.
for m in mlp cnn; do
	for w in int8 int4; do
		cimctl run /tests/digits_${m}_$w.cimx --input /tests/digits_test.bin \
			--batch 120 --show 0 >/tmp/out 2>&1
		rc=$?
		grep -E '^(model|image|mismatches|max_abs|device_time|top1)' /tmp/out
		[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out &&
			grep -q '^mismatches 0 of 1200$' /tmp/out &&
			grep -q -E '^top1 (1[01][0-9]|120) of 120' /tmp/out
		result $? "digits_${m}_${w}_on_card_bit_exact"
	done
done

# cim-compile --builtin dwnet: replicated 1x1 CONVs on arrays, the depthwise
# CONVs on the tiles' SIMD units; bit-exact to the CPU reference.
for w in int8 int4; do
	cimctl run /tests/dwnet_$w.cimx --random 3 --batch 2 >/tmp/out 2>&1
	rc=$?
	grep -E '^(mismatches|max_abs|device_time)' /tmp/out
	[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out &&
		grep -q '^mismatches 0 of 20$' /tmp/out &&
		grep -q '^device_time_ns [1-9]' /tmp/out
	result $? "dwnet_${w}_simd_conv_on_card_bit_exact"
done

# A pre-quantized (QDQ) model (tests/models/digits_qdq.onnx): it runs
# bit-exact on the card, and the input and output scales and zero points
# the card's model carries are the ones in the file's QuantizeLinear
# pairs (digits_qdq_scales.txt; %g prints 6 digits).
qdq_same() {	# "scale zp" from cimctl's line $1, the file's entry $2
	got=$(sed -n "s/^$1 .*, scale \([^,]*\), zero point \(-*[0-9]*\).*/\1 \2/p" /tmp/out)
	want=$(awk -v n="$2" '$1 == n { print $2, $3 }' /tests/digits_qdq_scales.txt)
	echo "  $1: $got (file: $want)"
	[ -n "$got" ] && [ -n "$want" ] &&
		awk -v g="$got" -v w="$want" 'BEGIN { split(g, a, " ");
			split(w, b, " "); d = a[1] - b[1]; if (d < 0) d = -d;
			exit !(d <= 1e-5 * b[1] && a[2] == b[2]) }'
}
cimctl run /tests/digits_qdq_int4.cimx --random 3 --batch 2 >/tmp/out 2>&1
rc=$?
grep -E '^(mismatches|max_abs)' /tmp/out
[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out &&
	grep -q '^mismatches 0 of 20$' /tmp/out
result $? qdq_model_on_card_bit_exact
qdq_same input input && qdq_same output logits
result $? qdq_model_scales_from_file

# The sample application (examples/hello.c: <cim.h> and pkg-config
# alone), linked shared and static: it runs an inference, and both
# builds print the same outputs.
hello /tests/digits_mlp_int8.cimx 3 >/tmp/hello 2>&1
rc=$?
hello-static /tests/digits_mlp_int8.cimx 3 >/tmp/hello_s 2>&1
rc_s=$?
cat /tmp/hello
[ $rc = 0 ] && [ $rc_s = 0 ] && [ "$(grep -c '^out [0-9]' /tmp/hello)" = 10 ] &&
	grep -q -E '^top1 [0-9]$' /tmp/hello && grep -q '^device_time_ns [1-9]' /tmp/hello &&
	[ "$(grep '^out' /tmp/hello)" = "$(grep '^out' /tmp/hello_s)" ]
result $? sample_hello_runs_inference

# Resident images and tile wear through cimctl.
cimctl images >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 0 ] && grep -q -E '^ +[0-9]+  [0-9a-f]{12}  ' /tmp/out && grep -q 'images; since the driver bound' /tmp/out
result $? cimctl_images_lists_resident
cimctl tiles >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 0 ] && [ "$(grep -c -E '^ +[0-7]  +[0-9]+' /tmp/out)" = 8 ] && grep -q '^P/E min' /tmp/out &&
	grep -q -E '^tile +pe_cycles +slot +busy_us +mvms +macs +simd_ops +simd_us +pulses$' /tmp/out &&
	grep -q -E '^ +[0-7]  +[0-9]+  +[0-9-]+  +[0-9]+  +[1-9][0-9]*  +[1-9][0-9]*  +[1-9]' /tmp/out
result $? cimctl_tiles_shows_wear_and_activity

# cimctl monitor: a job between samples shows as a tile line with MVMs;
# SIGINT ends it with status 0; a bad --interval is a usage error.
cimctl monitor --interval 200 --count 2 >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 0 ] && [ "$(grep -c '^sample [01]  t [0-9.]* s  power [a-z-]*  temp_c ' /tmp/out)" = 2 ] &&
	grep -q '^monitor /dev/accel/accel0  every 200 ms' /tmp/out
result $? cimctl_monitor_count
cimctl monitor --interval 200 >/tmp/mon 2>&1 &
mon=$!
sleep 0.5
cimctl run --builtin mlp2 --random 3 --batch 64 >/dev/null 2>&1
sleep 0.6
kill -INT $mon
wait $mon
rc=$?
cat /tmp/mon
[ $rc = 0 ] && grep -q '^monitor /dev/accel/accel0  every 200 ms' /tmp/mon &&
	sed -n '/^sample [1-9]/,$p' /tmp/mon | grep -q -E '^  tile [0-9]+  busy_us \+[0-9]+  mvms \+[1-9]'
result $? cimctl_monitor_shows_job_mvms
cimctl monitor --interval x >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 2 ] && grep -q "bad --interval 'x'" /tmp/out
result $? cimctl_monitor_bad_interval

# The catalog survives `rmmod cim; insmod cim.ko` while the card (the
# virtual card module) stays loaded: nothing is programmed again.
i=1
while [ $i -le 3 ]; do
	suite persist_pre
	rmmod cim && insmod /modules/cim.ko
	result $? "reload_cim_only_$i"
	suite persist_post
	cimctl images >/tmp/out 2>&1
	grep -q ' 0 programmed,.* [1-9][0-9]* found on the card' /tmp/out
	result $? "cimctl_images_after_reload_$i"
	i=$((i + 1))
done

# A card whose every reset fails: state=failed, and both modules unload
# cleanly (the kernel log is judged after the run); a new card works.
echo -1 >/sys/module/cim_vcard/parameters/reset_fail &&
	echo 1 >/sys/kernel/debug/accel/0/force_reset &&
	[ "$(cat /sys/class/accel/accel0/device/state)" = failed ] &&
	unload && load && [ "$(cat /sys/class/accel/accel0/device/state)" = ok ]
result $? failed_card_unloads_cleanly

# Unplug (unbind) with the card and a debugfs file that reads its
# registers open: a read after it fails (the file is gone, or ENODEV from
# the driver's guard) and the kernel log stays clean; bind again works.
dev=$(basename "$(readlink /sys/class/accel/accel0/device)")
exec 4</dev/accel/accel0
exec 3</sys/kernel/debug/accel/0/progress
echo "$dev" >/sys/bus/platform/drivers/cim/unbind
cat <&3 >/tmp/out 2>&1
rc=$?
cat /tmp/out
exec 3<&- 4<&-
[ $rc != 0 ] && echo "$dev" >/sys/bus/platform/drivers/cim/bind &&
	[ "$(cat /sys/class/accel/accel0/device/state)" = ok ]
result $? debugfs_read_after_unplug_fails_cleanly

# Reload both modules again and again; the card keeps working.
i=1
while [ $i -le 5 ]; do
	unload && load
	result $? "reload_cycle_$i"
	# A new virtual card is a new card: nothing resident, no wear.
	cimctl images >/tmp/out 2>&1
	grep -q '^0 images;' /tmp/out && cimctl tiles | grep -q '^P/E min 0 max 0'
	result $? "new_card_is_empty_$i"
	suite lib lib_infer_matches_reference
	i=$((i + 1))
done

# cimctl program on a new card: programmed, then a hit; it stays resident.
cimctl program /tests/digits_mlp_int8.cimx >/tmp/p1 2>&1
rc1=$?
cimctl program /tests/digits_mlp_int8.cimx >/tmp/p2 2>&1
rc2=$?
cimctl images >/tmp/out 2>&1
cat /tmp/p1 /tmp/p2 /tmp/out
[ $rc1 = 0 ] && [ $rc2 = 0 ] && grep -q '  programmed$' /tmp/p1 &&
	grep -q '  already resident (hit)$' /tmp/p2 && grep -q '^image [0-9]* bytes  tiles [1-9]' /tmp/p2 &&
	bytes=$(sed -n 's/^image \([0-9]*\) bytes.*/\1/p' /tmp/p2) &&
	grep -q -E "^ +[0-9]+  [0-9a-f]{12}  +$bytes  +[1-9]  +0  ready" /tmp/out
result $? cimctl_program_stays_resident
cimctl program /tests/digits_test.bin >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 1 ] && grep -q 'digits_test.bin: .*not a .cimx' /tmp/out
result $? cimctl_program_bad_file

# cimctl reset: reset_count rises by one, the card still computes.
cimctl reset >/tmp/out 2>&1
rc=$?
cat /tmp/out
before=$(sed -n 's/^reset_count_before //p' /tmp/out)
after=$(sed -n 's/^reset_count_after //p' /tmp/out)
[ $rc = 0 ] && [ -n "$before" ] && [ "$after" = $((before + 1)) ]
result $? cimctl_reset_counts
cimctl run --builtin mlp2 --random 7 --batch 9 >/tmp/out 2>&1
[ $? = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out
result $? cimctl_run_after_reset

# The card goes away (driver unbound, as on hot unplug) while a process
# has BOs, an image and jobs on it.
cim-vmtest hold 120 >/tmp/hold.log 2>&1 &
holder=$!
n=0
while ! grep -q 'hold: running' /tmp/hold.log && [ $n -lt 100 ]; do
	sleep 0.2
	n=$((n + 1))
done
sleep 1
rmmod cim
[ $? != 0 ]
result $? rmmod_cim_refused_while_open
card=$(basename "$(readlink /sys/class/accel/accel0/device)")
echo "$card" >/sys/bus/platform/drivers/cim/unbind
result $? unplug_card_with_jobs_in_flight
wait $holder
rc=$?
cat /tmp/hold.log
grep -q 'last -19' /tmp/hold.log && [ $rc = 0 ]
result $? holder_sees_enodev_and_exits
echo "$card" >/sys/bus/platform/drivers/cim/bind && [ -c /dev/accel/accel0 ]
result $? rebind_after_unplug
suite lib lib_infer_matches_reference

# Analog arrays (docs/analog-model.md): the virtual card reloaded in the
# mode each group needs (tests/vm/suite/test_analog.c).
analog_load() { insmod /modules/cim_vcard.ko preset=small analog=1 seed=5 "$@" && insmod /modules/cim.ko; }
# A weak column (tile 0, column 0) and no spare column: the load fails.
unload && analog_load spare_cols=0 weak_col_ppm=0 weak_col=0
result $? load_analog_weak_column
suite analog_verify
# Noise on, then the same seed again after a reload: same outputs.
unload && analog_load
result $? load_analog
rm -f /tmp/analog_det.bin
export CIM_VMTEST_DET=save
suite analog_det
suite analog
unload && analog_load
result $? reload_analog_same_seed
export CIM_VMTEST_DET=compare
suite analog_det
unset CIM_VMTEST_DET
# Range calibration off, then on (the default), same seed and model: the
# error after CALIBRATE is lower with it.
rm -f /tmp/analog_range.txt
unload && analog_load adc_cal_sigma_q4=0
result $? load_analog_range_off
export CIM_VMTEST_RANGE=save
suite analog_range
unload && analog_load
result $? load_analog_range_on
export CIM_VMTEST_RANGE=compare
suite analog_range
unset CIM_VMTEST_RANGE
# The userspace card ran the same model with the same seed and card
# parameters at build time (tests/sim/simcmp.c): a fresh card here gives
# the same output bytes and the same modeled device time.
unload && analog_load
result $? load_analog_for_sim
cim-simcmp compare /tests/sim_analog.bin /tests/digits_cnn_int8.cimx 64
result $? sim_analog_same_as_vcard
# Back to the ideal card: bit-exact again.
unload && load
result $? load_ideal_again
suite analog_ideal
cim-simcmp compare /tests/sim_ideal_b8.bin /tests/digits_cnn_int8.cimx 8
result $? sim_ideal_same_as_vcard

# The digits-trained torchvision zoo (tests/models/gen_digits_zoo.py):
# none of it fits the small card (squeezenet1_1 needs 23 arrays of
# 256x256 as int8), so the virtual card is reloaded as the default
# M1076-class card, for which these were compiled (the Makefile's
# VM_ZOO): 16 held-out samples, bit-exact to the CPU reference.
unload && insmod /modules/cim_vcard.ko && insmod /modules/cim.ko
result $? load_m1076_card
for a in squeezenet1_1 shufflenet_v2_x1_0; do
	cimctl run /tests/digits_${a}_int8.cimx --input /tests/digits_zoo_test16.bin \
		--show 0 >/tmp/out 2>&1
	rc=$?
	grep -E '^(image|mismatches|max_abs|device_time|top1)' /tmp/out
	[ $rc = 0 ] && grep -q '^max_abs_diff 0$' /tmp/out &&
		grep -q '^mismatches 0 of 160$' /tmp/out &&
		grep -q '^device_time_ns [1-9]' /tmp/out
	result $? "digits_${a}_int8_on_m1076_card_bit_exact"
done

unload
result $? final_unload

echo "$pass passed, $fail failed"
[ $fail = 0 ]
