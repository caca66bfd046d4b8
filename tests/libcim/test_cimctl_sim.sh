#!/bin/sh
# cimctl on the userspace card (firmware/sim/ in-process): no driver, no
# root.  The digits models (tests/models, compiled into build/models by
# the top Makefile) run bit-exact to the CPU reference, resident images
# survive the process through CIM_SIM_FLASH, and an unprivileged user runs
# a model; the sample application, unchanged, runs on it through
# CIM_DEVICE (shared and static libcim).
# Usage: test_cimctl_sim.sh CIMCTL MODELS_DIR TESTS_MODELS_DIR [EXAMPLES_DIR]
# Ends with the line "cimctl_sim: N passed, N failed".
set -u
C=$1
M=$2
D=$3
E=${4:-}
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
unset CIM_DEVICE CIM_SIM_FLASH

bad() {	# bad NAME MESSAGE
	fail=$((fail + 1))
	echo "FAIL: $1: $2"
	sed 's/^/  | /' "$T/out"
}
# expect NAME RC PATTERN... -- CMD...: CMD exits RC, its output matches every PATTERN
expect() {
	name=$1; want_rc=$2; shift 2
	pats=""
	while [ "$1" != "--" ]; do pats="$pats
$1"; shift; done
	shift
	"$@" > "$T/out" 2>&1
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		bad "$name" "exit $rc, expected $want_rc"; return
	fi
	missing=$(echo "$pats" | while IFS= read -r p; do
		[ -n "$p" ] && ! grep -q -- "$p" "$T/out" && echo "$p"; done)
	if [ -n "$missing" ]; then
		bad "$name" "no match for '$missing'"; return
	fi
	pass=$((pass + 1))
}

expect list 0 '^sim	sim	userspace' '^sim:small	sim:small	userspace' -- "$C" list
expect info-small 0 '^tiles  *8$' '^tile_rows  *256$' '^device  *sim:small$' -- \
	"$C" info sim:small
expect info-m1076 0 '^tiles  *76$' '^tile_cols  *1024$' -- "$C" info --dev sim
expect env-device 0 '^tiles  *8$' -- env CIM_DEVICE=sim:small "$C" info
expect bad-preset 1 "unknown preset" -- "$C" info sim:nosuch

# The held-out digits (540 samples) through the small card: bit-exact.
for m in mlp cnn; do
	for w in int8 int4; do
		expect "digits_${m}_${w}" 0 '^max_abs_diff 0$' '^mismatches 0 of 5400$' \
			'^top1 5[0-4][0-9] of 540' '^device_time_ns [1-9]' -- \
			"$C" run "$M/digits_${m}_$w.cimx" --dev sim:small \
			--input "$D/digits_test.bin" --show 0
	done
done
# Depthwise CONVs on the tile SIMD (cim-compile --builtin dwnet): bit-exact,
# and a slower SIMD clock (card parameter simd_mhz) costs device time.
for w in int8 int4; do
	expect "dwnet_${w}" 0 '^max_abs_diff 0$' '^mismatches 0 of 20$' -- \
		"$C" run "$M/dwnet_$w.cimx" --dev sim:small --random 3 --batch 2
done
t500=$("$C" run "$M/dwnet_int8.cimx" --dev sim:small --random 3 --batch 2 |
	sed -n 's/^device_time_ns //p')
t50=$("$C" run "$M/dwnet_int8.cimx" --dev sim:small,simd_mhz=50 --random 3 \
	--batch 2 | sed -n 's/^device_time_ns //p')
