// SPDX-License-Identifier: MIT
/*
 * Recovery, one fault at a time: the guilty job fails with its documented
 * error, the jobs around it complete with correct outputs, the images
 * loaded before a reset still run, resets are counted and announced.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "admin.h"

#define SEC	1000000000ll

/* Wait until an armed fault has fired (its debugfs file reads 0). */
static int wait_fired(const char *inject, int ms)
{
	for (; ms > 0; ms -= 5) {
		if (vm_read_num(vm_dbg_path(inject)) == 0)
			return 0;
		usleep(5000);
	}
	return -1;
}

/*
 * 24 jobs around one fault: returns the number of jobs that failed with
 * want_err (the rest must be correct), or -1.
 */
static int jobs_around_fault(const char *inject, int want_err)
{
	enum { N = 24 };
	struct vm_ctx c;
	int i, ret, failed = 0;

	if (vm_ctx_open(&c, N, 8, 11))
		return -1;
	for (i = 0; i < N / 2; i++)
		if (vm_ctx_submit(&c, i, 1 + i % 8, 0))
			return -1;
	if (vm_write_file(vm_dbg_path(inject), "1"))
		return -1;
	for (; i < N; i++)
		if (vm_ctx_submit(&c, i, 1 + i % 8, 0))
			return -1;
	for (i = 0; i < N; i++) {
		ret = vm_ctx_wait(&c, i, 30 * SEC);
		if (ret == want_err) {
			failed++;
		} else if (ret) {
			printf("  job %d: %d\n", i, ret);
			return -1;
		}
	}
	if (wait_fired(inject, 1000))
		return -1;
	/* the image still runs, with the right result, after the fault */
	if (vm_ctx_submit(&c, 0, 8, 0) || vm_ctx_wait(&c, 0, 30 * SEC))
		return -1;
	vm_ctx_close(&c);
	return failed;
}

static void fault_dma_error_fails_one_job(void)
{
	CHECK_EQ(jobs_around_fault("inject_dma_error", -EIO), 1);
}

static void fault_tile_fails_one_job(void)
{
	CHECK_EQ(jobs_around_fault("inject_tile_fault", -EHWPOISON), 1);
}

static void fault_hang_times_out_and_resets(void)
{
	static char buf[512];
	long long r0 = vm_read_num(vm_dev_path("reset_count"));

	int n;

	CHECK_EQ(vm_write_file(vm_dev_path("job_timeout_ms"), "500"), 0);
	n = jobs_around_fault("inject_hang", -ETIMEDOUT);
	CHECK_EQ(vm_write_file(vm_dev_path("job_timeout_ms"), "10000"), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(vm_read_num(vm_dev_path("reset_count")), r0 + 1);
	CHECK(vm_read_file(vm_dbg_path("resets"), buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "last timeout\n") != NULL);
}

static void fault_fw_crash_resets(void)
{
	long long r0 = vm_read_num(vm_dev_path("reset_count"));
	static char log[4096];

	CHECK_EQ(jobs_around_fault("inject_fw_crash", -ECONNRESET), 1);
	CHECK_EQ(vm_read_num(vm_dev_path("reset_count")), r0 + 1);
	/* the firmware log survives the crash and tells about it */
	CHECK(vm_read_file(vm_dbg_path("fw_log"), log, sizeof(log)) > 0);
	CHECK(strstr(log, "stopped, error 0x00000004") != NULL);
}

static void fault_program_fails_image(void)
{
	struct vm_model m;
	uint32_t bo, img, sync, in;
	struct drm_cim_submit sub = { 0 };
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build((const uint32_t[]){ 64, 64 }, 1, 9, 256, 256,
				&m), 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	CHECK_EQ(vm_write_file(vm_dbg_path("inject_program_fail"), "1"), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 30 * SEC), -EREMOTEIO);
	CHECK_EQ(vm_read_num(vm_dbg_path("inject_program_fail")), 0);
	/* jobs on the failed image are refused (docs/uapi.md) */
	CHECK_EQ(vm_bo_create(fd, 4096, &in), 0);
	sub = (struct drm_cim_submit){ .image_handle = img, .in_handle = in,
				       .out_handle = in, .out_offset = 2048,
				       .batch = 1, .out_syncobj = sync };
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), -ENOEXEC);
	/* loading it again works */
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 30 * SEC), 0);
	sub.image_handle = img;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 30 * SEC), 0);
	vm_model_free(&m);
	close(fd);
}

