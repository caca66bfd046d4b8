#!/bin/sh
# SPDX-License-Identifier: MIT
# The digits-trained torchvision zoo (tests/models/gen_digits_zoo.py,
# generated into ZOO by the top Makefile, not committed).
#
#   digits_zoo.sh check CIMC CIMCTL ZOO_CHECK ZOO
#       every architecture: the float import matches PyTorch and the int8
#       model quantized with 4 samples keeps its SQNR (zoo_check); then
#       cim-compile --weights int8 (M1076-class card, the 200 calibration
#       samples) and the first CHECK_N held-out samples on the userspace
#       card (cimctl run --dev sim): bit-exact to the CPU reference, and
#       the card's top-1 on them within CHECK_PTS points of PyTorch's float
#       top-1 on the whole held-out set (a trained model, a sane
#       quantization; the exact targets are bench figures).  Fails if any
#       does not.  Ends with "digits_zoo: N passed, N failed".
#   digits_zoo.sh bench CIMC CIMCTL ZOO
#       every architecture, int8 and int4, all 540 held-out samples on the
#       userspace card: bench lines digits_<arch>_float_acc (PyTorch),
#       digits_<arch>_int8_acc and _int4_acc (the card, top-1 percent),
#       and the compile time of each.  Never fails on a target; fails if
#       a run is not bit-exact to the CPU reference.
# DIGITS_ZOO_ARCHS limits the list, DIGITS_ZOO_WEIGHTS the bench's modes.
set -u
mode=$1
shift
case $mode in
check) cimc=$1 cimctl=$2 zcheck=$3 zoo=$4 ;;
bench) cimc=$1 cimctl=$2 zoo=$3 ;;
*) echo "usage: digits_zoo.sh check|bench ..." >&2; exit 2 ;;
esac
archs=${DIGITS_ZOO_ARCHS:-"resnet18 mobilenet_v2 shufflenet_v2_x1_0 efficientnet_b0 squeezenet1_1"}
weights=${DIGITS_ZOO_WEIGHTS:-"int8 int4"}
CHECK_N=${CHECK_N:-100}
CHECK_PTS=5
pass=0
fail=0
[ -f "$zoo/accuracy.txt" ] || { echo "digits_zoo: no $zoo/accuracy.txt (make digits-zoo)" >&2; exit 1; }

# float top-1 percent PyTorch measured for $1
float_acc() {
	awk -v n="digits_$1_float_acc" '$1 == n { print $2 }' "$zoo/accuracy.txt"
}

# compile ARCH W: $zoo/ARCH_W.cimx, the log in $zoo/ARCH_W.log
compile() {
	"$cimc" "$zoo/$1.onnx" --calib "$zoo/calib.bin" --weights "$2" \
		-o "$zoo/$1_$2.cimx" >"$zoo/$1_$2.log" 2>&1
}

# run ARCH W N: the first N held-out samples on the userspace card
run() {
	"$cimctl" run "$zoo/$1_$2.cimx" --dev sim --input "$zoo/test.bin" \
		--batch "$3" --show 0 >"$zoo/$1_$2.run" 2>&1
}

bad() {
	echo "FAIL: digits_zoo $1: $2"
	fail=$((fail + 1))
}

for a in $archs; do
	f=$(float_acc "$a")
	[ -n "$f" ] && [ -f "$zoo/$a.onnx" ] || { bad "$a" "not generated"; continue; }
	case $mode in
	check)
		if ! "$zcheck" "$zoo/$a.onnx" "$zoo/${a}_ref.bin" "$zoo/calib_small.bin" \
			>"$zoo/$a.zoo_check" 2>&1; then
			bad "$a" "does not match PyTorch: $(tail -n 1 "$zoo/$a.zoo_check")"
			continue
		fi
		compile "$a" int8 || { bad "$a" "$(tail -n 1 "$zoo/${a}_int8.log")"; continue; }
		run "$a" int8 "$CHECK_N"
		rc=$?
		top=$(sed -n 's/^top1 \([0-9]*\) of .*/\1/p' "$zoo/${a}_int8.run")
		if [ $rc != 0 ] || ! grep -q '^max_abs_diff 0$' "$zoo/${a}_int8.run" ||
			! grep -q "^mismatches 0 of $((CHECK_N * 10))\$" "$zoo/${a}_int8.run" ||
			[ -z "$top" ]; then
			bad "$a" "not bit-exact on the userspace card (exit $rc)"
			sed 's/^/  | /' "$zoo/${a}_int8.run"
			continue
		fi
		q=$(awk "BEGIN { printf \"%.2f\", 100 * $top / $CHECK_N }")
		if awk "BEGIN { exit !($q < $f - $CHECK_PTS) }"; then
			bad "$a" "int8 top-1 $q % on $CHECK_N samples, float $f %"
			continue
		fi
		echo "digits_zoo $a: int8 bit-exact on the userspace card, top-1 $q % of $CHECK_N (float $f %)"
		pass=$((pass + 1))
		;;
	bench)
		echo "bench: digits_${a}_float_acc $f %"
		for w in $weights; do
			t0=$(date +%s.%N)
			if ! compile "$a" $w; then
				echo "bench: digits_${a}_${w}_acc fail ($(tail -n 1 "$zoo/${a}_$w.log"))"
				continue
			fi
			t1=$(date +%s.%N)
			echo "bench: digits_${a}_compile_${w}_s $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
			# the ideal card must be bit-exact: a run that is not fails
			run "$a" $w 540
			rc=$?
			q=$(sed -n 's/^top1 [0-9]* of [0-9]* (\([0-9.]*\) %).*/\1/p' "$zoo/${a}_$w.run")
			if [ $rc != 0 ] || [ -z "$q" ] || ! grep -q '^max_abs_diff 0$' "$zoo/${a}_$w.run"; then
				echo "bench: digits_${a}_${w}_acc fail ($(tail -n 1 "$zoo/${a}_$w.run"))"
				fail=$((fail + 1))
				continue
			fi
			echo "bench: digits_${a}_${w}_acc $q %"
		done
		;;
	esac
done
[ "$mode" = bench ] && exit $((fail != 0))
echo "digits_zoo: $pass passed, $fail failed"
[ $fail -eq 0 ]
