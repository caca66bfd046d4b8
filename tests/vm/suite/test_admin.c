// SPDX-License-Identifier: MIT
/* sysfs knobs and state, debugfs files, hwmon sensors, runtime PM. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "../../../uapi/cim_image.h"
#include "admin.h"
#include "cim_model.h"

static int read_str(const char *path, char *buf, size_t len)
{
	int n = vm_read_file(path, buf, len);

	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return n;
}

/* A knob takes the valid value and refuses the invalid ones unchanged. */
static int knob(const char *attr, const char *good, const char *const *bad)
{
	char before[64], after[64];

	if (read_str(vm_dev_path(attr), before, sizeof(before)) <= 0)
		return -1;
	if (vm_write_file(vm_dev_path(attr), good))
		return -2;
	if (read_str(vm_dev_path(attr), after, sizeof(after)) <= 0 ||
	    strcmp(after, good))
		return -3;
	for (; *bad; bad++) {
		if (vm_write_file(vm_dev_path(attr), *bad) != -EINVAL)
			return -4;
		if (read_str(vm_dev_path(attr), after, sizeof(after)) <= 0 ||
		    strcmp(after, good))
			return -5;
	}
	return vm_write_file(vm_dev_path(attr), before) ? -6 : 0;
}

static void sysfs_knobs_validate(void)
{
	static const char *const bad_ms[] = { "0", "9", "3600001", "abc",
					      "-5", NULL };
	static const char *const bad_mode[] = { "turbo", "performance2", "\n",
						NULL };
	static const char *const bad_bits[] = { "0", "9", "x", NULL };
	static const char *const bad_policy[] = { "sometimes", "\n", NULL };
	static const char *const bad_sched[] = { "lifo", "rr", NULL };

	CHECK_EQ(knob("job_timeout_ms", "2500", bad_ms), 0);
	CHECK_EQ(knob("power_mode", "balanced", bad_mode), 0);
	CHECK_EQ(knob("adc_bits", "6", bad_bits), 0);
	/* refresh_threshold_ppm: test_analog.c */
	CHECK_EQ(knob("refresh_policy", "recalibrate", bad_policy), 0);
	CHECK_EQ(knob("sched_policy", "fifo", bad_sched), 0);
	/* defaults are back */
	CHECK_EQ(vm_read_num(vm_dev_path("job_timeout_ms")), 10000);
	CHECK_EQ(vm_read_num(vm_dev_path("adc_bits")), 8);
	/* read-only state refuses writes */
	CHECK(vm_write_file(vm_dev_path("tiles_free"), "3") < 0);
}

static void sysfs_state_reads(void)
{
	struct vm_ctx c;
	char buf[128];
	long long busy0, busy1;

	CHECK(read_str(vm_dev_path("fw_version"), buf, sizeof(buf)) > 0);
	CHECK_EQ(strcmp(buf, "2.0"), 0);
	CHECK(read_str(vm_dev_path("geometry"), buf, sizeof(buf)) > 0);
	CHECK_EQ(strcmp(buf, "8 256 256 4"), 0);
	CHECK_EQ(vm_read_num(vm_dev_path("tiles_free")), 8);
	CHECK_EQ(vm_read_num(vm_dev_path("tiles_used")), 0);
	busy0 = vm_read_num(vm_dev_path("busy_time_us"));
	CHECK(busy0 >= 0);

	CHECK_EQ(vm_ctx_open(&c, 1, 64, 3), 0);
	CHECK_EQ(vm_read_num(vm_dev_path("tiles_used")), 1);
	CHECK_EQ(vm_read_num(vm_dev_path("tiles_free")), 7);
	CHECK_EQ(vm_ctx_submit(&c, 0, 64, 0), 0);
	CHECK_EQ(vm_ctx_wait(&c, 0, 20000000000ll), 0);
	busy1 = vm_read_num(vm_dev_path("busy_time_us"));
	/* 64 MVMs of 1 us each, at least */
	CHECK(busy1 >= busy0 + 64);
	/* the image's tile was programmed once more than it was */
	CHECK(vm_read_num(vm_dev_path("pe_max")) >= 1);
	CHECK(vm_read_num(vm_dev_path("pe_min")) <=
	      vm_read_num(vm_dev_path("pe_max")));
	CHECK(read_str(vm_dev_path("pe_mean"), buf, sizeof(buf)) > 0);
	CHECK(strchr(buf, '.') != NULL && atof(buf) > 0);
	vm_ctx_close(&c);
}

