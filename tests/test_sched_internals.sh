#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cim.ko uses drm_sched through its supported interfaces only
# (docs/kernels.md, "Recovery"): no scheduler internals in kernel/, on
# any kernel, with no exception.
# usage: tests/test_sched_internals.sh [KERNEL_DIR]
set -eu
dir=${1:-$(dirname "$0")/../kernel}

# Scheduler internals: the job's parent (hardware) fence, the pending
# list and its lock, the TDR and its bookkeeping, deprecated or internal
# helpers.  s_fence->finished (the job's out-fence) and s_fence's error
# are the documented driver-facing part and are allowed.
forbidden='s_fence->parent|pending_list|job_list_lock|free_guilty|pause_submit|hw_rq_count|credit_count|work_tdr|drm_sched_resubmit_jobs|drm_sched_increase_karma|drm_sched_fence_set_parent|drm_sched_job_done|drm_sched_stop\(|drm_sched_start\(|CIM_SCHED_INTERNALS'

fail=0
n=0
for f in "$dir"/*.c "$dir"/*.h; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	# Code lines only: a comment may name what is not used.
	hits=$(grep -nE -- "$forbidden" "$f" |
		grep -Ev '^[0-9]+:[[:space:]]*(/?\*|//)' || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|$f:|"
		fail=1
	fi
done
if [ "$n" = 0 ]; then
	echo "test_sched_internals: FAIL: no sources in $dir"
	exit 1
fi

if [ "$fail" = 0 ]; then
	echo "test_sched_internals: ok (no drm_sched internals in $n files of $dir)"
else
	echo "test_sched_internals: FAIL: drm_sched internals used (see docs/kernels.md, Recovery)"
fi
exit "$fail"
