// SPDX-License-Identifier: MIT
/*
 * Analog arrays and early exit on the virtual card (check.sh loads the
 * card in the mode each group needs):
 *  exits           ideal card: early exit taken, time saved, exit bytes;
 *  analog_ideal    ideal card: the analog sysfs says so, bit-exact;
 *  analog          analog=1: noise bounded, calibration, refresh;
 *  analog_det      analog=1, first thing after a load: outputs saved
 *                  (CIM_VMTEST_DET=save) or compared (=compare) with the
 *                  run after an earlier load with the same seed;
 *  analog_range    analog=1, loaded with adc_cal_sigma_q4=0 (range
 *                  calibration off; CIM_VMTEST_RANGE=save) and then with
 *                  the default (on; =compare): the error after CALIBRATE
 *                  is lower with it;
 *  analog_verify   analog=1, spare_cols=0, weak_col=0: a tile that cannot
 *                  verify fails the load and the image is not used.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "admin.h"
#include "vmtest.h"

#define SYSDEV		"/sys/class/accel/accel0/device/"
#define AGE_PARAM	"/sys/module/cim_vcard/parameters/age_s"
#define DET_FILE	"/tmp/analog_det.bin"
#define RANGE_FILE	"/tmp/analog_range.txt"
#define RANGE_PARAM	"/sys/module/cim_vcard/parameters/adc_cal_sigma_q4"

/* ---- helpers ------------------------------------------------------------ */

static uint32_t xs(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int sys_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

static long long sys_read_ll(const char *path)
{
	char buf[64];

	if (sys_read(path, buf, sizeof(buf)))
		return -1;
	return atoll(buf);
}

/* One line of the analog_stats debugfs file. */
struct an_tile {
	int programmed, calibrated;
	unsigned long long pulses;
	unsigned pe, spare, vfail, cal, recal, refresh, drift;
};

static int an_stats(struct an_tile *t, int max)
{
	char line[512], flags[8];
	glob_t g;
	FILE *f;
	int n = 0, i;

	/* the device's directory, and its accel/<minor> link */
	if (glob("/sys/kernel/debug/accel/*/analog_stats", 0, NULL, &g) ||
	    g.gl_pathc < 1) {
		printf("  no analog_stats in debugfs\n");
		return -1;
	}
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %7s %llu %u %u %u %u %u %u %u", &i, flags,
			   &t[n].pulses, &t[n].pe, &t[n].spare, &t[n].vfail,
			   &t[n].cal, &t[n].recal, &t[n].refresh,
			   &t[n].drift) != 10 || i != n)
			break;
		t[n].programmed = flags[0] == 'P';
		t[n].calibrated = flags[1] == 'C';
		n++;
	}
	fclose(f);
	return n;
}

/* Sum of a counter over the programmed tiles. */
#define AN_SUM(t, n, field) ({ unsigned long long _s = 0; int _i; \
	for (_i = 0; _i < (n); _i++) \
		if ((t)[_i].programmed) \
			_s += (t)[_i].field; \
	_s; })

