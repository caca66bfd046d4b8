#!/bin/sh
# SPDX-License-Identifier: MIT
# The torchvision zoo (tests/models/gen_zoo.py): 12 classifiers exported
# from PyTorch with random weights, generated into ZOO (not committed).
#
#   zoo.sh check CIMC ZOO_CHECK ZOO    every architecture: the float
#       import matches PyTorch (1e-4 relative), the int8 model quantized
#       with 4 samples (calib_small.bin) is at least 5 dB SQNR from PyTorch's
#       output, and cim-compile --weights int8 writes its .cimx (M1076
#       card, 4 calibration samples), or, when int8 does not fit the card
#       (alexnet), --weights int4 does.  Fails if any does not.
#   zoo.sh bench CIMC ZOO_CHECK ZOO    cim-compile int8 and int4 with the
#       64 calibration samples: wall and CPU time, peak RSS, and whether it compiles;
#       prints bench lines, never fails.  ZOO_ARCHS limits the list.
#       _compile_rss_ratio: peak RSS over the .onnx file's size (the float
#       model; issue 12's target is at most 2).  ZOO_FPS="" skips fps.
#       For resnet18, resnet50, mobilenet_v2 and efficientnet_b0 (ZOO_FPS
#       changes the list) also the throughput figures of issue 14, from
#       cim-compile --report's prediction (the compiled image on the
#       firmware scheduler of the userspace M1076-class card, modeled
#       device time): zoo_<arch>_<w>_b{1,8,16}_fps, _b16_efficiency
#       (MACs per second over the card's peak, 76 arrays of 1024x1024
#       cells, one MAC per cell per 4 us), _b16_efficiency_bound (the
#       mapping's ceiling, cim-compile's "efficiency bound") and
#       _hailo8_ratio (fps at batch 8 over Hailo-8's published figure).
set -u
mode=$1 cimc=$2 zcheck=$3 zoo=$4
fps_archs=${ZOO_FPS-"resnet18 resnet50 mobilenet_v2 efficientnet_b0"}
archs=${ZOO_ARCHS:-"resnet18 resnet50 regnet_x_400mf squeezenet1_1 googlenet
densenet121 mobilenet_v3_small mnasnet1_0 efficientnet_b0 shufflenet_v2_x1_0
mobilenet_v2 alexnet"}
py=/usr/bin/python3
here=$(dirname "$0")

gen() {
	for a in $archs; do
		[ -f "$zoo/$a.onnx" ] && [ -f "$zoo/${a}_ref.bin" ] && continue
		echo "zoo: generating the models into $zoo (PyTorch export, a few minutes)"
		nice $py "$here/../models/gen_zoo.py" "$zoo" || exit 1
		return
	done
	[ -f "$zoo/calib.bin" ] || nice $py "$here/../models/gen_zoo.py" "$zoo" || exit 1
}

# Hailo-8's published fps at batch 8 (hailo_model_zoo; efficientnet_b0:
# their EfficientNet-lite0).
hailo8() {
	case $1 in
	resnet18) echo 2718 ;; resnet50) echo 1372 ;;
	mobilenet_v2) echo 2597 ;; efficientnet_b0) echo 1952 ;; *) echo 0 ;;
	esac
}

# Throughput lines of arch $1, weights $2, from the --report log $3.
fps_lines() {
	awk -v n="zoo_$1_$2" -v h="$(hailo8 "$1")" '
	/^macs / { macs = $2 }
	/^efficiency bound / { bound = $3 }
	/^period bound / { fpsmax = 1e6 / $3 }
	/^efficiency cap / { cap = $3 }
	/^predicted b/ { b = substr($2, 2); fps[b] = $3; ms[b] = $5 }
	END {
		if (!macs || !fps[16]) { print "bench: " n "_b8_fps fail (no prediction)"; exit }
		peak = 76 * 1024 * 1024 / 4e-6
		for (b = 1; b <= 16; b++)
			if (b in fps) printf "bench: %s_b%d_fps %.1f fps\n", n, b, fps[b]
		printf "bench: %s_b16_efficiency %.3f ratio\n", n, macs * fps[16] / peak
		printf "bench: %s_b16_efficiency_bound %.3f ratio\n", n, bound
		printf "bench: %s_hailo8_ratio %.3f ratio\n", n, fps[8] / h
		if (fpsmax) printf "bench: %s_fps_bound %.1f fps\n", n, fpsmax
		if (fpsmax) printf "bench: %s_b16_efficiency_cap %.3f ratio\n", n, cap ? cap : 1
	}' "$3"
}

