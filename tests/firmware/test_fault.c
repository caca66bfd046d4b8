// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Fault injection, per-tile telemetry and the firmware log. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

/* A RUN of batch items on slot 0. */
static struct cim_desc run_desc(struct thost *t, const struct tmodel *m,
				uint32_t batch)
{
	int8_t *in, *want, *out;
	struct cim_desc d;

	tinput(m, batch, 5, &in, &want);
	d = tdesc_run(t, 0, m, in, batch, &out, NULL);
	free(in);
	free(want);
	return d;
}

/* The default model into *m, programmed into slot 0; a RUN of batch items. */
static struct cim_desc programmed_run(struct thost *t, struct tmodel *m,
				      uint32_t batch)
{
	tprogram_default(t, 0, m);
	return run_desc(t, m, batch);
}

static void test_fault_dma_and_tile(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;

	d = programmed_run(t, &m, 2);
	thal_wr(t->hal, CIM_REG_DBG_FAULT, CIM_FAULT_DMA | CIM_FAULT_TILE);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_DMA_ERROR);
	assert_int_equal(thal_rd(t->hal, CIM_REG_DBG_FAULT), CIM_FAULT_TILE);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_TILE_FAULT);
	assert_int_equal(thal_rd(t->hal, CIM_REG_DBG_FAULT), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_DBG_FIRED), 2);
	/* one shot: the next job is fine */
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	tmodel_free(&m);
}

static void test_fault_program(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;

	tmodel_default(&m);
	thal_wr(t->hal, CIM_REG_DBG_FAULT, CIM_FAULT_PROGRAM);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_VERIFY_FAIL);
	d = run_desc(t, &m, 1);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_NO_IMAGE);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	tmodel_free(&m);
}

static void test_fault_hang_until_reset(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;

	d = programmed_run(t, &m, 1);
	thal_wr(t->hal, CIM_REG_DBG_FAULT, CIM_FAULT_HANG);
	thost_submit(t, &d);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thost_reap(t, &c), 0);
	/* still READY: a hang is silent, only a timeout finds it */
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	cim_fw_reset(t->fw, t->hal);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_BOOTING);
	tmodel_free(&m);
}

static void test_fault_crash(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;

	d = programmed_run(t, &m, 1);
	thal_wr(t->hal, CIM_REG_DBG_FAULT, CIM_FAULT_CRASH);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_ERROR);
	assert_int_equal(thal_rd(t->hal, CIM_REG_FW_ERROR), CIM_FWERR_CRASH);
	assert_true(thal_irqs(t->hal, CIM_IRQ_ERROR) >= 1);
	tmodel_free(&m);
}

static void test_telemetry_counts(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;
	uint32_t i, used = 0;
	uint64_t mvms = 0;

	d = programmed_run(t, &m, 3);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	for (i = 0; i < THAL_TILES; i++) {
		const struct cim_tile_stats *s = &t->hal->tstats[i];

		if (!t->hal->pe[i]) {
			assert_int_equal(s->mvms, 0);
			continue;
		}
		used++;
		assert_int_equal(t->hal->pe[i], 1);
		/* every vtile holds one block, run once per batch item */
		assert_int_equal(s->mvms, 3);
		assert_true(s->busy_ns > 0);
		assert_true(s->program_pulses > 0);
		mvms += s->mvms;
	}
	assert_int_equal(used, ((const struct cim_image_header *)m.image)->n_vtiles);
	/* the counters outlive a firmware reset, as the flash does */
	cim_fw_reset(t->fw, t->hal);
	for (i = 0, mvms = 0; i < THAL_TILES; i++)
		mvms += t->hal->tstats[i].mvms;
	assert_int_equal(mvms, 3 * used);
	tmodel_free(&m);
}

static void test_log_ring(void **state)
{
	struct thost *t = *state;
	char log[CIM_LOG_SIZE + 1];
	uint32_t w, i;

	w = thal_rd(t->hal, CIM_REG_LOG_WPTR);
	assert_true(w > 0 && w < CIM_LOG_SIZE);
	for (i = 0; i < CIM_LOG_SIZE; i++)
		log[i] = (char)(thal_rd(t->hal, CIM_REG_LOG_BASE + (i & ~3u)) >>
				(8 * (i & 3)));
	log[w] = 0;
	assert_non_null(strstr(log, "reset, firmware 0x00020000\n"));
	assert_non_null(strstr(log, "ready, sq entries 0x00000010\n"));
	/* it wraps: the pointer keeps counting, the ring keeps its size */
	for (i = 0; i < 200; i++)
		cim_fw_reset(t->fw, t->hal);
	assert_true(thal_rd(t->hal, CIM_REG_LOG_WPTR) > CIM_LOG_SIZE);
	assert_int_equal(t->hal->bad_reg_writes, 0);
}

const struct CMUnitTest fault_tests[] = {
	TEST(test_fault_dma_and_tile),
	TEST(test_fault_program),
	TEST(test_fault_hang_until_reset),
	TEST(test_fault_crash),
	TEST(test_telemetry_counts),
	TEST(test_log_ring),
};
const size_t fault_count = sizeof(fault_tests) / sizeof(fault_tests[0]);