static int age_advance(long long seconds)
{
	char buf[32];
	long long now = sys_read_ll(AGE_PARAM);

	if (now < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%lld", now + seconds);
	return vm_write_file(AGE_PARAM, buf);
}

/*
 * One FC layer K -> N, int8, requantized so that outputs spread over
 * about +-30 without clipping much: analog errors show in them.
 */
static int fc_model(uint32_t K, uint32_t N, uint32_t seed, struct vm_model *m)
{
	struct cim_fc_layer l;
	struct cim_model_desc desc = { .n_layers = 1, .layers = &l };
	struct cim_geometry g = { .tile_rows = 256, .tile_cols = 256,
				  .cell_bits = 4 };
	int8_t *w = malloc((size_t)K * N);
	int32_t *bias = calloc(N, 4), *mult = malloc(N * 4), *shift = malloc(N * 4);
	uint32_t s = seed | 1, j;
	int ret = -ENOMEM;

	if (!w || !bias || !mult || !shift)
		goto out;
	for (j = 0; j < K * N; j++)
		w[j] = (int8_t)((int)(xs(&s) % 255) - 127);
	for (j = 0; j < N; j++) {
		mult[j] = 0x60000000;
		shift[j] = -11;
	}
	l = (struct cim_fc_layer){ .in_len = K, .out_len = N, .weights = w,
				   .bias = bias, .mult = mult, .shift = shift,
				   .act_min = -128, .act_max = 127 };
	ret = cim_image_build(&desc, &g, &m->image, &m->size);
	m->in_size = K;
	m->out_size = N;
out:
	free(w);
	free(bias);
	free(mult);
	free(shift);
	return ret;
}

/* Mean absolute error (x1000) of the card against the reference. */
static long long run_mae_t(struct cim_dev *dev, struct cim_image *img,
			   const struct vm_model *m, uint32_t batch,
			   uint32_t seed, int *max_err, int8_t *outp,
			   uint64_t *dev_ns)
{
	struct cim_run_stats st;
	size_t ni = (size_t)batch * m->in_size, no = (size_t)batch * m->out_size;
	int8_t *in = malloc(ni), *out = malloc(no), *ref = malloc(no);
	long long sum = 0;
	size_t i;
	int ret;

	if (!in || !out || !ref)
		return -1;
	vm_fill_random(in, ni, seed);
	ret = cim_infer(dev, img, in, out, batch, &st);
	if (!ret)
		ret = cim_ref_run_image(m->image, m->size, in, ref, batch);
	if (dev_ns)
		*dev_ns = ret ? 0 : st.device_time_ns;
	if (max_err)
		*max_err = 0;
	for (i = 0; !ret && i < no; i++) {
		int d = abs(out[i] - ref[i]);

		sum += d;
		if (max_err && d > *max_err)
			*max_err = d;
	}
	if (outp && !ret)
		memcpy(outp, out, no);
	free(in);
	free(out);
	free(ref);
	return ret ? -1 : sum * 1000 / (long long)no;
}

static long long run_mae(struct cim_dev *dev, struct cim_image *img,
			 const struct vm_model *m, uint32_t batch,
			 uint32_t seed, int *max_err, int8_t *outp)
{
	return run_mae_t(dev, img, m, batch, seed, max_err, outp, NULL);
}

/* ---- early exit (ideal card) --------------------------------------------- */

/*
 * in(64) -> FC 10 -> EXIT(margin 20) -> FC 256 -> FC 256 -> FC 10.
 * The work after the exit is most of the model, so an exit saves time.
 */
struct exit_model {
	struct cim_qtensor t[6];
	struct cim_qop ops[5];
	struct cim_qmodel qm;
	void *bufs[16];
	int n_bufs;
};

static void *em_own(struct exit_model *e, size_t n)
{
	void *p = calloc(1, n);

	e->bufs[e->n_bufs++] = p;
	return p;
}

static void em_fc(struct exit_model *e, uint32_t i, uint32_t in, uint32_t N,
		  uint32_t *s)
{
	uint32_t K = (uint32_t)cim_tensor_size(&e->t[in].shape), j;
	struct cim_qop *q = &e->ops[i];
	int8_t *w = em_own(e, (size_t)K * N);
	int32_t *bias = em_own(e, N * 4), *mult = em_own(e, N * 4);
	int32_t *shift = em_own(e, N * 4);

	for (j = 0; j < K * N; j++)
		w[j] = (int8_t)((int)(xs(s) % 255) - 127);
	for (j = 0; j < N; j++) {
		bias[j] = (int32_t)(xs(s) % 2001) - 1000;
		mult[j] = 0x40000000 + (int32_t)(xs(s) & 0x3fffffff);
		/* outputs of about +-20..30: top-1 margins vary */
		shift[j] = K >= 64 ? -10 : -8;
	}
	e->t[i + 1].shape = (struct cim_image_tensor){ 0, N, 1, 1 };
	e->t[i + 1].q = (struct cim_qparams){ 0.05f, 0 };
	q->op = (struct cim_image_op){ .type = CIM_OP_FC, .in0 = in,
				       .in1 = CIM_TENSOR_NONE, .out = i + 1,
				       .in0_zp = e->t[in].q.zero_point,
				       .act_min = -128, .act_max = 127,
				       .wbits = 8, .groups = 1 };
	q->weights = w;
	q->bias = bias;
	q->mult = mult;
	q->shift = shift;
}

static void exit_model_build(struct exit_model *e, uint32_t margin)
{
	uint32_t s = 77;

	memset(e, 0, sizeof(*e));
	e->t[0].shape = (struct cim_image_tensor){ 0, 64, 1, 1 };
	e->t[0].q = (struct cim_qparams){ 0.05f, 0 };
	em_fc(e, 0, 0, 10, &s);
	e->t[2] = e->t[1];
	e->ops[1].op = (struct cim_image_op){ .type = CIM_OP_EXIT, .in0 = 1,
					      .in1 = CIM_TENSOR_NONE, .out = 2,
					      .act_min = -128, .act_max = 127,
					      .exit_margin = margin };
	em_fc(e, 2, 2, 256, &s);
	em_fc(e, 3, 3, 256, &s);
	em_fc(e, 4, 4, 10, &s);
	e->qm = (struct cim_qmodel){ .n_tensors = 6, .tensors = e->t,
				     .n_ops = 5, .ops = e->ops,
				     .output_tensor = 5 };
}

static void exit_model_free(struct exit_model *e)
{
	int i;

	for (i = 0; i < e->n_bufs; i++)
		free(e->bufs[i]);
}

static void exits_taken_and_time_saved(void)
{
	struct cim_map_opts mo = { .geom = { 256, 256, 4 }, .max_tiles = 8, .flags = 0 };
	struct cim_submit_opts o = CIM_SUBMIT_OPTS_INIT;
	struct cim_run_stats s_all, s_none, s_img;
	struct exit_model e;
	struct cim_image_props props;
	struct cim_image *img;
	struct cim_dev *dev;
	enum { B = 48 };
	int8_t in[B * 64], out[B * 10], ref[B * 10];
	uint8_t exits[B];
	uint32_t i, fired;
	void *image;
	size_t size;

	exit_model_build(&e, 20);
	CHECK_EQ(cim_qmodel_check(&e.qm, NULL, 0), 0);
	CHECK_EQ(cim_map_qmodel(&e.qm, &mo, &image, &size, NULL), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, image, size, &img), 0);
	cim_image_get_props(img, &props);
	CHECK_EQ(props.n_exits, 1);
	vm_fill_random(in, sizeof(in), 5);

	/* Margin 0: every item stops at exit 0, with the exit's tensor. */
	o.flags = CIM_SUBMIT_EXIT_MARGIN;
	o.exit_margin = 0;
	o.exits = exits;
	memset(exits, 0xee, sizeof(exits));
	CHECK_EQ(cim_infer_ex(dev, img, in, out, B, &o, &s_all), 0);
	CHECK_EQ(s_all.n_exited, B);
	for (i = 0; i < B; i++)
		CHECK_EQ(exits[i], 0);
	e.ops[1].op.exit_margin = 0;
	CHECK_EQ(cim_ref_run_qmodel(&e.qm, in, ref, B), 0);
	CHECK_EQ(memcmp(out, ref, sizeof(out)), 0);

	/* Margin above 255: no item exits; the whole model runs. */
	o.exit_margin = 1000;
	memset(exits, 0xee, sizeof(exits));
	CHECK_EQ(cim_infer_ex(dev, img, in, out, B, &o, &s_none), 0);
	CHECK_EQ(s_none.n_exited, 0);
	for (i = 0; i < B; i++)
		CHECK_EQ(exits[i], 1);	/* n_exits: ran to the end */
	e.ops[1].op.exit_margin = 1000;
	CHECK_EQ(cim_ref_run_qmodel(&e.qm, in, ref, B), 0);
	CHECK_EQ(memcmp(out, ref, sizeof(out)), 0);

	/* The skipped layers are not charged. */
	CHECK(s_all.device_time_ns < s_none.device_time_ns);

	/* The image's own margin (20): some items exit, some do not. */
	o.flags = 0;
	o.exit_margin = 0;
	CHECK_EQ(cim_infer_ex(dev, img, in, out, B, &o, &s_img), 0);
	for (i = 0, fired = 0; i < B; i++) {
		CHECK(exits[i] <= 1);
		fired += exits[i] == 0;
	}
	CHECK_EQ(fired, s_img.n_exited);
	CHECK(fired > 0 && fired < B);
	e.ops[1].op.exit_margin = 20;
	CHECK_EQ(cim_ref_run_qmodel(&e.qm, in, ref, B), 0);
	CHECK_EQ(memcmp(out, ref, sizeof(out)), 0);
	CHECK(s_img.device_time_ns > s_all.device_time_ns &&
	      s_img.device_time_ns < s_none.device_time_ns);
	printf("  exits: margin 0: %u/%u exited, %llu ns; margin 20: %u exited, %llu ns; off: %llu ns\n",
	       s_all.n_exited, B, (unsigned long long)s_all.device_time_ns,
	       fired, (unsigned long long)s_img.device_time_ns,
	       (unsigned long long)s_none.device_time_ns);

	/* An exit_margin without the flag is refused. */
	o.exit_margin = 3;
	CHECK_EQ(cim_infer_ex(dev, img, in, out, B, &o, NULL), -EINVAL);

	cim_image_free(img);
	cim_close(dev);
	free(image);
	exit_model_free(&e);
}