gen
fail=0
ok=0
n=0
case $mode in
check)
	for a in $archs; do
		n=$((n + 1))
		if ! "$zcheck" "$zoo/$a.onnx" "$zoo/${a}_ref.bin" "$zoo/calib_small.bin"; then
			echo "FAIL: zoo $a: does not match PyTorch"
			fail=$((fail + 1))
			continue
		fi
		# int8, or int4 when int8 does not fit the card (alexnet)
		if "$cimc" "$zoo/$a.onnx" --calib "$zoo/calib_small.bin" \
			--weights int8 -o "$zoo/$a.int8.cimx" >"$zoo/$a.log" 2>&1; then
			ok=$((ok + 1))
			echo "zoo $a: compiled (int8)"
		elif grep -q "the card has" "$zoo/$a.log" &&
			"$cimc" "$zoo/$a.onnx" --calib "$zoo/calib_small.bin" \
			--weights int4 -o "$zoo/$a.int4.cimx" >>"$zoo/$a.log" 2>&1; then
			ok=$((ok + 1))
			echo "zoo $a: compiled (int4; int8: $(grep "the card has" "$zoo/$a.log"))"
		else
			echo "FAIL: zoo $a: $(tail -n 1 "$zoo/$a.log")"
			fail=$((fail + 1))
		fi
	done
	echo "zoo: $ok of $n compiled and match PyTorch"
	[ $fail -eq 0 ]
	;;
bench)
	compiled=0
	for a in $archs; do
		n=$((n + 1))
		good=0
		rss=0
		for w in int8 int4; do
			rm -f "$zoo/$a.$w.cimx"
			t0=$(date +%s.%N)
			if /usr/bin/time -f "%M %U %S" -o "$zoo/$a.$w.rss" "$cimc" "$zoo/$a.onnx" \
				--calib "$zoo/calib.bin" --weights $w \
				-o "$zoo/$a.$w.cimx" >"$zoo/$a.$w.log" 2>&1; then
				t1=$(date +%s.%N)
				echo "bench: zoo_${a}_compile_${w}_s $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
				good=1
				case " $fps_archs " in *" $a "*)
					"$cimc" "$zoo/$a.onnx" --calib "$zoo/calib.bin" \
						--weights $w --report -o "$zoo/$a.$w.cimx" \
						>"$zoo/$a.$w.report" 2>&1
					fps_lines "$a" "$w" "$zoo/$a.$w.report" ;;
				esac
			else
				echo "bench: zoo_${a}_compile_${w}_s fail ($(tail -n 1 "$zoo/$a.$w.log"))"
			fi
			# CPU time (user + system): less sensitive to other load than the wall time
			echo "bench: zoo_${a}_compile_${w}_cpu_s $(tail -n 1 "$zoo/$a.$w.rss" | awk '{ printf "%.1f", $2 + $3 }') s"
			r=$(tail -n 1 "$zoo/$a.$w.rss" | cut -d' ' -f1)
			[ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
		done
		# compiles: as int8, or as int4 when int8 does not fit (alexnet)
		echo "bench: zoo_${a}_compiles $good"
		echo "bench: zoo_${a}_compile_rss_mb $((rss / 1024)) MB"
		# the target: peak RSS at most twice the float model (its .onnx)
		fb=$(wc -c <"$zoo/$a.onnx")
		echo "bench: zoo_${a}_float_model_mb $((fb / 1048576)) MB"
		echo "bench: zoo_${a}_compile_rss_ratio $(awk "BEGIN { printf \"%.2f\", $rss * 1024 / $fb }") ratio"
		compiled=$((compiled + good))
	done
	echo "bench: zoo_compiled $compiled of $n"
	;;
esac
