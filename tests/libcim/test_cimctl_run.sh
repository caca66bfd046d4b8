#!/bin/sh
# cimctl end to end over the fake driver (cimctl-fake: cimctl linked with
# fake_kernel.c).  Usage: test_cimctl_run.sh CIMCTL_FAKE
# Prints a cmocka-style summary line so that `make check` counts it.
set -u
C=$1
D=/fake/accel0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() {	# ok NAME: the last check passed
	pass=$((pass + 1))
}
bad() {	# bad NAME MESSAGE
	fail=$((fail + 1))
	echo "FAIL: $1: $2"
	sed 's/^/  | /' "$T/out" "$T/err"
}
# expect NAME RC PATTERN... -- CMD...: CMD exits RC, stdout+stderr match every PATTERN
expect() {
	name=$1; want_rc=$2; shift 2
	pats=""
	while [ "$1" != "--" ]; do pats="$pats
$1"; shift; done
	shift
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		bad "$name" "exit $rc, expected $want_rc"; return
	fi
	echo "$pats" | while IFS= read -r p; do
		[ -z "$p" ] && continue
		if ! cat "$T/out" "$T/err" | grep -q -- "$p"; then
			echo "$p" > "$T/missing"
		fi
	done
	if [ -s "$T/missing" ]; then
		bad "$name" "no match for '$(cat "$T/missing")'"; rm -f "$T/missing"; return
	fi
	ok "$name"
}

expect run-default 0 '^max_abs_diff 0$' '^device_time_ns 1007$' '^item 0:' \
	'4 tiles' -- "$C" run --dev $D
expect run-tiny-batch 0 '^max_abs_diff 0$' '^device_time_ns 5007$' \
	'^item 3:' -- "$C" run --dev $D --builtin tiny --random 3 --batch 5
expect run-show-none 0 '^max_abs_diff 0$' -- "$C" run --dev $D --show 0
if grep -q '^item' "$T/out"; then bad run-show-none "items printed"; else ok x; fi
expect build-image 0 'mlp2 for 256x256' -- \
	"$C" build-image --rows 256 --cols 256 -o "$T/m.cimi"
expect run-model-file 0 '^max_abs_diff 0$' '^batch     2$' -- \
	"$C" run --dev $D --model "$T/m.cimi" --batch 2
expect build-other-geometry 0 '' -- \
	"$C" build-image --rows 128 --cols 256 -o "$T/g.cimi"
expect run-wrong-geometry 1 'compiled for 128x256 tiles, the card has 256x256' -- \
	"$C" run --dev $D --model "$T/g.cimi"
head -c 600 "$T/m.cimi" > "$T/in.bin"	# any 600 bytes: 2 inputs
expect run-input-file 0 '^batch     2$' '^max_abs_diff 0$' -- \
	"$C" run --dev $D --input "$T/in.bin"
expect run-input-short 1 'need' -- \
	"$C" run --dev $D --input "$T/in.bin" --batch 3
head -c 301 "$T/m.cimi" > "$T/odd.bin"
expect run-input-ragged 1 'whole number' -- "$C" run --dev $D --input "$T/odd.bin"
expect run-not-an-image 1 'not a CIM weight image' -- \
	"$C" run --dev $D --model "$T/in.bin"
expect run-mismatch 1 '^max_abs_diff 1$' '^device_time_ns' -- \
	env CIM_FAKE_CORRUPT=1 "$C" run --dev $D
expect run-dma-error 1 'inference failed' 'DMA error' -- \
	env CIM_FAKE_JOB_STATUS=3 "$C" run --dev $D
expect images-old-driver 1 'cannot list the images' 'driver too old' -- \
	"$C" images $D
expect images 0 '^slot  sha256 ' '^   1  101112131415       1001      2      1  ready ' \
	'^2 images; since the driver bound: 11 programmed, 22 hits, 33 evicted, 44 found on the card$' -- \
	env CIM_FAKE_IMAGES=2 "$C" images $D