/* The raw ioctl: flag and margin checks, the record and exit bytes. */
static void exits_raw_ioctl(void)
{
	struct cim_map_opts mo = { .geom = { 256, 256, 4 }, .max_tiles = 8, .flags = 0 };
	struct drm_cim_job_result *rec;
	struct drm_cim_submit s;
	struct exit_model e;
	struct vm_model m;
	uint32_t bo, img, in, out, res, sync, i;
	uint8_t *rp;
	int fd = vm_open_card();

	CHECK(fd >= 0);
	exit_model_build(&e, 20);
	CHECK_EQ(cim_map_qmodel(&e.qm, &mo, &m.image, &m.size, NULL), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, 0), 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &in), 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &out), 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &res), 0);
	rp = vm_bo_map(fd, res, 4096);
	CHECK(rp);
	memset(rp, 0xee, 4096);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	s = (struct drm_cim_submit){ .image_handle = img, .in_handle = in,
				     .out_handle = out, .batch = 20,
				     .result_handle = res, .out_syncobj = sync };
	s.exit_margin = 1;	/* without the flag */
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -EINVAL);
	s.flags = 4;		/* unknown flag */
	s.exit_margin = 0;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -EINVAL);
	s.flags = DRM_CIM_SUBMIT_EXIT_MARGIN;
	s.exit_margin = 0;
	s.result_offset = 4096 - 32 - 10;	/* room for 10 of 20 exit bytes */
	s.result_offset &= ~7ull;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), 0);
	CHECK_EQ(drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	rec = (void *)(rp + s.result_offset);
	CHECK_EQ(rec->status, 0);
	CHECK_EQ(rec->n_exited, 20);
	/* Too small for all exit bytes: the card writes none. */
	CHECK_EQ(rp[s.result_offset + 32], 0xee);
	s.result_offset = 0;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), 0);
	CHECK_EQ(drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	rec = (void *)rp;
	CHECK_EQ(rec->n_exited, 20);
	CHECK_EQ(rec->reserved, 0);
	for (i = 0; i < 20; i++)
		CHECK_EQ(rp[32 + i], 0);
	CHECK_EQ(rp[32 + 20], 0xee);	/* nothing past the batch */
	free(m.image);
	exit_model_free(&e);
	close(fd);
}