if [ -n "$t500" ] && [ -n "$t50" ] && [ "$t50" -gt "$t500" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: dwnet-simd-clock: device time $t50 ns at 50 MHz, $t500 ns at 500 MHz"
fi
# The default card (M1076-class) and the model compiled for it.
expect digits_cnn_m1076 0 '^max_abs_diff 0$' '^mismatches 0 of 5400$' -- \
	"$C" run "$M/m1076/digits_cnn_int8.cimx" --dev sim \
	--input "$D/digits_test.bin" --show 0
expect wrong-geometry 1 'compiled for 256x256 tiles, the card has 1024x1024' -- \
	"$C" run "$M/digits_cnn_int8.cimx" --dev sim

# Resident images outlive the process with a flash file.
export CIM_SIM_FLASH="$T/flash"
expect program-first 0 'programmed' -- \
	"$C" program "$M/digits_mlp_int8.cimx" --dev sim:small
expect program-again-hits 0 'already resident' -- \
	"$C" program "$M/digits_mlp_int8.cimx" --dev sim:small
expect images 0 '^1 images' '1 found on the card' ' ready ' -- \
	"$C" images sim:small
expect tiles 0 '^P/E min 0 max 1' -- "$C" tiles sim:small

# cimctl calibrate: right after programming (and its calibration) the
# old and new compensation are as good; a year later (same flash, the
# card aged) the cells have drifted and calibration brings the column
# error back down.
export CIM_SIM_FLASH="$T/flash-cal"
AN=sim:small,analog=1,seed=3
# "all   before B  after A": B > k * A
cal_ratio() {	# cal_ratio NAME K
	awk -v k="$2" '/^all / { b = $3; a = $5; found = 1 }
		END { exit !(found && a > 0 && b > k * a) }' "$T/out" ||
		bad "$1" "before not above $2 x after"
}
cal_close() {	# cal_close NAME: before within 1.5x of after
	awk '/^all / { b = $3; a = $5; found = 1 }
		END { exit !(found && a > 0 && b < 1.5 * a && a < 1.5 * b) }' \
		"$T/out" || bad "$1" "before and after differ"
}
expect calibrate-fresh 0 '^tile  columns  before  after' '^all   before ' -- \
	"$C" calibrate "$M/digits_cnn_int4.cimx" "$AN"
cal_close calibrate-fresh
expect calibrate-aged 0 '^all   before ' -- \
	"$C" calibrate "$M/digits_cnn_int4.cimx" "$AN,age_s=31536000"
cal_ratio calibrate-aged 4
unset CIM_SIM_FLASH
expect calibrate-ideal 0 '^all   before 0.000  after 0.000$' -- \
	"$C" calibrate "$M/digits_cnn_int4.cimx" sim:small
expect calibrate-help 0 'column error' -- "$C" calibrate --help
expect calibrate-nofile 1 'No such file' -- "$C" calibrate "$T/none.cimx" sim:small

# Someone without privileges (the userspace card needs none).
cp "$C" "$T/cimctl"
cp "$M/m1076/digits_mlp_int8.cimx" "$D/digits_test.bin" "$T/"
chmod 755 "$T/cimctl"
chmod 644 "$T/digits_mlp_int8.cimx" "$T/digits_test.bin"
if [ "$(id -u)" = 0 ]; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=""
fi
expect non-root 0 '^max_abs_diff 0$' '^mismatches 0 of 5400$' -- \
	$as_user sh -c "id -u | grep -qv '^0\$' && cd /tmp && \
		'$T/cimctl' run '$T/digits_mlp_int8.cimx' --dev sim --input '$T/digits_test.bin' --show 0"

# The same program as on a card: examples/hello, pointed at the sim.
if [ -n "$E" ]; then
	expect hello-shared 0 '^top1 [0-9]$' '^device_time_ns [1-9]' '^out 9 ' -- \
		env CIM_DEVICE=sim:small "$E/hello" "$M/digits_mlp_int8.cimx" 3
	grep '^out' "$T/out" > "$T/hello.out"
	expect hello-static 0 '^top1 [0-9]$' -- \
		env CIM_DEVICE=sim:small "$E/hello-static" "$M/digits_mlp_int8.cimx" 3
	if grep '^out' "$T/out" | cmp -s - "$T/hello.out"; then
		pass=$((pass + 1))
	else
		bad hello-same-outputs "shared and static runs differ"
	fi
fi

echo "cimctl_sim: $pass passed, $fail failed"
[ "$fail" = 0 ]
