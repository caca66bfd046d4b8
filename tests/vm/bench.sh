#!/bin/sh
# cim.mode=bench: the job-path benchmarks on the small virtual card.
# Prints "bench: <name> <value> <unit>" lines (tests/vm/suite/bench.c).
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko || exit 1
cim-vmtest bench
rc=$?
# The userspace card's modeled device time for the same image and batch
# (run at build time, tests/sim/simcmp.c) over this card's: must be 1.
cim-simcmp compare /tests/sim_ideal_b8.bin /tests/digits_cnn_int8.cimx 8 \
	>/tmp/simcmp 2>&1 || rc=1
cat /tmp/simcmp
sed -n 's/^device_time_ratio \(.*\)/bench: sim_vs_vcard_device_time \1 x/p' /tmp/simcmp
rmmod cim && rmmod cim_vcard || rc=1
exit $rc