static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		       NETLINK_KOBJECT_UEVENT);

	if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa))) {
		close(s);
		return -1;
	}
	return s;
}

/* Does a uevent carrying all of want[] arrive within ms? */
static int uevent_seen(int s, const char *const *want, int ms)
{
	static char buf[8192];
	int64_t end = vm_now_ns() + ms * 1000000ll;
	struct pollfd p = { .fd = s, .events = POLLIN };

	while (vm_now_ns() < end) {
		ssize_t n, at;
		int found = 0, k;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = 0;
		for (k = 0; want[k]; k++)
			for (at = 0; at < n; at += strlen(buf + at) + 1)
				if (!strcmp(buf + at, want[k])) {
					found++;
					break;
				}
		if (found == k)
			return 1;
	}
	return 0;
}

/* Jobs on the card during a forced reset are innocent: all complete. */
static void force_reset_resubmits_and_announces(void)
{
	static const char *const want[] = { "ACTION=change", "CIM_RESET=1",
					    "CIM_RESET_REASON=forced", NULL };
	enum { N = 40 };
	long long r0 = vm_read_num(vm_dev_path("reset_count"));
	struct vm_ctx c;
	int s = uevent_socket(), i;

	CHECK(s >= 0);
	CHECK_EQ(vm_ctx_open(&c, N, 16, 12), 0);
	for (i = 0; i < N; i++)
		CHECK_EQ(vm_ctx_submit(&c, i, 16, i & 1), 0);
	CHECK_EQ(vm_write_file(vm_dbg_path("force_reset"), "1"), 0);
	for (i = 0; i < N; i++)
		CHECK_EQ(vm_ctx_wait(&c, i, 30 * SEC), 0);
	CHECK_EQ(vm_read_num(vm_dev_path("reset_count")), r0 + 1);
	CHECK(uevent_seen(s, want, 5000));
	/* the image survived: programmed again after the reset */
	CHECK_EQ(vm_ctx_submit(&c, 0, 16, 0), 0);
	CHECK_EQ(vm_ctx_wait(&c, 0, 30 * SEC), 0);
	close(s);
	vm_ctx_close(&c);
}

/* sysfs knob attr: its value as a string, "" when unreadable. */
static const char *knob_str(const char *attr, char *buf, size_t len)
{
	int n = vm_read_file(vm_dev_path(attr), buf, len);

	if (n <= 0)
		n = 1;
	buf[n - 1] = 0;		/* the newline */
	return buf;
}

/*
 * One job of 16 fixed inputs on slot 0 with a result record: the
 * outputs are checked against the CPU reference (vm_ctx_wait), the
 * modeled device time returned; 0 on any failure.
 */
static uint64_t timed_job(struct vm_ctx *c, uint32_t rbo,
			  const struct drm_cim_job_result *res)
{
	struct vm_slot *s = &c->s[0];
	struct drm_cim_submit sub = {
		.image_handle = c->img, .in_handle = s->in,
		.out_handle = s->out, .batch = 16, .result_handle = rbo,
		.out_syncobj = s->sync,
	};

	vm_fill_random(s->pin, (size_t)16 * c->m.in_size, 4242);
	memset(s->pout, 0x5a, (size_t)16 * c->m.out_size);
	s->batch = 16;
	s->busy = 1;
	if (vm_ioctl(c->fd, DRM_IOCTL_CIM_SUBMIT, &sub) ||
	    vm_ctx_wait(c, 0, 30 * SEC) || res->status)
		return 0;
	return res->device_time_ns;
}

