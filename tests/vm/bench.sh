#!/bin/sh
# cim.mode=bench: the job-path benchmarks on the small virtual card.
# Prints "bench: <name> <value> <unit>" lines (tests/vm/suite/bench.c).
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko || exit 1
cim-vmtest bench
rc=$?
rmmod cim && rmmod cim_vcard || rc=1
exit $rc
