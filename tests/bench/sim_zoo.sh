#!/bin/sh
# SPDX-License-Identifier: MIT
# Host wall time of a batch of 8 on the userspace card for the zoo's
# resnet18 and resnet50 (tests/models/gen_zoo.py, int8):
#   sim_zoo.sh CIMC BENCH_SIM ZOO
# prints "bench: sim_<model>_b8_wall_s <s> s_host" (bench_sim.c), or
# "... fail (why)".  Uses ZOO/<model>.int8.cimx when zoo.sh bench left
# it there, else compiles it (4 calibration samples).  Never fails.
set -u
cimc=$1 bench=$2 zoo=$3
for a in ${SIM_ZOO_ARCHS:-resnet18 resnet50}; do
	cimx=$zoo/$a.int8.cimx
	if [ ! -f "$cimx" ] && ! nice "$cimc" "$zoo/$a.onnx" \
		--calib "$zoo/calib_small.bin" --weights int8 -o "$cimx" \
		>"$zoo/$a.sim.log" 2>&1; then
		echo "bench: sim_${a}_b8_wall_s fail ($(tail -n 1 "$zoo/$a.sim.log"))"
		continue
	fi
	"$bench" "$a" "$cimx" 8 sim ||
		echo "bench: sim_${a}_b8_wall_s fail (bench_sim)"
done
exit 0