/* power_mode slows the modeled clock: efficiency doubles device time. */
static void sysfs_power_mode_changes_device_time(void)
{
	struct drm_cim_submit sub = { 0 };
	struct drm_cim_job_result *res;
	uint64_t t_perf, t_eff;
	struct vm_ctx c;
	uint32_t rbo;

	CHECK_EQ(vm_ctx_open(&c, 1, 16, 4), 0);
	CHECK_EQ(vm_bo_create(c.fd, 4096, &rbo), 0);
	res = vm_bo_map(c.fd, rbo, 4096);
	CHECK(res != NULL);
	sub = (struct drm_cim_submit){ .image_handle = c.img,
				       .in_handle = c.s[0].in,
				       .out_handle = c.s[0].out, .batch = 16,
				       .result_handle = rbo,
				       .out_syncobj = c.s[0].sync };
	CHECK_EQ(vm_ioctl(c.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(vm_wait_fence(c.fd, c.s[0].sync, 20000000000ll), 0);
	t_perf = res->device_time_ns;
	CHECK_EQ(vm_write_file(vm_dev_path("power_mode"), "efficiency"), 0);
	CHECK_EQ(vm_ioctl(c.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(vm_wait_fence(c.fd, c.s[0].sync, 20000000000ll), 0);
	t_eff = res->device_time_ns;
	CHECK_EQ(vm_write_file(vm_dev_path("power_mode"), "performance"), 0);
	printf("  device time %llu ns (performance), %llu ns (efficiency)\n",
	       (unsigned long long)t_perf, (unsigned long long)t_eff);
	CHECK(t_perf > 0);
	CHECK_EQ(t_eff, 2 * t_perf);
	vm_ctx_close(&c);
}

static int grep_file(const char *path, const char *what)
{
	static char buf[65536];

	if (vm_read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	return strstr(buf, what) != NULL;
}

static void debugfs_reads(void)
{
	static char buf[65536];
	struct vm_ctx c;
	char line[64], line1[64];
	int lines = 0;
	char *p;

	/*
	 * The card stays awake through the reads below (the default 100 ms
	 * autosuspend can pass between them on a debug kernel); sleeping
	 * is runtime_pm_suspends_and_wakes's to test.
	 */
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "10000"), 0);
	CHECK_EQ(vm_ctx_open(&c, 1, 8, 5), 0);
	CHECK_EQ(vm_ctx_submit(&c, 0, 8, 0), 0);
	CHECK_EQ(vm_ctx_wait(&c, 0, 20000000000ll), 0);

	CHECK(grep_file(vm_dbg_path("resets"), "count "));
	CHECK(grep_file(vm_dbg_path("resets"), "jobs_timed_out "));
	CHECK(grep_file(vm_dbg_path("inflight"), "tag op slot"));
	/*
	 * our queue, with the RUN counted, and the PROGRAM job unless the
	 * image was still resident from an earlier test (then nothing is
	 * programmed)
	 */
	snprintf(line, sizeof(line), "%d normal 2 2 0 ", getpid());
	snprintf(line1, sizeof(line1), "%d normal 1 1 0 ", getpid());
	CHECK(grep_file(vm_dbg_path("queues"), line) ||
	      grep_file(vm_dbg_path("queues"), line1));
	CHECK(grep_file(vm_dbg_path("images"), " ready "));
	/* the ring is small: the handshake's line may have scrolled out */
	CHECK(grep_file(vm_dbg_path("fw_log"), " 0x000"));
	CHECK(grep_file(vm_dbg_path("card_power"), "active"));
	CHECK(vm_read_num(vm_dbg_path("faults_fired")) >= 0);
	CHECK_EQ(vm_read_num(vm_dbg_path("inject_hang")), 0);
	/* a header and one line per tile; one tile in use, with its MVMs */
	CHECK(vm_read_file(vm_dbg_path("tiles"), buf, sizeof(buf)) > 0);
	for (p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK_EQ(lines, 1 + 8);
	CHECK(strstr(buf, "tile used pe mvms macs simd_ops pulses busy_us simd_us\n") ==
	      buf);
	CHECK(vm_write_file(vm_dbg_path("inject_hang"), "2") == -EINVAL);
	CHECK(vm_write_file(vm_dbg_path("force_reset"), "0") == -EINVAL);
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "100"), 0);
	vm_ctx_close(&c);
}

static long long hwmon(const char *file)
{
	char path[256];

	if (vm_hwmon_path(file, path, sizeof(path)))
		return -1;
	return vm_read_num(path);
}

/* Keep the card busy from a child until it is killed. */
static pid_t load_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct vm_ctx c;
		uint32_t i = 0;

		if (vm_ctx_open(&c, 4, 64, 6))
			_exit(1);
		/* no output checks here: the card, not this process, works */
		for (;; i = (i + 1) % 4) {
			if (c.s[i].busy)
				vm_wait_fence(c.fd, c.s[i].sync, 20000000000ll);
			vm_ctx_submit(&c, i, 64, 0);
		}
	}
	return pid;
}

