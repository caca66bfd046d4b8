// SPDX-License-Identifier: MIT
/*
 * Time: the driver takes absolute CLOCK_MONOTONIC deadlines, libcim's API
 * relative timeouts.
 */
#include <time.h>

#include "internal.h"

uint64_t cimi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t cimi_deadline(int64_t now_ns, int64_t timeout_ns)
{
	if (timeout_ns < 0 || timeout_ns > INT64_MAX - now_ns)
		return INT64_MAX;
	return now_ns + timeout_ns;
}