/* Run a shell command: its exit status, its stdout and stderr in buf. */
static int run_cmd(const char *cmd, char *buf, size_t len)
{
	char full[512];
	size_t n = 0, got;
	FILE *f;
	int st;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	f = popen(full, "r");
	if (!f)
		return -1;
	while (n + 1 < len && (got = fread(buf + n, 1, len - 1 - n, f)) > 0)
		n += got;
	buf[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "\nkey " in out, or -1. */
static long long out_num(const char *out, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\n%s ", key);
	p = strstr(out, k);
	return p ? atoll(p + strlen(k)) : -1;
}

/* The "exits" line of cimctl run against the exits libcim reported. */
static int exits_match(const char *out, const uint8_t *want, uint32_t n)
{
	const char *p = strstr(out, "\nexits ");
	char *end;
	uint32_t i;

	if (!p)
		return 0;
	p += strlen("\nexits");
	for (i = 0; i < n; i++) {
		long v = strtol(p, &end, 10);

		if (end == p || v != want[i])
			return 0;
		p = end;
	}
	return *p == '\n';
}

/*
 * cimctl run --exit-margin: the same exits and device time as libcim's
 * cim_infer_ex() with that margin on the same inputs, outputs equal to
 * the reference; no option: the image's margins; bad values refused.
 */
static void exits_cimctl_run(void)
{
	/* the last: no option, the margins compiled into the image (20) */
	static const char *const margins[4] = { "0", "10", "off", NULL };
	static const uint32_t mvals[] = { 0, 10, CIM_EXIT_MARGIN_OFF, 0 };
	struct cim_map_opts mo = { .geom = { 256, 256, 4 }, .max_tiles = 8, .flags = 0 };
	struct cim_submit_opts o = CIM_SUBMIT_OPTS_INIT;
	struct cim_run_stats st;
	struct cim_image *img;
	struct exit_model e;
	struct cim_dev *dev;
	enum { B = 40 };
	static char out[16384];
	char cmd[256];
	int8_t in[B * 64], y[B * 10];
	uint8_t exits[B];
	uint32_t i, n0 = 0, n10 = 0;
	void *image;
	size_t size;
	FILE *f;

	exit_model_build(&e, 20);
	CHECK_EQ(cim_map_qmodel(&e.qm, &mo, &image, &size, NULL), 0);
	vm_fill_random(in, sizeof(in), 8);
	f = fopen("/tmp/exit.cimi", "w");
	CHECK(f != NULL);
	CHECK_EQ(fwrite(image, 1, size, f), size);
	fclose(f);
	f = fopen("/tmp/exit_in.bin", "w");
	CHECK(f != NULL);
	CHECK_EQ(fwrite(in, 1, sizeof(in), f), sizeof(in));
	fclose(f);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, image, size, &img), 0);

	for (i = 0; i < 4; i++) {
		o.flags = i < 3 ? CIM_SUBMIT_EXIT_MARGIN : 0;
		o.exit_margin = mvals[i];
		o.exits = exits;
		CHECK_EQ(cim_infer_ex(dev, img, in, y, B, &o, &st), 0);
		if (i == 0)
			n0 = st.n_exited;
		if (i == 1)
			n10 = st.n_exited;
		snprintf(cmd, sizeof(cmd),
			 "cimctl run --model /tmp/exit.cimi --input /tmp/exit_in.bin --show 0%s%s",
			 i < 3 ? " --exit-margin " : "", i < 3 ? margins[i] : "");
		CHECK_EQ(run_cmd(cmd, out, sizeof(out)), 0);
		if (i == 1)
			printf("%s", out);
		CHECK(strstr(out, "\nmax_abs_diff 0\n") != NULL);
		CHECK(strstr(out, "\nexit_mismatches 0 of 40\n") != NULL);
		CHECK(exits_match(out, exits, B));
		CHECK_EQ(out_num(out, "exited"), st.n_exited);
		CHECK_EQ(out_num(out, "device_time_ns"), st.device_time_ns);
		if (i < 3)
			CHECK(strstr(out, i == 2 ? "\nexit_margin off\n" :
				      i ? "\nexit_margin 10\n" :
					  "\nexit_margin 0\n") != NULL);
		else
			CHECK(strstr(out, "\nexit_margin") == NULL);
	}
	/* margin 0: every item at exit 0; 10: some items, not all */
	CHECK_EQ(n0, B);
	CHECK(n10 > 0 && n10 < B);

	/* bad values: usage errors that say what is allowed */
	CHECK_EQ(run_cmd("cimctl run --model /tmp/exit.cimi --exit-margin 256",
			 out, sizeof(out)), 2);
	CHECK(strstr(out, "bad --exit-margin '256' (0..255") != NULL);
	CHECK_EQ(run_cmd("cimctl run --model /tmp/exit.cimi --exit-margin=-4",
			 out, sizeof(out)), 2);
	/* a model without exits */
	CHECK_EQ(run_cmd("cimctl run --builtin tiny --exit-margin 5", out,
			 sizeof(out)), 1);
	CHECK(strstr(out, "no early exits") != NULL);
	cim_image_free(img);
	cim_close(dev);
	free(image);
	exit_model_free(&e);
}

/* ---- ideal mode ------------------------------------------------------- */

