// SPDX-License-Identifier: MIT
/*
 * cim-vmtest: the integration suite run inside the VM against cim.ko and
 * the virtual card.  usage: cim-vmtest [all|ioctl|jobs|lib|resident|exits|
 * admin|sched|recovery|progress|stress|core|race|persist_pre|
 * persist_post|analog_ideal|analog_det|analog_range|analog|analog_verify [TEST]] |
 * test NAME | hold SECONDS | bench | fuzz [OPTIONS] (the ioctl fuzzer,
 * fuzz.c)
 * (the analog groups need the card loaded as check.sh does, see
 * test_analog.c).  "test NAME" runs the group NAME or the test NAME of
 * any group "all" runs (make test T=NAME; exit 2 if there is none).
 * Prints "PASS name" / "FAIL name" per test and "N passed, N failed".
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/cim_accel.h>
#include "vmtest.h"
#include "admin.h"

int vm_failed;

void vm_fail(const char *file, int line, const char *what, long long a,
	     long long b)
{
	vm_failed = 1;
	printf("  %s:%d: check failed: %s (%lld vs %lld)\n", file, line, what,
	       a, b);
}

int vm_open_card(void)
{
	int fd = open("/dev/accel/accel0", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		perror("open /dev/accel/accel0");
	return fd;
}

int vm_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

/*
 * Between tests: every tile must come back once the last test's jobs
 * retire, or something leaked.  Returns 0 when the card is idle.
 */
static int wait_card_idle(void)
{
	struct drm_cim_device_info info;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO,
				   .size = sizeof(info),
				   .data = (uintptr_t)&info };
	int fd = vm_open_card(), i;

	if (fd < 0)
		return -1;
	for (i = 0; i < 3000; i++) {
		if (vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q) ||
		    info.free_tiles == info.tiles)
			break;
		usleep(10000);
	}
	close(fd);
	if (info.free_tiles != info.tiles) {
		printf("  %u of %u tiles still held after the test\n",
		       info.tiles - info.free_tiles, info.tiles);
		return -1;
	}
	return 0;
}

static void run_group(const struct vm_test *t, const char *only,
		      int *pass, int *fail)
{
	for (; t->name; t++) {
		int st = 0, bad;
		pid_t pid;

		if (only && strcmp(only, t->name))
			continue;
		/* A test that fails early cannot leak fds into the next one. */
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			vm_failed = 0;
			t->fn();
			fflush(stdout);
			_exit(vm_failed);
		}
		bad = pid < 0 || waitpid(pid, &st, 0) != pid ||
		      !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		if (wait_card_idle())
			bad = 1;
		if (pid > 0 && WIFSIGNALED(st))
			printf("  killed by signal %d\n", WTERMSIG(st));
		printf("%s %s\n", bad ? "FAIL" : "PASS", t->name);
		fflush(stdout);
		if (bad)
			(*fail)++;
		else
			(*pass)++;
	}
}

int vm_hold(int seconds);
int vm_fuzz(int argc, char **argv);

/*
 * The groups, in the order "all" runs them.  Those not in "all" run only
 * by name: the analog ones (check.sh loads the virtual card for each) and
 * those around a reload of cim.ko (check.sh only).
 */
static const struct {
	const char *name;
	const struct vm_test *tests;
	int in_all;
} groups[] = {
	{ "ioctl", vm_ioctl_tests, 1 },
	{ "jobs", vm_job_tests, 1 },
	{ "lib", vm_lib_tests, 1 },
	{ "resident", vm_resident_tests, 1 },
	{ "exits", vm_exit_tests, 1 },
	{ "analog_ideal", vm_analog_ideal_tests, 0 },
	{ "analog_det", vm_analog_det_tests, 0 },
	{ "analog_range", vm_analog_range_tests, 0 },
	{ "analog", vm_analog_tests, 0 },
	{ "analog_verify", vm_analog_verify_tests, 0 },
	{ "persist_pre", vm_persist_pre_tests, 0 },
	{ "persist_post", vm_persist_post_tests, 0 },
	{ "admin", vm_admin_tests, 1 },
	{ "sched", vm_sched_tests, 1 },
	{ "recovery", vm_recovery_tests, 1 },
	{ "progress", vm_progress_tests, 1 },
	{ "stress", vm_stress_tests, 1 },
	{ "core", vm_core_tests, 1 },
	{ "race", vm_race_tests, 1 },
};

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";
	const char *only = argc > 2 ? argv[2] : NULL;
	int pass = 0, fail = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "hold"))
		return vm_hold(argc > 2 ? atoi(argv[2]) : 30);
	if (!strcmp(what, "bench"))
		return vm_bench();
	if (!strcmp(what, "fuzz"))
		return vm_fuzz(argc, argv);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if ((groups[i].in_all && !strcmp(what, "all")) ||
		    !strcmp(what, groups[i].name))
			run_group(groups[i].tests, only, &pass, &fail);
		else if (!strcmp(what, "test") && only && groups[i].in_all)
			run_group(groups[i].tests,
				  strcmp(only, groups[i].name) ? only : NULL,
				  &pass, &fail);
	if (!strcmp(what, "test") && !pass && !fail) {
		printf("no VM test or group '%s' that runs alone\n",
		       only ? only : "");
		return 2;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