expect images-help 0 'least recently used first' -- "$C" images --help
expect tiles 0 '^tile  pe_cycles  slot     busy_us        mvms          macs    simd_ops     simd_us      pulses$' \
	'^   7         21     -           8         107          7000          10           9          11$' \
	'^   2          6     2           3         102          2000           5           4           6$' \
	'^P/E min 0 max 21 mean 10.50 max/mean 2.000$' -- \
	env CIM_FAKE_IMAGES=0 "$C" tiles $D
expect tiles-old-driver 0 '^   2          6     2           -           -             -           -           -           -$' \
	'^P/E min 0 max 21 mean 10.50 max/mean 2.000$' -- \
	env CIM_FAKE_IMAGES=0 CIM_FAKE_TILES_SHORT=1 "$C" tiles $D
expect tiles-bad-args 2 'more than one device' -- "$C" tiles 1 2
expect newer-driver 1 'kernel driver speaks uapi 2, libcim 1: upgrade libcim' -- \
	env CIM_FAKE_UAPI=2 "$C" info $D
expect newer-firmware 1 'firmware is 3.1.*upgrade libcim' -- \
	env CIM_FAKE_FW=0x00030001 "$C" run --dev $D
expect info 0 '^tile_rows        256$' '^uapi_version     1' '^fw_version       2.0$' -- \
	"$C" info $D
expect info-other-geometry 0 '^tile_cols        512$' -- env CIM_FAKE_COLS=512 "$C" info $D
expect run-small-tiles 0 '^max_abs_diff 0$' '38 tiles' -- \
	env CIM_FAKE_ROWS=64 CIM_FAKE_COLS=64 CIM_FAKE_TILES=64 "$C" run --dev $D
expect run-too-few-tiles 1 'needs 38 tiles, the card has 8' -- \
	env CIM_FAKE_ROWS=64 CIM_FAKE_COLS=64 "$C" run --dev $D
for cmd in list info run build-image; do
	expect "help-$cmd" 0 "usage: cimctl $cmd" -- "$C" $cmd --help
done
expect run-exit-margin-bad 2 "bad --exit-margin '300' (0..255" -- \
	"$C" run --dev $D --exit-margin 300
expect run-exit-margin-no-exits 1 'the model has no early exits' -- \
	"$C" run --dev $D --exit-margin 3
expect help-exit-margin 0 '--exit-margin N' -- "$C" run --help
expect help 0 'usage: cimctl' -- "$C" --help
expect unknown-command 2 "unknown command 'frob'" -- "$C" frob
expect bad-option 2 'unknown option --frob' -- "$C" run --frob
expect no-such-device 1 'cannot open' -- "$C" info /nonexistent/accel7

# --json: every document valid against docs/cimctl-json.schema.json.
J=$(dirname "$0")/../tools/check_cimctl_json.py
json() {	# json NAME COMMAND [KEY=VALUE...] -- CMD...: CMD's output checks
	name=$1; jcmd=$2; shift 2
	keys=""
	while [ "$1" != "--" ]; do keys="$keys $1"; shift; done
	shift
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" != 0 ]; then
		bad "$name" "exit status $rc"; return
	fi
	# shellcheck disable=SC2086
	if /usr/bin/python3 "$J" "$jcmd" $keys < "$T/out" > "$T/err" 2>&1; then
		ok "$name"
	else
		bad "$name" "$(cat "$T/err")"
	fi
}
json json-info info tile_rows=256 cell_bits=4 -- "$C" info --json $D
json json-images images -- env CIM_FAKE_IMAGES=2 "$C" images --json $D
json json-tiles tiles -- env CIM_FAKE_IMAGES=0 "$C" tiles $D --json
json json-tiles-old tiles -- env CIM_FAKE_IMAGES=0 CIM_FAKE_TILES_SHORT=1 "$C" tiles --json $D
if grep -q '"macs":null' "$T/out"; then ok x; else bad json-tiles-old "no null counters"; fi
json json-list list -- "$C" list --json
expect json-bad-value 2 '--json takes no value' -- "$C" info --json=yes $D
expect bad-prefix 2 'unknown option --bat' -- "$C" run --bat 3

if [ "$fail" != 0 ]; then
	echo "[  FAILED  ] $fail test(s)."
	exit 1
fi
echo "[  PASSED  ] $pass test(s)."