static void analog_ideal_is_bit_exact(void)
{
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	struct an_tile t[16];
	int max_err, n;

	CHECK_EQ(sys_read_ll(SYSDEV "analog"), 0);
	CHECK_EQ(fc_model(256, 64, 9, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	CHECK_EQ(run_mae(dev, img, &m, 64, 3, &max_err, NULL), 0);
	CHECK_EQ(max_err, 0);
	/* The ideal card is not calibrated after programming. */
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK(AN_SUM(t, n, pulses) > 0);
	CHECK_EQ(AN_SUM(t, n, cal), 0);
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/* ---- analog mode -------------------------------------------------------- */

static void analog_sysfs_knobs(void)
{
	char buf[64];

	CHECK_EQ(sys_read_ll(SYSDEV "analog"), 1);
	CHECK(sys_read_ll(SYSDEV "spare_cols") >= 0);
	CHECK_EQ(sys_read(SYSDEV "refresh_policy", buf, sizeof(buf)), 0);
	CHECK_EQ(strcmp(buf, "off"), 0);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "sometimes"), -EINVAL);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "reprogram\n"), 0);
	CHECK_EQ(sys_read(SYSDEV "refresh_policy", buf, sizeof(buf)), 0);
	CHECK_EQ(strcmp(buf, "reprogram"), 0);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "off"), 0);
	CHECK_EQ(sys_read_ll(SYSDEV "refresh_threshold_ppm"), 20000);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_threshold_ppm", "1000001"), -ERANGE);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_threshold_ppm", "x"), -EINVAL);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_threshold_ppm", "30000"), 0);
	CHECK_EQ(sys_read_ll(SYSDEV "refresh_threshold_ppm"), 30000);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_threshold_ppm", "0"), 0);
	CHECK_EQ(sys_read_ll(SYSDEV "refresh_threshold_ppm"), 20000);
	CHECK_EQ(sys_read_ll(SYSDEV "calibrate_on_program"), 1);
	CHECK_EQ(vm_write_file(SYSDEV "calibrate", "maybe"), -EINVAL);
	CHECK_EQ(vm_write_file(SYSDEV "calibrate", "1"), 0);
}

/*
 * Noise on: outputs differ from the reference, within a bound; the same
 * seed gives the same outputs after a reload (CIM_VMTEST_DET).
 */
