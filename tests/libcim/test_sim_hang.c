// SPDX-License-Identifier: MIT
/*
 * A hung job on the userspace card, as cim.ko handles one: the card
 * holds a job without progress for the job timeout
 * (CIM_SIM_JOB_TIMEOUT_MS), so the driver resets it; the job fails with
 * -ETIMEDOUT, the images the reset lost are programmed again and the
 * next job gives the same outputs.  A long job that makes progress is
 * never reset.  The hang is the firmware's own fault injection
 * (DBG_FAULT), armed through the card's register file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sim.h"
#include "testutil.h"
#include "../firmware/sim/cim_sim.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct built {
	struct tu_model m;
	void *img;
	size_t size;
};

static void build_n(struct built *b, uint32_t n, const uint32_t *lens)
{
	struct cim_geometry g = { 256, 256, 4 };
	uint64_t s = 4242;

	tu_model_random(&b->m, &s, n, lens);
	assert_int_equal(cim_image_build(&b->m.desc, &g, &b->img, &b->size), 0);
}

static void build(struct built *b)
{
	static const uint32_t lens[] = { 40, 300, 10 };

	build_n(b, 2, lens);
}

static void unbuild(struct built *b, struct cim_dev *dev,
		    struct cim_image *img)
{
	cim_image_free(img);
	free(b->img);
	tu_model_free(&b->m);
	cim_close(dev);
}

/* A fresh card (its own spec) with a job timeout of ms. */
static struct cim_dev *open_card(const char *spec, const char *ms)
{
	struct cim_dev *dev = NULL;

	setenv("CIM_SIM_JOB_TIMEOUT_MS", ms, 1);
	assert_int_equal(cim_open(spec, &dev), 0);
	unsetenv("CIM_SIM_JOB_TIMEOUT_MS");
	return dev;
}

static void hung_job_reset_and_restored(void **state)
{
	int8_t in[4 * 40], want[4 * 10], out[4 * 10];
	struct cim_resident_image r[4];
	struct cim_catalog_stats st;
	struct cim_image *img;
	struct cim_dev *dev;
	struct sim_card *c;
	struct built a;
	uint64_t s = 9;
	double t0, dt;

	(void)state;
	dev = open_card("sim:small,seed=101", "1000");
	build(&a);
	assert_int_equal(cim_image_load(dev, a.img, a.size, &img), 0);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_infer(dev, img, in, want, 4, NULL), 0);

	/* the next RUN never completes on the card */
	c = sim_file(dev)->card;
	cim_sim_reg_write(c->hw, CIM_REG_DBG_FAULT, CIM_FAULT_HANG);
	t0 = now_s();
	assert_int_equal(cim_infer(dev, img, in, out, 4, NULL), -ETIMEDOUT);
	dt = now_s() - t0;
	assert_true(dt >= 1.0);
	assert_true(dt < 20);
	assert_int_equal(cim_sim_reg_read(c->hw, CIM_REG_DBG_FIRED), 1);
	assert_int_equal(c->jobs_timed_out, 1);
	assert_int_equal(c->resets, 1);

	/* the reset lost the slot: the image was programmed again */
	assert_int_equal(cim_resident_images(dev, r, 4, &st), 1);
	assert_int_equal(r[0].state, CIM_RESIDENT_READY);
	memset(out, 0, sizeof(out));
	assert_int_equal(cim_infer(dev, img, in, out, 4, NULL), 0);
	assert_memory_equal(out, want, sizeof(want));

	unbuild(&a, dev, img);
}

/* An image the card lost and no copy of which is kept fails. */
static void crash_resets_too(void **state)
{
	int8_t in[40], want[10], out[10];
	struct cim_image *img;
	struct cim_dev *dev;
	struct sim_card *c;
	struct built a;
	uint64_t s = 10;

	(void)state;
	dev = open_card("sim:small,seed=102", "1000");
	build(&a);
	assert_int_equal(cim_image_load(dev, a.img, a.size, &img), 0);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_infer(dev, img, in, want, 1, NULL), 0);
	c = sim_file(dev)->card;
	cim_sim_reg_write(c->hw, CIM_REG_DBG_FAULT, CIM_FAULT_CRASH);
	assert_int_equal(cim_infer(dev, img, in, out, 1, NULL), -EIO);
	assert_int_equal(c->resets, 1);
	assert_int_equal(c->jobs_timed_out, 0);
	assert_int_equal(cim_infer(dev, img, in, out, 1, NULL), 0);
	assert_memory_equal(out, want, sizeof(want));
	unbuild(&a, dev, img);
}

/*
 * A job longer than the timeout that makes progress runs to its end.  The
 * timeout (1 s; cim.ko's default is 10 s) is long enough that a firmware
 * thread the host's scheduler holds off for a while on a loaded machine
 * still shows progress; the job takes several seconds.
 */
static void long_job_not_reset(void **state)
{
	static const uint32_t lens[] = { 200, 256, 256, 256, 10 };
	const uint32_t batch = 65535;
	struct cim_image *img;
	struct cim_dev *dev;
	struct sim_card *c;
	int8_t *in, *out;
	struct built a;
	uint64_t s = 11;
	double t0, dt;

	(void)state;
	dev = open_card("sim:small,seed=103,threads=1", "1000");
	build_n(&a, 4, lens);
	assert_int_equal(cim_image_load(dev, a.img, a.size, &img), 0);
	in = malloc((size_t)batch * 200);
	out = malloc((size_t)batch * 10);
	assert_non_null(in);
	assert_non_null(out);
	tu_fill_i8(&s, in, (size_t)batch * 200);
	t0 = now_s();
	assert_int_equal(cim_infer(dev, img, in, out, batch, NULL), 0);
	dt = now_s() - t0;
	c = sim_file(dev)->card;
	assert_int_equal(c->resets, 0);
	/* it did outlast the timeout, checked every 50 ms */
	print_message("long job: %.3f s, job timeout 1 s\n", dt);
	assert_true(dt > 1.2);
	free(in);
	free(out);
	unbuild(&a, dev, img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hung_job_reset_and_restored),
		cmocka_unit_test(crash_resets_too),
		cmocka_unit_test(long_job_not_reset),
	};

	return cmocka_run_group_tests_name("sim_hang", tests, NULL, NULL);
}