/*
 * The knobs held in card registers: non-default values, the defaults as
 * they read, and as they are written back (a threshold of 0 restores
 * the card's default).
 */
#define KNOBS	4
static const char *const knob_set[KNOBS][2] = {
	{ "power_mode", "efficiency" }, { "adc_bits", "4" },
	{ "refresh_policy", "recalibrate" },
	{ "refresh_threshold_ppm", "31000" },
};
static const char *const knob_dflt[KNOBS][2] = {
	{ "power_mode", "performance" }, { "adc_bits", "8" },
	{ "refresh_policy", "off" },
	{ "refresh_threshold_ppm", "20000" },
};
static const char *const knob_reset[KNOBS][2] = {
	{ "power_mode", "performance" }, { "adc_bits", "8" },
	{ "refresh_policy", "off" },
	{ "refresh_threshold_ppm", "0" },
};

/* Do the knob files all read the values of tab[]? */
static int knobs_read(const char *const tab[KNOBS][2])
{
	char buf[64];
	int i;

	for (i = 0; i < KNOBS; i++)
		if (strcmp(knob_str(tab[i][0], buf, sizeof(buf)), tab[i][1])) {
			printf("  %s reads \"%s\", not \"%s\"\n",
			       tab[i][0], buf, tab[i][1]);
			return 0;
		}
	return 1;
}

/* 0 or the first failing write's error */
static int knobs_write(const char *const tab[KNOBS][2])
{
	int i, ret = 0;

	for (i = 0; i < KNOBS && !ret; i++)
		ret = vm_write_file(vm_dev_path(tab[i][0]), tab[i][1]);
	return ret;
}

/*
 * A context and a result BO with the knobs at their defaults: the device
 * time of a job then, 0 when any of it fails.
 */
static uint64_t knob_job_start(struct vm_ctx *c, int seed, uint32_t *rbo,
			       struct drm_cim_job_result **res)
{
	if (vm_ctx_open(c, 1, 16, seed) || vm_bo_create(c->fd, 4096, rbo))
		return 0;
	*res = vm_bo_map(c->fd, *rbo, 4096);
	if (!*res || !knobs_read(knob_dflt))
		return 0;
	return timed_job(c, *rbo, *res);
}

/*
 * The settings held in card registers outlive a reset: the card comes
 * back with its power-on values (vcard_regs.c), the driver writes the
 * user's again.  sysfs reads the registers, and the card's modeled time
 * (PERF_MODE and ADC_BITS_CFG both change it) shows it really uses them.
 * On this ideal card fewer ADC bits stay bit-exact.
 */
static void knobs_survive_reset(void)
{
	long long r0 = vm_read_num(vm_dev_path("reset_count"));
	struct drm_cim_job_result *res;
	uint64_t t_dflt, t_set, t_adc, t_after;
	struct vm_ctx c;
	uint32_t rbo;

	t_dflt = knob_job_start(&c, 21, &rbo, &res);
	CHECK(t_dflt > 0);

	/* fewer ADC bits alone: shorter conversions, still bit-exact */
	CHECK_EQ(vm_write_file(vm_dev_path("adc_bits"), "4"), 0);
	t_adc = timed_job(&c, rbo, res);
	CHECK(t_adc > 0 && t_adc < t_dflt);

	CHECK_EQ(knobs_write(knob_set), 0);
	t_set = timed_job(&c, rbo, res);
	CHECK_EQ(t_set, 2 * t_adc);	/* efficiency: a clock half as fast */

	CHECK_EQ(vm_write_file(vm_dbg_path("force_reset"), "1"), 0);
	CHECK_EQ(vm_read_num(vm_dev_path("reset_count")), r0 + 1);
	/* what the card's registers hold after the reset */
	CHECK(knobs_read(knob_set));
	t_after = timed_job(&c, rbo, res);
	printf("  device time: defaults %llu ns, adc_bits 4 %llu ns, + efficiency %llu ns, after the reset %llu ns\n",
	       (unsigned long long)t_dflt, (unsigned long long)t_adc,
	       (unsigned long long)t_set, (unsigned long long)t_after);
	CHECK_EQ(t_after, t_set);

	CHECK_EQ(knobs_write(knob_reset), 0);
	CHECK_EQ(timed_job(&c, rbo, res), t_dflt);
	vm_ctx_close(&c);
}

