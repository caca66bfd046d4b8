#!/bin/sh
# cim.mode=bench: the job-path benchmarks on the small virtual card.
# Prints "bench: <name> <value> <unit>" lines (tests/vm/suite/bench.c).
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko || exit 1
cim-vmtest bench
rc=$?
# fuzz_ioctls, fuzz_ioctls_per_s: the ioctl fuzzer's rate (fuzz.c).
cim-vmtest fuzz --ioctls 100000 >/tmp/fuzz.log 2>&1 || rc=1
grep -E '^(bench:|fuzz:|FAIL)' /tmp/fuzz.log
rmmod cim && rmmod cim_vcard || rc=1
exit $rc
