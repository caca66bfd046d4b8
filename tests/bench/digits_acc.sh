#!/bin/sh
# Top-1 accuracy on the held-out digits (tests/models) of the float ONNX
# models and of the compiled ones, run by the CPU reference executor of
# the compiled image (bit-exact to an ideal card).  Prints bench lines.
# usage: digits_acc.sh CIM-COMPILE MODELS-DIR OUT-DIR
set -eu
cc=$1
models=$2
out=$3
mkdir -p "$out"
for m in mlp cnn; do
	for w in int8 int4; do
		line=$("$cc" "$models/digits_$m.onnx" --calib "$models/digits_calib.bin" \
			--weights "$w" -o "$out/digits_${m}_$w.cimx" \
			--eval "$models/digits_test.bin" | grep '^eval:')
		f=$(echo "$line" | sed -n 's/.*float_acc \([0-9.]*\) %.*/\1/p')
		q=$(echo "$line" | sed -n 's/.*quant_acc \([0-9.]*\) %.*/\1/p')
		[ -n "$f" ] && [ -n "$q" ] || { echo "digits_acc: no result for $m $w" >&2; exit 1; }
		[ "$w" = int8 ] && echo "bench: digits_${m}_float_acc $f %"
		echo "bench: digits_${m}_${w}_acc $q %"
	done
done
