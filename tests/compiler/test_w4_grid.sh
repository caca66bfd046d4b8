#!/bin/sh
# Weights already on a 4-bit grid per channel (the hardware-aware
# retrained digits CNN, tests/models/gen_digits_hwa.py) are detected and
# kept; the report says where each layer's weights came from.
# usage: test_w4_grid.sh CIM-COMPILE MODELS-DIR
set -eu
cc=$1
models=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_w4_grid: $*" >&2; exit 1; }

"$cc" "$models/digits_cnn_hwa.onnx" --calib "$models/digits_calib.bin" \
	--weights int4 -o "$tmp/hwa.cimx" --report \
	--eval "$models/digits_test.bin" >"$tmp/hwa" || fail "compile hwa"
n=$(grep -c '^layer .* w4 .*weights int4-grid-from-file  out ' "$tmp/hwa" || true)
[ "$n" = 6 ] || fail "hwa: $n of 6 layers kept on their grid"
grep '^layer .* w4 ' "$tmp/hwa" | grep -v 'int4-grid-from-file' && fail "hwa: a layer left its grid"
# the grid is kept exactly: only the activations' rounding is left
q=$(sed -n 's/.*quant_acc \([0-9.]*\) %.*/\1/p' "$tmp/hwa")
[ -n "$q" ] || fail "hwa: no eval"
awk -v q="$q" 'BEGIN { exit !(q >= 97.0) }' || fail "hwa: int4 accuracy $q % < 97 %"

"$cc" "$models/digits_cnn.onnx" --calib "$models/digits_calib.bin" \
	--weights int4 -o "$tmp/f.cimx" --report >"$tmp/f" || fail "compile float"
n=$(grep -c '^layer .* w4 .*weights int4-search  out ' "$tmp/f" || true)
[ "$n" = 5 ] || fail "float model: $n of 5 layers searched"
# its depthwise CONV runs on the tile SIMD, whose weights are 8-bit
n=$(grep -c '^layer .* w8 .*weights int8-symmetric  out ' "$tmp/f" || true)
[ "$n" = 1 ] || fail "float model: $n of 1 depthwise layer 8-bit on the SIMD"
"$cc" "$models/digits_cnn_hwa.onnx" --calib "$models/digits_calib.bin" \
	--weights int8 -o "$tmp/h8.cimx" --report >"$tmp/h8" || fail "compile int8"
n=$(grep -c '^layer .* w8 .*weights int8-symmetric  out ' "$tmp/h8" || true)
[ "$n" = 6 ] || fail "int8: $n of 6 layers"

# the same model exported as QDQ (cim_hwa.export_qdq(), PyTorch's
# fake-quant export): the grid comes as uint8 codes with their zero
# point and is kept; the activation parameters are the file's
"$cc" "$models/digits_cnn_hwa_qdq.onnx" --calib "$models/digits_calib.bin" \
	--weights int4 -o "$tmp/hq.cimx" --report \
	--eval "$models/digits_test.bin" >"$tmp/hq" || fail "compile hwa qdq"
n=$(grep -c '^layer .* w4 .*weights int4-grid-from-file  out ' "$tmp/hq" || true)
[ "$n" = 6 ] || fail "hwa qdq: $n of 6 layers kept on their grid"
grep -q '^input input  *qdq-from-file ' "$tmp/hq" || fail "hwa qdq: input calibrated"
grep -q '^layer /inner/fc/Gemm .* out qdq-from-file ' "$tmp/hq" ||
	fail "hwa qdq: logits calibrated"
n=$(grep -c '^layer .* out qdq-from-file ' "$tmp/hq" || true)
[ "$n" -ge 5 ] || fail "hwa qdq: $n layers with the file's activation parameters"
qq=$(sed -n 's/.*quant_acc \([0-9.]*\) %.*/\1/p' "$tmp/hq")
awk -v q="$qq" 'BEGIN { exit !(q >= 97.0) }' || fail "hwa qdq: int4 accuracy $qq % < 97 %"
echo "test_w4_grid: ok (hwa int4 $q %, qdq $qq %)"
