#!/bin/sh
# make test T=NAME: run one test of any suite, found by its name.
#   NAME may be a cmocka test binary (test_device), a cmocka test function
#   of tests/libcim or tests/compiler (open_no_card) or of the firmware
#   host tests, a firmware suite (dma), a shell suite (test_cimctl_run,
#   test_cim_compile, test_cimctl_sim, digits_zoo), or a VM test or group of the C suite
#   (one_job_matches_reference, jobs): the VM boots for it alone.
#   Function names may hold the wildcards * and ?.
# Runs from the top of the tree with KVER and INITRD from the Makefile;
# prints "make test: N passed, M failed (NAME)" and fails if a test
# failed or nothing is called NAME.  docs/testing.md.
set -u
# not the T=NAME of the make that called us: sub-makes use T themselves
unset MAKEFLAGS MFLAGS MAKELEVEL T
name=$1
top=$(pwd)
make=${MAKE:-make}
b=$top/build
pass=0
fail=0
found=0

# A grep regex for NAME: * and ? match inside an identifier.
re=$(printf '%s' "$name" | sed 's/\*/[A-Za-z0-9_]*/g; s/?/[A-Za-z0-9_]/g')

# Files of DIR that define a test function matching NAME.
defines() {
	grep -lE "^static void $re\(void \*\*" "$1"/*.c 2>/dev/null
}

# count LOG: add cmocka's (or the VM's) counts of a run to ours.
count() {
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }')
	pass=$((pass + p))
	fail=$((fail + f))
}

# cmocka DIR OUT BIN: build and run BIN of tests/DIR (plain variant),
# filtered to NAME unless NAME is the binary itself.
cmocka() {
	found=1
	$make -s -C "$top/libcim" static >/dev/null || { fail=$((fail + 1)); return; }
	$make -s -C "$top/tests/$1" OUT="$2" "$2/$3" >/dev/null ||
		{ fail=$((fail + 1)); return; }
	filter=$name
	[ "$3" = "$name" ] && filter=
	echo "== tests/$1: $3${filter:+ ($filter)}"
	(cd "$2" && CIM_TEST=$filter "./$3") >"$2/$3.one.log" 2>&1
	rc=$?
	cat "$2/$3.one.log"
	count "$2/$3.one.log"
	[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
}

for d in libcim compiler; do
	out=$b/libcim/tests
	[ $d = compiler ] && out=$b/libcim/compiler-tests
	if [ -f "tests/$d/$name.c" ] && grep -q 'cmocka_run_group_tests' "tests/$d/$name.c"; then
		cmocka $d "$out" "$name"
		continue
	fi
	for f in $(defines tests/$d); do
		cmocka $d "$out" "$(basename "$f" .c)"
	done
done

# Shell suites, whole.
shell_suite() {
	found=1
	echo "== $*"
	"$@" >"$b/run_one.log" 2>&1
	rc=$?
	cat "$b/run_one.log"
	# cmocka's summary, or the suite's "N passed, M failed", or one test
	n0=$((pass + fail))
	count "$b/run_one.log"
	c=$(sed -n 's/.* \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' "$b/run_one.log" | tail -n1)
	[ $((pass + fail)) != $n0 ] || [ -n "$c" ] || c=$([ $rc = 0 ] && echo "1 0" || echo "0 1")
	[ $((pass + fail)) != $n0 ] || { pass=$((pass + ${c% *})); fail=$((fail + ${c#* })); }
	[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
}
case "$name" in
test_cimctl_run|test_cimctl_run.sh)
	$make -s -C "$top/libcim" static >/dev/null &&
		$make -s -C tests/libcim OUT="$b/libcim/tests" "$b/libcim/tests/cimctl-fake" >/dev/null
	shell_suite sh tests/libcim/test_cimctl_run.sh "$b/libcim/tests/cimctl-fake" ;;
test_cim_compile|test_cim_compile.sh)
	$make -s -C tools >/dev/null
	shell_suite sh tests/compiler/test_cim_compile.sh "$b/tools/cim-compile" ;;
test_w4_grid|test_w4_grid.sh|test_qdq|test_qdq.sh)
	$make -s -C tools >/dev/null
	shell_suite sh "tests/compiler/${name%.sh}.sh" "$b/tools/cim-compile" tests/models ;;
test_cim_hwa|test_cim_hwa.py)
	shell_suite /usr/bin/python3 tests/models/test_cim_hwa.py ;;
digits_zoo|digits_zoo.sh)
	$make -s tools digits-zoo >/dev/null &&
		$make -s -C tests/compiler "$b/libcim/compiler-tests/zoo_check" >/dev/null
	shell_suite sh tests/models/digits_zoo.sh check "$b/tools/cim-compile" \
		"$b/tools/cimctl" "$b/libcim/compiler-tests/zoo_check" "$b/digits_zoo" ;;
test_cimctl_sim|test_cimctl_sim.sh)
	$make -s models examples >/dev/null
	shell_suite sh tests/libcim/test_cimctl_sim.sh "$b/tools/cimctl" \
		"$b/models" tests/models "$b/examples" ;;
esac

# Firmware host tests: a suite, or test functions.
if grep -qE "SUITE\($name\)" tests/firmware/main.c ||
   [ -n "$(defines tests/firmware)" ]; then
	found=1
	$make -s -C firmware "$b/firmware/cimfw-tests" >/dev/null || fail=$((fail + 1))
	echo "== firmware: $name"
	CIM_TEST=$name "$b/firmware/cimfw-tests" >"$b/firmware/one.log" 2>&1
	rc=$?
	cat "$b/firmware/one.log"
	count "$b/firmware/one.log"
	[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
fi

# The userspace card's tests (tests/firmware/sim): the binary, or tests.
if [ "$name" = test_sim ] || [ -n "$(defines tests/firmware/sim)" ]; then
	found=1
	$make -s -C firmware "$b/firmware/cimsim-tests" >/dev/null || fail=$((fail + 1))
	filter=$name
	[ "$name" = test_sim ] && filter=
	echo "== firmware/sim: $name"
	CIM_TEST=$filter "$b/firmware/cimsim-tests" >"$b/firmware/one-sim.log" 2>&1
	rc=$?
	cat "$b/firmware/one-sim.log"
	count "$b/firmware/one-sim.log"
	[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
fi

# VM: a test or group of the C suite that runs alone (harness.c).
if [ $found = 0 ] && grep -qE "\{ \"$name\"," tests/vm/suite/*.c; then
	found=1
	$make initramfs >"$b/run_one_build.log" 2>&1 ||
		{ tail -20 "$b/run_one_build.log"; exit 1; }
	CIM_VM_APPEND="cim.test=$name" bash tests/vm/run-vm.sh "$KVER" "$INITRD" \
		check "$b/vm/test-$name.log" >"$b/vm/test-$name.out" 2>&1
	rc=$?
	cat "$b/vm/test-$name.out"
	# the VM's count includes loading and unloading the modules
	c=$(sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$b/vm/test-$name.out")
	pass=$((pass + ${c% *}))
	fail=$((fail + ${c#* }))
	[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
fi

if [ $found = 0 ]; then
	echo "make test: no test, binary or suite is called '$name' (docs/testing.md)"
	exit 2
fi
echo "make test: $pass passed, $fail failed ($name)"
[ $fail = 0 ] && [ $pass -gt 0 ]