/*
 * The sensors follow activity: the card cools while it sleeps, heats and
 * draws more power under load, and cools again.  Earlier tests leave it
 * warm, so it first sleeps long enough to forget them.
 */
static void hwmon_follows_load(void)
{
	long long t_idle, p_idle, t_load, p_load, t_cool;
	char path[256], name[32];
	pid_t pid;
	int st;

	CHECK_EQ(vm_hwmon_path("name", path, sizeof(path)), 0);
	CHECK(read_str(path, name, sizeof(name)) > 0);
	CHECK_EQ(strcmp(name, "cim"), 0);
	sleep(3);
	t_idle = hwmon("temp1_input");
	p_idle = hwmon("power1_input");
	CHECK(t_idle >= 20000 && t_idle <= 110000);
	CHECK(p_idle > 0 && p_idle < 10000000);
	pid = load_child();
	CHECK(pid > 0);
	sleep(3);
	p_load = hwmon("power1_input");
	t_load = hwmon("temp1_input");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	sleep(3);
	t_cool = hwmon("temp1_input");
	printf("  idle %lld mdegC %lld uW, load %lld mdegC %lld uW, cooled %lld mdegC\n",
	       t_idle, p_idle, t_load, p_load, t_cool);
	/* awake and working draws more than the sleeping card */
	CHECK(p_load > 700000 && p_load > p_idle);
	CHECK(t_load > t_idle + 1000);
	CHECK(t_load <= 110000);
	CHECK(t_cool < t_load - 1000);
}