static int card_power_is(const char *want)
{
	char buf[32];
	int n = vm_read_file(vm_dbg_path("card_power"), buf, sizeof(buf));

	return n > 0 && !strncmp(buf, want, strlen(want)) &&
	       buf[strlen(want)] == '\n';
}

static void knobs_survive_sleep_run(void)
{
	struct drm_cim_job_result *res;
	uint64_t t_dflt, t_set, t_after;
	struct vm_ctx c;
	uint32_t rbo;

	t_dflt = knob_job_start(&c, 22, &rbo, &res);
	CHECK(t_dflt > 0);
	CHECK_EQ(knobs_write(knob_set), 0);
	t_set = timed_job(&c, rbo, res);
	CHECK(t_set > 0 && t_set != t_dflt);

	/* idle: the card sleeps (on the card too) and loses its settings */
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "50"), 0);
	CHECK_EQ(vm_wait_runtime_status("suspended", 3000), 0);
	CHECK(card_power_is("sleep"));
	/* sysfs tells the user's settings, without waking the card */
	CHECK(knobs_read(knob_set));
	CHECK_EQ(vm_wait_runtime_status("suspended", 10), 0);
	CHECK(card_power_is("sleep"));

	/* A job wakes it, awake long enough to read the registers back. */
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "10000"), 0);
	t_after = timed_job(&c, rbo, res);
	CHECK_EQ(vm_wait_runtime_status("active", 10), 0);
	CHECK(card_power_is("active"));
	CHECK(knobs_read(knob_set));
	printf("  device time: defaults %llu ns, set %llu ns, after sleeping %llu ns\n",
	       (unsigned long long)t_dflt, (unsigned long long)t_set,
	       (unsigned long long)t_after);
	CHECK_EQ(t_after, t_set);

	CHECK_EQ(knobs_write(knob_reset), 0);
	CHECK(knobs_read(knob_dflt));
	CHECK_EQ(timed_job(&c, rbo, res), t_dflt);
	vm_ctx_close(&c);
}

/*
 * The same settings outlive the card's sleep (runtime PM): the card
 * loses them there (they sit in a power domain that sleep gates off,
 * vcard_regs.c) and the driver writes them again when a job wakes it.
 * Asleep, sysfs tells the user's settings without waking the card;
 * awake, it reads the registers back, and the modeled time shows the
 * card uses them.  The defaults and the autosuspend delay are restored
 * even when a check fails.
 */
static void knobs_survive_sleep(void)
{
	char delay[32];

	CHECK(knob_str("power/autosuspend_delay_ms", delay,
		       sizeof(delay))[0] != 0);
	knobs_survive_sleep_run();
	CHECK_EQ(knobs_write(knob_reset), 0);
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       delay), 0);
}

const struct vm_test vm_recovery_tests[] = {
	{ "fault_dma_error_fails_one_job", fault_dma_error_fails_one_job },
	{ "fault_tile_fails_one_job", fault_tile_fails_one_job },
	{ "fault_hang_times_out_and_resets", fault_hang_times_out_and_resets },
	{ "fault_fw_crash_resets", fault_fw_crash_resets },
	{ "fault_program_fails_image", fault_program_fails_image },
	{ "force_reset_resubmits_and_announces",
	  force_reset_resubmits_and_announces },
	{ "knobs_survive_reset", knobs_survive_reset },
	{ "knobs_survive_sleep", knobs_survive_sleep },
	{ NULL, NULL },
};
