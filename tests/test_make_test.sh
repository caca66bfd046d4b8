#!/bin/sh
# `make test T=NAME` itself: it runs exactly the test NAME, fails when
# that test fails, and fails on a name no test has.  Subjects: the two
# tests of tests/libcim/test_filter.c and a firmware host test.
# usage: sh tests/test_make_test.sh (from the top of the tree)
unset MAKEFLAGS MFLAGS MAKELEVEL
pass=0
fail=0
check() {	# check NAME CONDITION...: one assertion
	n=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $n"
		cat /tmp/mt.$$
	fi
}
one() { make -s test T="$1" >/tmp/mt.$$ 2>&1; }

one filter_always_passes
rc=$?
check passes_alone [ $rc = 0 ]
check runs_exactly_one grep -q '^\[==========\] Running 1 test(s)\.$' /tmp/mt.$$
check not_the_other sh -c "! grep -q filter_fails_on_request /tmp/mt.$$"
check counts_one grep -q '^make test: 1 passed, 0 failed (filter_always_passes)$' /tmp/mt.$$

CIM_SELFTEST_FAIL=1 one filter_fails_on_request
rc=$?
check fails_with_its_test [ $rc != 0 ]
check counts_the_failure grep -q '^make test: 0 passed, 1 failed' /tmp/mt.$$

one filter_fails_on_request
check passes_when_it_passes [ $? = 0 ]

one no_test_has_this_name
rc=$?
check unknown_name_fails [ $rc != 0 ]
check unknown_name_says_so grep -q "no test, binary or suite is called 'no_test_has_this_name'" /tmp/mt.$$

one test_sg_bad_tables
rc=$?
check firmware_test_alone [ $rc = 0 ]
check firmware_runs_one grep -q '^firmware: 1 passed, 0 failed$' /tmp/mt.$$

rm -f /tmp/mt.$$
echo "make test tests: $pass passed, $fail failed"
[ $fail = 0 ]