static void runtime_pm_suspends_and_wakes(void)
{
	long long susp0, p_sleep, p_awake;
	struct vm_ctx c;
	char buf[32];

	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "50"), 0);
	CHECK_EQ(vm_ctx_open(&c, 1, 8, 7), 0);
	/* idle: the card goes to sleep, in the driver and on the card */
	CHECK_EQ(vm_wait_runtime_status("suspended", 3000), 0);
	CHECK(read_str(vm_dbg_path("card_power"), buf, sizeof(buf)) > 0);
	CHECK_EQ(strcmp(buf, "sleep"), 0);
	usleep(200000);
	p_sleep = hwmon("power1_input");
	susp0 = vm_read_num(vm_dev_path("power/runtime_suspended_time"));
	/* a submission wakes it and the job runs correctly */
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "2000"), 0);
	CHECK_EQ(vm_ctx_submit(&c, 0, 8, 0), 0);
	CHECK_EQ(vm_ctx_wait(&c, 0, 20000000000ll), 0);
	CHECK_EQ(vm_wait_runtime_status("active", 10), 0);
	CHECK(read_str(vm_dbg_path("card_power"), buf, sizeof(buf)) > 0);
	CHECK_EQ(strcmp(buf, "active"), 0);
	usleep(200000);
	p_awake = hwmon("power1_input");
	printf("  power asleep %lld uW, awake %lld uW\n", p_sleep, p_awake);
	CHECK(p_sleep > 0 && p_sleep < p_awake);
	CHECK(vm_read_num(vm_dev_path("power/runtime_suspended_time")) >= susp0);
	/* and sleeps again once idle */
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "50"), 0);
	CHECK_EQ(vm_wait_runtime_status("suspended", 3000), 0);
	CHECK_EQ(vm_ctx_submit(&c, 0, 4, 1), 0);
	CHECK_EQ(vm_ctx_wait(&c, 0, 20000000000ll), 0);
	CHECK_EQ(vm_write_file(vm_dev_path("power/autosuspend_delay_ms"),
			       "100"), 0);
	vm_ctx_close(&c);
}

/* A NOP job names nothing; anything it names is refused. */
static void nop_job(void)
{
	struct drm_cim_submit sub = { .flags = DRM_CIM_SUBMIT_NOP };
	int fd = vm_open_card();
	uint32_t sync;

	CHECK(fd >= 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	sub.out_syncobj = sync;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 10000000000ll), 0);
	sub.batch = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), -EINVAL);
	sub.batch = 0;
	sub.image_handle = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), -EINVAL);
	sub.image_handle = 0;
	sub.flags = 4;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), -EINVAL);
	close(fd);
}

/* --- per-tile activity (DRM_CIM_QUERY_TILES, debugfs tiles) ---------- */

#define TA_TILES	64

struct ta_tiles {
	struct drm_cim_tiles h;
	struct drm_cim_tile_entry e[TA_TILES];
};

/* debugfs tiles: tile used pe mvms macs simd_ops pulses busy_us simd_us */
struct ta_dbg {
	unsigned long long v[9];
};

static int ta_query(int fd, struct ta_tiles *t)
{
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_TILES,
				   .size = sizeof(*t), .data = (uintptr_t)t };
	int ret;

	memset(t, 0, sizeof(*t));
	ret = vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);
	if (ret)
		return ret;
	if (t->h.entry_size != sizeof(t->e[0]) || t->h.count != t->h.total ||
	    t->h.count > TA_TILES)
		return -EPROTO;
	return 0;
}

/* Lines of debugfs tiles into d[]; the number of tiles, or -1. */
static int ta_debugfs(struct ta_dbg *d, int max)
{
	static char buf[16384];
	char *line, *save;
	int n = 0;

	if (vm_read_file(vm_dbg_path("tiles"), buf, sizeof(buf) - 1) <= 0)
		return -1;
	buf[sizeof(buf) - 1] = 0;
	line = strtok_r(buf, "\n", &save);	/* the header */
	while ((line = strtok_r(NULL, "\n", &save)) && n < max) {
		unsigned long long *v = d[n].v;

		if (sscanf(line, "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8]) != 9 || v[0] != (unsigned long long)n)
			return -1;
		n++;
	}
	return n;
}

/* The slot of the catalog image with m's bytes, or -1. */
static int ta_slot(int fd, const struct vm_model *m)
{
	struct {
		struct drm_cim_images h;
		struct drm_cim_image_entry e[16];
	} c;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_IMAGES,
				   .size = sizeof(c), .data = (uintptr_t)&c };
	uint8_t d[32];
	uint32_t i;

	if (vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q))
		return -1;
	cimi_sha256(m->image, m->size, d);
	for (i = 0; i < c.h.count && i < 16; i++)
		if (!memcmp(c.e[i].sha256, d, sizeof(d)))
			return (int)c.e[i].slot;
	return -1;
}

