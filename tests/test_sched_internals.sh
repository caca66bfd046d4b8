#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cim.ko uses drm_sched through its supported interfaces only
# (docs/kernels.md, "Recovery"): no scheduler internals in kernel/.
# The one exception, fenced by CIM_SCHED_INTERNALS_BEGIN/END in
# kernel/cim_compat.h, is the pre-6.17 stand-in for
# DRM_GPU_SCHED_STAT_NO_HANG; it must stay inside an #ifndef
# CIM_HAVE_SCHED_STAT_NO_HANG branch.
# usage: tests/test_sched_internals.sh [KERNEL_DIR]
set -eu
dir=${1:-$(dirname "$0")/../kernel}

# Scheduler internals: the job's parent (hardware) fence, the pending
# list and its lock, the TDR and its bookkeeping, deprecated or internal
# helpers.  s_fence->finished (the job's out-fence) and s_fence's error
# are the documented driver-facing part and are allowed.
forbidden='s_fence->parent|pending_list|job_list_lock|free_guilty|pause_submit|hw_rq_count|credit_count|work_tdr|drm_sched_resubmit_jobs|drm_sched_increase_karma|drm_sched_fence_set_parent|drm_sched_job_done|drm_sched_stop\(|drm_sched_start\('

fail=0
for f in "$dir"/*.c "$dir"/*.h; do
	[ -e "$f" ] || continue
	# Drop the fenced block, then look.
	hits=$(awk '/CIM_SCHED_INTERNALS_BEGIN/ { skip = 1 }
		!skip { printf "%d:%s\n", NR, $0 }
		/CIM_SCHED_INTERNALS_END/ { skip = 0 }' "$f" |
		grep -E -- "$forbidden" | grep -Ev '^[0-9]+:[[:space:]]*(/?\*|//)' || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|$f:|"
		fail=1
	fi
done

# The fenced block exists once, in cim_compat.h, in the pre-6.17 branch.
c=$dir/cim_compat.h
n=$(grep -c 'CIM_SCHED_INTERNALS_BEGIN' "$c" || true)
if [ "$n" != 1 ]; then
	echo "$c: expected one CIM_SCHED_INTERNALS block, found $n"
	fail=1
fi
awk '/^#ifdef CIM_HAVE_SCHED_STAT_NO_HANG/ { inside = 1; seen_else = 0 }
	inside && /^#else/ { seen_else = 1 }
	/CIM_SCHED_INTERNALS_BEGIN/ { ok = inside && seen_else }
	inside && /^#endif/ { inside = 0 }
	END { exit ok ? 0 : 1 }' "$c" || {
	echo "$c: the CIM_SCHED_INTERNALS block is not in the #else of CIM_HAVE_SCHED_STAT_NO_HANG"
	fail=1
}

if [ "$fail" = 0 ]; then
	echo "test_sched_internals: ok (no drm_sched internals in $dir)"
else
	echo "test_sched_internals: FAIL: drm_sched internals used (see docs/kernels.md, Recovery)"
fi
exit "$fail"
