#!/bin/sh
# cim.mode=fuzz (make fuzz): the ioctl fuzzer at full length, then an
# unload that must leave drm_mm clean (run-vm.sh fails on any WARN).
# cim.fuzz_ioctls=N, cim.fuzz_seed=S, cim.fuzz_core=1 and cim.fuzz_race=1 on the kernel
# command line (CIM_VM_APPEND) change the run; the seed is printed.
arg() { sed -n "s/.*cim\.$1=\([0-9a-fx]*\).*/\1/p" /proc/cmdline; }
pass=0
fail=0
result() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $2"
	else
		fail=$((fail + 1))
		echo "FAIL $2"
	fi
}
n=$(arg fuzz_ioctls)
seed=$(arg fuzz_seed)
core=$(arg fuzz_core)
race=$(arg fuzz_race)
insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko
result $? load_modules
cim-vmtest fuzz --ioctls "${n:-1000000}" ${seed:+--seed $seed} \
	${core:+--core} ${race:+--race-images} >/tmp/fuzz.log 2>&1
grep -v -E '^[0-9]+ passed, [0-9]+ failed' /tmp/fuzz.log
pass=$((pass + $(grep -c '^PASS' /tmp/fuzz.log)))
fail=$((fail + $(grep -c '^FAIL' /tmp/fuzz.log)))
grep -q '^PASS fuzz_ran' /tmp/fuzz.log
result $? fuzz_completed
rmmod cim && rmmod cim_vcard
result $? unload_after_fuzz
echo "$pass passed, $fail failed"
[ $fail = 0 ]