static void analog_noise_bounded_and_deterministic(void)
{
	const char *mode = getenv("CIM_VMTEST_DET");
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	int8_t out[64 * 64], saved[64 * 64];
	long long mae;
	int max_err, fd;

	CHECK_EQ(fc_model(256, 64, 9, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	mae = run_mae(dev, img, &m, 64, 3, &max_err, out);
	printf("  noise on (calibrated): mean abs error %lld.%03lld LSB, max %d\n",
	       mae / 1000, mae % 1000, max_err);
	CHECK(mae > 0);			/* the arrays are not ideal */
	CHECK(mae < 4000);		/* but close: under 4 LSB on average */
	CHECK(max_err <= 24);
	if (mode && !strcmp(mode, "save")) {
		fd = open(DET_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0);
		CHECK_EQ(write(fd, out, sizeof(out)), sizeof(out));
		close(fd);
	} else if (mode && !strcmp(mode, "compare")) {
		fd = open(DET_FILE, O_RDONLY);
		CHECK(fd >= 0);
		CHECK_EQ(read(fd, saved, sizeof(saved)), sizeof(saved));
		close(fd);
		CHECK_EQ(memcmp(out, saved, sizeof(out)), 0);
		printf("  same outputs as after the earlier load\n");
	}
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/*
 * Range calibration lowers the column error: the same model, seed and
 * inputs on a card loaded with range calibration off (save) and then on
 * (compare), each calibrated after programming.  Outputs spread over
 * +-30 LSB: the column sums' errors show in them.
 */
static void analog_range_lowers_error(void)
{
	const char *mode = getenv("CIM_VMTEST_RANGE");
	long long k = sys_read_ll(RANGE_PARAM), mae, saved = -1;
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	int max_err;
	FILE *f;

	CHECK(mode != NULL);
	if (!mode)
		return;
	CHECK_EQ(sys_read_ll(SYSDEV "analog"), 1);
	CHECK_EQ(fc_model(256, 64, 41, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	mae = run_mae(dev, img, &m, 256, 6, &max_err, NULL);
	CHECK(mae > 0);
	printf("  range calibration %s (adc_cal_sigma_q4 %lld): mean abs error %lld.%03lld LSB, max %d\n",
	       k ? "on" : "off", k, mae / 1000, mae % 1000, max_err);
	if (!strcmp(mode, "save")) {
		CHECK_EQ(k, 0);
		f = fopen(RANGE_FILE, "w");
		CHECK(f != NULL);
		if (f) {
			fprintf(f, "%lld\n", mae);
			fclose(f);
		}
	} else {
		CHECK(k != 0);		/* -1: the default, on */
		f = fopen(RANGE_FILE, "r");
		CHECK(f != NULL);
		if (f) {
			CHECK_EQ(fscanf(f, "%lld", &saved), 1);
			fclose(f);
		}
		printf("  without range calibration it was %lld.%03lld LSB\n",
		       saved / 1000, saved % 1000);
		CHECK(saved > 0);
		CHECK(mae < saved);
	}
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/* Calibration reduces the error: measured before and after `calibrate`. */
static void analog_calibration_reduces_error(void)
{
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	struct an_tile t0[16], t[16];
	long long before, after;
	unsigned long long cal0;
	int n, max_b, max_a, mine = 0;

	CHECK_EQ(an_stats(t0, 16), 8);
	CHECK_EQ(vm_write_file(SYSDEV "calibrate_on_program", "0"), 0);
	CHECK_EQ(fc_model(256, 64, 21, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	vm_write_file(SYSDEV "calibrate_on_program", "1");
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	/* The image's tiles (just erased) carry no compensation. */
	for (int i = 0; i < n; i++) {
		if (t[i].pe == t0[i].pe)
			continue;
		mine++;
		CHECK(t[i].programmed && !t[i].calibrated);
	}
	CHECK(mine > 0);
	cal0 = AN_SUM(t, n, cal);
	before = run_mae(dev, img, &m, 64, 4, &max_b, NULL);
	CHECK(before > 0);
	CHECK_EQ(vm_write_file(SYSDEV "calibrate", "1"), 0);
	after = run_mae(dev, img, &m, 64, 4, &max_a, NULL);
	CHECK(after >= 0);
	printf("  mean abs error before calibration %lld.%03lld LSB (max %d), after %lld.%03lld LSB (max %d)\n",
	       before / 1000, before % 1000, max_b, after / 1000, after % 1000,
	       max_a);
	CHECK(after < before);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK(AN_SUM(t, n, cal) > cal0);
	for (int i = 0; i < n; i++)
		if (t[i].pe != t0[i].pe)
			CHECK(t[i].calibrated);
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/*
 * cim_calibrate() (DRM_IOCTL_CIM_CALIBRATE): on an image loaded without
 * calibration, every tile of the image reads a column error well above
 * what the new compensation leaves; calibrated again right away, the
 * old and new compensation are as good.  The ioctl's rejections.
 */
static void analog_calibrate_ioctl(void)
{
	struct drm_cim_calib_tile rt[8];
	struct drm_cim_calibrate req;
	struct cim_calib_tile t[16];
	struct cim_image_props p;
	struct cim_image *img;
	struct cim_dev *dev;
	struct vm_model m;
	uint32_t bo, h;
	int n, i, fd;

	CHECK_EQ(vm_write_file(SYSDEV "calibrate_on_program", "0"), 0);
	CHECK_EQ(fc_model(256, 64, 23, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	vm_write_file(SYSDEV "calibrate_on_program", "1");
	cim_image_get_props(img, &p);
	CHECK(p.tiles > 0 && p.tiles <= 16);
	/* the count alone */
	CHECK_EQ(cim_calibrate(dev, img, NULL, 0), (int)p.tiles);
	/* that calibrated: load again uncalibrated for the real figure */
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);

	CHECK_EQ(vm_write_file(SYSDEV "calibrate_on_program", "0"), 0);
	CHECK_EQ(fc_model(256, 64, 25, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	vm_write_file(SYSDEV "calibrate_on_program", "1");
	cim_image_get_props(img, &p);
	n = cim_calibrate(dev, img, t, 16);
	CHECK_EQ(n, (int)p.tiles);
	for (i = 0; i < n && i < 16; i++) {
		printf("  tile %u: %u columns, column error %u -> %u (1/256 level), %u conversions\n",
		       t[i].tile, t[i].columns, t[i].err_before_q8,
		       t[i].err_after_q8, t[i].samples);
		CHECK(t[i].columns > 0 && t[i].samples > 0);
		CHECK(t[i].calibrated_ns > 0);
		CHECK(t[i].err_after_q8 > 0);
		CHECK(t[i].err_before_q8 > 2 * t[i].err_after_q8);
	}
	/* again at once: no better to be had */
	CHECK_EQ(cim_calibrate(dev, img, t, 16), n);
	for (i = 0; i < n && i < 16; i++)
		CHECK(2 * t[i].err_before_q8 < 3 * t[i].err_after_q8 + 64);

	/* the raw ioctl refuses what it does not know */
	fd = vm_open_card();
	CHECK(fd >= 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &h, 0), 0);
	memset(&req, 0, sizeof(req));
	req.image = h;
	req.count = 8;
	req.tiles = (uintptr_t)rt;
	req.flags = 1;
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), -1);
	CHECK_EQ(errno, EINVAL);
	req.flags = 0;
	req.pad = 1;
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), -1);
	CHECK_EQ(errno, EINVAL);
	req.pad = 0;
	req.tiles = 0;
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), -1);
	CHECK_EQ(errno, EINVAL);
	req.tiles = (uintptr_t)rt;
	req.image = h + 100;
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), -1);
	CHECK_EQ(errno, ENOENT);
	req.image = h;
	req.tiles = 8;	/* not a user address */
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), -1);
	CHECK_EQ(errno, EFAULT);
	req.tiles = (uintptr_t)rt;
	req.count = 1;	/* room for one: count says how many there are */
	memset(rt, 0xa5, sizeof(rt));
	CHECK_EQ(ioctl(fd, DRM_IOCTL_CIM_CALIBRATE, &req), 0);
	CHECK_EQ(req.count, p.tiles);
	CHECK_EQ(rt[0].pad, 0);
	CHECK_EQ(rt[1].tile, 0xa5a5a5a5u);
	close(fd);

	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/* By default each new image's tiles are calibrated behind its PROGRAM. */
static void analog_calibrated_after_program(void)
{
	struct cim_dev *dev;
	struct cim_image *img;
	struct cim_image_props p;
	struct vm_model m;
	struct an_tile t[16];
	int n, cal = 0;

	CHECK_EQ(sys_read_ll(SYSDEV "calibrate_on_program"), 1);
	CHECK_EQ(fc_model(256, 64, 33, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	cim_image_get_props(img, &p);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	for (int i = 0; i < n; i++)
		cal += t[i].programmed && t[i].calibrated;
	/* at least the new image's tiles */
	CHECK(cal >= (int)p.tiles);
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/*
 * Refresh: aging the card raises the error; with a refresh policy the
 * firmware refreshes the drifted tiles (counted in analog_stats) and
 * the error comes back down.
 */
static void analog_refresh_triggered(void)
{
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	struct an_tile t[16];
	long long fresh, aged, refreshed, recal;
	unsigned long long ref0, rec0;
	unsigned drift_aged = 0, drift_after = 0;
	int n, i;

	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "off"), 0);
	CHECK_EQ(fc_model(256, 64, 45, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	fresh = run_mae(dev, img, &m, 64, 6, NULL, NULL);
	CHECK(fresh >= 0);

	/* A year powered on with the policy off: drift, nothing refreshed. */
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	ref0 = AN_SUM(t, n, refresh);
	rec0 = AN_SUM(t, n, recal);
	CHECK_EQ(age_advance(365ll * 86400), 0);
	aged = run_mae(dev, img, &m, 64, 6, NULL, NULL);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK_EQ(AN_SUM(t, n, refresh), ref0);
	for (i = 0; i < n; i++)
		if (t[i].programmed && t[i].drift > drift_aged)
			drift_aged = t[i].drift;
	CHECK(drift_aged > 20000);
	CHECK(aged > fresh);

	/* Policy reprogram: the next poll refreshes every drifted tile. */
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "reprogram"), 0);
	CHECK_EQ(age_advance(1), 0);	/* wakes the firmware */
	refreshed = run_mae(dev, img, &m, 64, 6, NULL, NULL);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK(AN_SUM(t, n, refresh) > ref0);
	for (i = 0; i < n; i++)
		if (t[i].programmed && t[i].drift > drift_after)
			drift_after = t[i].drift;
	CHECK(drift_after < 20000);
	CHECK(refreshed < aged);

	/* Policy recalibrate: another year, the tiles are recalibrated. */
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "recalibrate"), 0);
	CHECK_EQ(age_advance(365ll * 86400), 0);
	recal = run_mae(dev, img, &m, 64, 6, NULL, NULL);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK(AN_SUM(t, n, recal) > rec0);
	printf("  refresh: fresh %lld.%03lld LSB; after a year %lld.%03lld LSB (drift %u ppm); after reprogram %lld.%03lld LSB (%llu refreshes, drift %u ppm); another year with recalibrate %lld.%03lld LSB (%llu recalibrations)\n",
	       fresh / 1000, fresh % 1000, aged / 1000, aged % 1000, drift_aged,
	       refreshed / 1000, refreshed % 1000, AN_SUM(t, n, refresh) - ref0,
	       drift_after, recal / 1000, recal % 1000,
	       AN_SUM(t, n, recal) - rec0);
	CHECK_EQ(vm_write_file(SYSDEV "refresh_policy", "off"), 0);
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/*
 * sysfs adc_bits reaches the analog model: at 4 bits the same inputs
 * give other outputs, further from the reference, and MVMs convert
 * faster; back at 8 bits the error is the 8-bit one again.
 */
static void analog_adc_bits_changes_results(void)
{
	struct cim_dev *dev;
	struct cim_image *img;
	struct vm_model m;
	static int8_t out8[64 * 64], out4[64 * 64], out8b[64 * 64];
	long long mae8, mae4, mae8b;
	uint64_t t8, t4, t8b;
	int max8, max4, max8b, diff = 0;
	size_t i;

	CHECK_EQ(sys_read_ll(SYSDEV "adc_bits"), 8);
	CHECK_EQ(fc_model(256, 64, 57, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	mae8 = run_mae_t(dev, img, &m, 64, 8, &max8, out8, &t8);
	CHECK(mae8 >= 0);

	CHECK_EQ(vm_write_file(SYSDEV "adc_bits", "4"), 0);
	CHECK_EQ(sys_read_ll(SYSDEV "adc_bits"), 4);
	mae4 = run_mae_t(dev, img, &m, 64, 8, &max4, out4, &t4);
	CHECK_EQ(vm_write_file(SYSDEV "adc_bits", "8"), 0);
	mae8b = run_mae_t(dev, img, &m, 64, 8, &max8b, out8b, &t8b);
	for (i = 0; i < sizeof(out8); i++)
		diff += out4[i] != out8[i];
	printf("  adc_bits 8: mean abs error %lld.%03lld LSB (max %d), %llu ns; 4: %lld.%03lld LSB (max %d), %llu ns, %d of %zu outputs differ; 8 again: %lld.%03lld LSB (max %d), %llu ns\n",
	       mae8 / 1000, mae8 % 1000, max8, (unsigned long long)t8,
	       mae4 / 1000, mae4 % 1000, max4, (unsigned long long)t4, diff,
	       sizeof(out8), mae8b / 1000, mae8b % 1000, max8b,
	       (unsigned long long)t8b);
	CHECK(mae4 > 0 && mae8b >= 0);
	/* coarser conversions: a clearly larger error */
	CHECK(mae4 > 2 * mae8);
	CHECK(diff > (int)sizeof(out8) / 4);
	/* and shorter ones */
	CHECK(t4 < t8);
	/*
	 * 8 bits again: the 8-bit behaviour.  Read noise differs per run,
	 * and with it the few over-range repeats each run is charged for.
	 */
	CHECK(t8b + t8 / 100 >= t8 && t8b <= t8 + t8 / 100);
	CHECK(t4 + t8 / 100 < t8b);
	CHECK(2 * mae8b < mae4);
	CHECK(mae8b < 2 * mae8 + 200);
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
}

/* ---- a tile that cannot verify ------------------------------------------ */

static int fence_status(int fd, uint32_t sync)
{
	struct sync_file_info info;
	int sfd, ret;

	if (drmSyncobjExportSyncFile(fd, sync, &sfd))
		return 1000;
	memset(&info, 0, sizeof(info));
	ret = ioctl(sfd, SYNC_IOC_FILE_INFO, &info);
	close(sfd);
	return ret ? 1001 : info.status;
}

static int catalog_state(int fd, uint32_t *state, uint32_t *count)
{
	struct {
		struct drm_cim_images h;
		struct drm_cim_image_entry e[8];
	} c;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_IMAGES,
				   .size = sizeof(c), .data = (uintptr_t)&c };
	int ret = vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);

	if (ret)
		return ret;
	*count = c.h.count;
	*state = c.h.count ? c.e[c.h.count - 1].state : ~0u;
	return 0;
}

static void verify_fail_raw(void)
{
	struct drm_cim_image_release rel = { 0 };
	struct drm_cim_device_info info;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO,
				   .size = sizeof(info),
				   .data = (uintptr_t)&info };
	struct drm_cim_submit s;
	struct an_tile t[16];
	struct vm_model m;
	uint32_t bo, img, in, out, sync, state, count;
	int fd = vm_open_card(), n;

	CHECK(fd >= 0);
	CHECK_EQ(sys_read_ll(SYSDEV "spare_cols"), 0);
	/* All 8 tiles: the weak column's tile is among them. */
	CHECK_EQ(fc_model(512, 512, 5, &m), 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	/* The load is accepted; programming then fails on the card. */
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	CHECK_EQ(fence_status(fd, sync), -EREMOTEIO);
	CHECK_EQ(catalog_state(fd, &state, &count), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(state, DRM_CIM_IMAGE_FAILED);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK(t[0].vfail > 0);
	CHECK_EQ(t[0].spare, 0);
	/* The image cannot be run. */
	CHECK_EQ(vm_bo_create(fd, 4096, &in), 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &out), 0);
	s = (struct drm_cim_submit){ .image_handle = img, .in_handle = in,
				     .out_handle = out, .batch = 1 };
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -ENOEXEC);
	/* Released, its tiles come back. */
	rel.image_handle = img;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &rel), 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	CHECK_EQ(info.free_tiles, info.tiles);
	/* A load of the same bytes does not reuse the failed image: it
	 * programs again (and fails again, on the same weak tile). */
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	CHECK_EQ(fence_status(fd, sync), -EREMOTEIO);
	n = an_stats(t, 16);
	CHECK_EQ(n, 8);
	CHECK_EQ(t[0].pe, 2);
	vm_model_free(&m);
	close(fd);
}