/* The physical tile of each virtual tile of slot, from debugfs images. */
static int ta_map(int slot, uint32_t *map, uint32_t max)
{
	static char buf[8192];
	char *line, *save, *p;
	unsigned int s, n = 0;
	int at;

	if (vm_read_file(vm_dbg_path("images"), buf, sizeof(buf) - 1) <= 0)
		return -1;
	buf[sizeof(buf) - 1] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%u %*s %*u %*u %n", &s, &at) != 1 ||
		    (int)s != slot)
			continue;
		for (p = line + at; *p && n < max; p++) {
			map[n++] = (uint32_t)strtoul(p, &p, 10);
			if (*p != ',')
				break;
		}
		return (int)n;
	}
	return -1;
}

/*
 * A known model run over a batch shows up on exactly its tiles: per tile,
 * the MVMs and MACs its blocks must do (from the image's block table and
 * the tile map), MACs over all tiles the layers' in x out x batch, SIMD
 * work on the tiles that requantize, busy time on the image's tiles and
 * no change anywhere else; debugfs tiles agrees.  Programming it added one
 * P/E cycle and pulses on its tiles only.
 */
static void tile_activity_counts(void)
{
	static const uint32_t dims[3] = { 300, 100, 40 };
	const uint32_t batch = 7;
	static struct ta_tiles t0, t1, t2;
	struct ta_dbg g1[TA_TILES], g2[TA_TILES];
	uint64_t want_mvms[TA_TILES] = { 0 }, want_macs[TA_TILES] = { 0 };
	uint64_t macs = 0;
	uint32_t map[CIM_IMAGE_MAX_VTILES], bo, img, in, out, sync, i, k, r;
	int mine[TA_TILES] = { 0 }, home[TA_TILES] = { 0 };
	const struct cim_image_header *h;
	const struct cim_image_block *b;
	const struct cim_image_op *op;
	struct drm_cim_submit sub;
	struct vm_model m;
	int fd = vm_open_card(), slot, n_map, nt;
	int8_t *pin, *pout, *ref;

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build(dims, 2, 4242, 256, 256, &m), 0);
	CHECK_EQ(ta_query(fd, &t0), 0);
	nt = (int)t0.h.count;
	CHECK(nt > 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 30000000000ll), 0);
	CHECK_EQ(ta_query(fd, &t1), 0);
	slot = ta_slot(fd, &m);
	CHECK(slot >= 0);
	h = m.image;
	n_map = ta_map(slot, map, CIM_IMAGE_MAX_VTILES);
	CHECK_EQ(n_map, (int)h->n_vtiles);
	for (i = 0; i < (uint32_t)n_map; i++) {
		CHECK(map[i] < (uint32_t)nt);
		mine[map[i]] = 1;
	}

	/* what the blocks must do: one MVM per block and item */
	for (k = 0; k < h->n_ops; k++) {
		uint32_t R, per, pix;

		op = &cim_image_ops(m.image)[k];
		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		R = op->replicas ? op->replicas : 1;
		per = op->block_count / R;
		pix = cim_image_tensors(m.image)[op->out].h *
		      cim_image_tensors(m.image)[op->out].w;
		for (r = 0; r < R; r++) {
			uint64_t np = (uint64_t)batch * ((pix + R - 1 - r) / R);

			b = &cim_image_blocks(m.image)[op->block_first + r * per];
			home[map[b[0].vtile]] = 1;
			for (i = 0; i < per; i++) {
				want_mvms[map[b[i].vtile]] += np;
				want_macs[map[b[i].vtile]] += np * b[i].g_count *
							      b[i].rows * b[i].outs;
			}
		}
	}

	CHECK_EQ(vm_bo_create(fd, (uint64_t)batch * m.in_size, &in), 0);
	CHECK_EQ(vm_bo_create(fd, (uint64_t)batch * m.out_size, &out), 0);
	pin = vm_bo_map(fd, in, (size_t)batch * m.in_size);
	pout = vm_bo_map(fd, out, (size_t)batch * m.out_size);
	ref = malloc((size_t)batch * m.out_size);
	CHECK(pin && pout && ref);
	vm_fill_random(pin, (size_t)batch * m.in_size, 77);
	CHECK_EQ(ta_debugfs(g1, TA_TILES), nt);
	memset(&sub, 0, sizeof(sub));
	sub.image_handle = img;
	sub.in_handle = in;
	sub.out_handle = out;
	sub.batch = batch;
	sub.out_syncobj = sync;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(vm_wait_fence(fd, sync, 20000000000ll), 0);
	CHECK_EQ(cim_ref_run_image(m.image, m.size, pin, ref, batch), 0);
	CHECK_EQ(memcmp(pout, ref, (size_t)batch * m.out_size), 0);
	CHECK_EQ(ta_query(fd, &t2), 0);
	CHECK_EQ(ta_debugfs(g2, TA_TILES), nt);

	for (i = 0; i < (uint32_t)nt; i++) {
		const struct drm_cim_tile_entry *a = &t1.e[i], *z = &t2.e[i];

		CHECK_EQ(z->flags, DRM_CIM_TILE_F_ACTIVITY | DRM_CIM_TILE_F_SIMD);
		CHECK_EQ(z->pad, 0);
		/* programming: one erase and some pulses, on its tiles only */
		CHECK_EQ(a->pe_cycles - t0.e[i].pe_cycles, (uint32_t)mine[i]);
		CHECK_EQ(a->program_pulses > t0.e[i].program_pulses, mine[i]);
		CHECK_EQ(a->mvms, t0.e[i].mvms);
		/* the run */
		CHECK_EQ(z->mvms - a->mvms, want_mvms[i]);
		CHECK_EQ(z->macs - a->macs, want_macs[i]);
		CHECK_EQ(z->busy_ns > a->busy_ns, mine[i]);
		CHECK_EQ(z->simd_ops > a->simd_ops, home[i]);
		CHECK_EQ(z->simd_ns > a->simd_ns, home[i]);
		CHECK_EQ(z->program_pulses, a->program_pulses);
		CHECK_EQ(z->pe_cycles, a->pe_cycles);
		macs += z->macs - a->macs;
		/* debugfs shows the same counters */
		CHECK_EQ(g2[i].v[3] - g1[i].v[3], z->mvms - a->mvms);
		CHECK_EQ(g2[i].v[4] - g1[i].v[4], z->macs - a->macs);
		CHECK_EQ(g2[i].v[5] - g1[i].v[5], z->simd_ops - a->simd_ops);
		CHECK_EQ(g2[i].v[2], z->pe_cycles);
		CHECK_EQ(g2[i].v[6], z->program_pulses);
		CHECK_EQ(g2[i].v[7], z->busy_ns / 1000);
		CHECK_EQ(g2[i].v[8], z->simd_ns / 1000);
	}
	/* weight MACs of the layers, from their shapes alone */
	CHECK_EQ(macs, (uint64_t)batch * (dims[0] * dims[1] + dims[1] * dims[2]));
	free(ref);
	vm_model_free(&m);
	close(fd);
}

const struct vm_test vm_admin_tests[] = {
	{ "sysfs_knobs_validate", sysfs_knobs_validate },
	{ "sysfs_state_reads", sysfs_state_reads },
	{ "sysfs_power_mode_changes_device_time",
	  sysfs_power_mode_changes_device_time },
	{ "debugfs_reads", debugfs_reads },
	{ "hwmon_follows_load", hwmon_follows_load },
	{ "runtime_pm_suspends_and_wakes", runtime_pm_suspends_and_wakes },
	{ "nop_job", nop_job },
	{ "tile_activity_counts", tile_activity_counts },
	{ NULL, NULL },
};
