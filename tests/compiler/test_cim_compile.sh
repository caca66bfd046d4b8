#!/bin/sh
# cim-compile from the command line: a real ONNX model to a .cimx, the
# same bytes twice, accuracy, and clear errors for bad input.
# usage: test_cim_compile.sh CIM-COMPILE
set -u
cc=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
m=$top/tests/models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# expect NAME STATUS REGEX -- COMMAND...: exit status and an output line.
expect() {
	name=$1 want=$2 re=$3
	shift 4
	"$@" >"$tmp/out" 2>&1
	st=$?
	if [ "$st" = "$want" ] && { [ -z "$re" ] || grep -q -E -- "$re" "$tmp/out"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $st (want $want), output:"
		sed 's/^/    /' "$tmp/out"
	fi
}

expect help 0 '^usage: cim-compile' -- "$cc" --help
expect no-output 2 '-o MODEL.cimx is required' -- \
	"$cc" "$m/digits_mlp.onnx" --calib "$m/digits_calib.bin"
expect no-calib 2 '--calib FILE is required' -- \
	"$cc" "$m/digits_mlp.onnx" -o "$tmp/x.cimx"
expect bad-weights 2 'int8 or int4' -- \
	"$cc" "$m/digits_mlp.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" --weights int3
expect unknown-option 2 'unknown option --frobnicate' -- \
	"$cc" "$m/digits_mlp.onnx" --frobnicate
head -c 4096 /dev/urandom >"$tmp/junk.onnx"
expect not-onnx 1 "junk.onnx: " -- \
	"$cc" "$tmp/junk.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx"
expect missing-model 1 'nothere.onnx' -- \
	"$cc" "$tmp/nothere.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx"
expect bad-calib 1 'digits_mlp.onnx' -- \
	"$cc" "$m/digits_mlp.onnx" --calib "$m/digits_mlp.onnx" -o "$tmp/x.cimx"
expect too-big 1 'needs (at least )?[0-9]+ arrays .*the card has 1' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" \
	--tiles 1 --rows 32 --cols 32
# a model that cannot fit is refused from its shapes, before calibration
expect too-big-early 1 'needs at least [0-9]+ arrays of 32x32 cells as int8, the card has 1' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$tmp/no-calib.bin" -o "$tmp/x.cimx" \
	--tiles 1 --rows 32 --cols 32
# ... with the preset's tile count when --tiles is not given (small: 8)
expect too-big-early-preset 1 'needs at least [0-9]+ arrays of 32x32 cells as int8, the card has 8$' -- \
	"$cc" "$m/digits_mlp.onnx" --calib "$tmp/no-calib.bin" -o "$tmp/x.cimx" \
	--preset small --rows 32 --cols 32
expect no-file-on-error 0 '' -- test ! -e "$tmp/x.cimx"

mkdir -p "$tmp/a"
expect compile 0 'digits_cnn.cimx: [0-9]+ bytes' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/a/digits_cnn.cimx" \
	--weights int4 --report
grep -q 'utilization' "$tmp/out" && grep -q 'sqnr' "$tmp/out"
expect report 0 '' -- test $? = 0
"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/a/1.cimx" --weights int4 >/dev/null &&
"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/a/2.cimx" --weights int4 >/dev/null
expect deterministic 0 '' -- cmp "$tmp/a/1.cimx" "$tmp/a/2.cimx"
expect eval 0 'float_acc 96.30 % quant_acc 9[0-9]\.[0-9]+ %' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/a/3.cimx" \
	--eval "$m/digits_test.bin"

# Objectives (docs/cim-compile.md): the default (throughput) replicates
# layers over the card, area keeps one copy on the fewest arrays; the
# report predicts fps at batch 1, 8 and 16 on the userspace card, and
# the replicated mapping is several times faster there.
expect bad-objective 2 'throughput, latency or area' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" --objective fast
expect bad-preset 2 "unknown --preset 'm2000'" -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" --preset m2000
expect bad-batch 2 "bad --batch '0'" -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" --batch 0
for o in throughput latency area; do
	expect "objective-$o" 0 '^predicted b16 +[0-9.]+ fps' -- \
		"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" \
		-o "$tmp/a/$o.cimx" --objective $o --report
	cp "$tmp/out" "$tmp/$o.report"
done
fps() { awk -v b="$2" '$1 == "predicted" && $2 == b { print int($3) }' "$tmp/$1.report"; }
arrays() { awk '$1 == "arrays" { print $2 }' "$tmp/$1.report"; }
expect area-one-copy 0 '' -- test "$(arrays area)" -lt "$(arrays throughput)"
expect replicas-reported 0 '' -- grep -q -E ' [2-9][0-9]* +[0-9.]+$' "$tmp/throughput.report"
expect throughput-faster 0 '' -- test "$(fps throughput b8)" -gt $((4 * $(fps area b8)))
# --pack best keeps whichever of the two packings the scheduler runs faster
expect bad-pack 2 'best, first or sorted' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/x.cimx" --pack fast
for p in first sorted best; do
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" --preset small \
		-o "$tmp/a/p$p.cimx" --pack $p --report > "$tmp/p$p.report" 2>&1
done
most=$(fps pfirst b8)
test "$(fps psorted b8)" -gt "$most" && most=$(fps psorted b8)
expect pack-best-is-faster 0 '' -- test "$(fps pbest b8)" = "$most"
expect small-preset 0 'arrays +[0-9] of the card.s 8' -- \
	"$cc" "$m/digits_cnn.onnx" --calib "$m/digits_calib.bin" -o "$tmp/a/s.cimx" \
	--preset small --report

# Depthwise CONVs on the tile SIMD and duplicated windows (--builtin dwnet,
# small card): the default mapping moves the depthwise pair to the SIMD
# and predicts more fps than --no-simd-conv keeps on arrays.
expect dwnet-simd 0 '^simd macs +51840 per item' -- \
	"$cc" --builtin dwnet --preset small -o "$tmp/a/dw.cimx" --report
cp "$tmp/out" "$tmp/dw.report"
expect dwnet-no-simd 0 '' -- sh -c '! "$0" --builtin dwnet --preset small \
	-o "$1" --no-simd-conv --report | grep -q "^simd macs"' "$cc" "$tmp/a/dw2.cimx"
"$cc" --builtin dwnet --preset small -o "$tmp/a/dw2.cimx" --no-simd-conv \
	--report > "$tmp/dw2.report" 2>&1
expect dwnet-simd-faster 0 '' -- test "$(fps dw b8)" -gt "$(fps dw2 b8)"
# ... and its 1x1 expand CONV (K = 8) gets duplicated windows: K' = D * 8
kexp() { awk '$1 == "0" && $2 == "expand" { print $4 }' "$tmp/$1.report"; }
"$cc" --builtin dwnet --preset small -o "$tmp/a/dw3.cimx" --no-dup \
	--report > "$tmp/dw3.report" 2>&1
expect dwnet-dup 0 '' -- test "$(kexp dw)" -gt 8
expect dwnet-no-dup 0 '' -- test "$(kexp dw3)" = 8

echo "cim-compile tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
