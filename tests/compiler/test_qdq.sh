#!/bin/sh
# A pre-quantized (QDQ) model (tests/models/gen_qdq.py, PyTorch fake-quant
# export): the compiled model's activation scales and zero points are the
# ones in the file (digits_qdq_scales.txt), the report says so, and the
# convolution's weights (a 4-bit grid in int8 codes) are kept.
# usage: test_qdq.sh CIM-COMPILE MODELS-DIR
set -eu
cc=$1
models=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_qdq: $*" >&2; exit 1; }

"$cc" "$models/digits_qdq.onnx" --calib "$models/digits_calib.bin" \
	--weights int4 -o "$tmp/q.cimx" --report >"$tmp/r" || fail "compile"
scales=digits_qdq_scales.txt
# name in the file -> the report line that carries it
check() {
	line=$(grep -E "$2" "$tmp/r" | head -1)
	[ -n "$line" ] || fail "$1: no report line"
	echo "$line" | grep -q 'qdq-from-file' || fail "$1: not from the file: $line"
	s=$(echo "$line" | sed -n 's/.* scale \([0-9.e+-]*\) zp.*/\1/p')
	z=$(echo "$line" | sed -n 's/.* zp \(-*[0-9]*\)$/\1/p')
	want=$(awk -v n="$1" '$1 == n { print $2, $3 }' "$models/$scales")
	[ -n "$want" ] || fail "$1: not in $scales"
	awk -v s="$s" -v z="$z" -v w="$want" 'BEGIN { split(w, a, " ");
		d = s - a[1]; if (d < 0) d = -d;
		exit !(d <= 1e-6 * a[1] && z == a[2]) }' ||
		fail "$1: scale $s zp $z, the file says $want"
	echo "  $1: scale $s zp $z (file: $want)"
}
check input '^input '
check conv '^layer /Conv '
check logits '^layer /Gemm '
grep -q '^layer /Conv .*weights int4-grid-from-file' "$tmp/r" ||
	fail "the 4-bit weight grid was not kept"
# the same model without its QDQ parameters would calibrate: not here
grep -q '^layer /Gemm .*out calibrated' "$tmp/r" && fail "logits calibrated"

# The layout of ONNX Runtime's quantize_static (QDQ format, per-channel
# int8 weights without QuantizeLinear, int32 biases through
# DequantizeLinear, uint8 activations; tests/models/gen_qdq_ort.py).
"$cc" "$models/digits_qdq_ort.onnx" --calib "$models/digits_calib.bin" \
	--weights int8 -o "$tmp/o.cimx" --report >"$tmp/r" || fail "compile ORT layout"
scales=digits_qdq_ort_scales.txt
check input '^input '
check relu '^layer /conv/Conv '
check logits '^layer /fc/Gemm '
grep -q '^layer /fc/Gemm .*out calibrated' "$tmp/r" && fail "ORT logits calibrated"
echo "test_qdq: ok"