static void verify_fail_libcim_message(void)
{
	struct cim_dev *dev;
	struct cim_image *img = NULL;
	struct cim_info info;
	struct vm_model m;

	CHECK_EQ(fc_model(512, 512, 5, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), -EREMOTEIO);
	CHECK(img == NULL);
	printf("  libcim: %s\n", cim_last_error(dev));
	CHECK(strstr(cim_last_error(dev), "could not be verified") != NULL);
	/* The tiles come back once the driver retired the load's jobs. */
	for (int i = 0; i < 300; i++) {
		CHECK_EQ(cim_query(dev, &info), 0);
		if (info.free_tiles == info.tiles)
			break;
		usleep(10000);
	}
	CHECK_EQ(info.free_tiles, info.tiles);
	cim_close(dev);
	vm_model_free(&m);
}

const struct vm_test vm_exit_tests[] = {
	{ "exits_taken_and_time_saved", exits_taken_and_time_saved },
	{ "exits_raw_ioctl", exits_raw_ioctl },
	{ "exits_cimctl_run", exits_cimctl_run },
	{ NULL, NULL },
};

const struct vm_test vm_analog_ideal_tests[] = {
	{ "analog_ideal_is_bit_exact", analog_ideal_is_bit_exact },
	{ NULL, NULL },
};

const struct vm_test vm_analog_range_tests[] = {
	{ "analog_range_lowers_error", analog_range_lowers_error },
	{ NULL, NULL },
};

const struct vm_test vm_analog_det_tests[] = {
	{ "analog_noise_bounded_and_deterministic",
	  analog_noise_bounded_and_deterministic },
	{ NULL, NULL },
};

/* The refresh test ages the card: it goes last. */
const struct vm_test vm_analog_tests[] = {
	{ "analog_sysfs_knobs", analog_sysfs_knobs },
	{ "analog_calibrated_after_program", analog_calibrated_after_program },
	{ "analog_calibration_reduces_error", analog_calibration_reduces_error },
	{ "analog_calibrate_ioctl", analog_calibrate_ioctl },
	{ "analog_adc_bits_changes_results", analog_adc_bits_changes_results },
	{ "analog_refresh_triggered", analog_refresh_triggered },
	{ NULL, NULL },
};

const struct vm_test vm_analog_verify_tests[] = {
	{ "verify_fail_raw", verify_fail_raw },
	{ "verify_fail_libcim_message", verify_fail_libcim_message },
	{ NULL, NULL },
};
