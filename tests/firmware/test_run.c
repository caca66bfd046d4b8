// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* RUN: bit-exact results against the CPU reference, errors, timing. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

/* Outputs that are all alike would hide a broken datapath. */
static void assert_varied(const int8_t *y, size_t n)
{
	int seen[256] = { 0 };
	unsigned int distinct = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!seen[y[i] + 128]++)
			distinct++;
	assert_true(distinct >= 4);
}

static void run_and_compare(struct thost *t, const struct tmodel *m,
			    uint32_t slot, uint32_t batch, uint32_t seed)
{
	struct cim_job_record *rec;
	int8_t *in, *want, *out;
	struct cim_desc d;
	struct cim_cpl c;

	tinput(m, batch, seed, &in, &want);
	d = tdesc_run(t, slot, m, in, batch, &out, &rec);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.batch_done, batch);
	assert_memory_equal(out, want, (size_t)batch * m->out_size);
	assert_varied(out, (size_t)batch * m->out_size);

	assert_int_equal(rec->status, CIM_ST_OK);
	assert_int_equal(rec->batch_done, batch);
	assert_int_equal(rec->device_time_ns, c.device_time_ns);
	assert_true(c.device_time_ns > 0);
	free(in);
	free(want);
}

static uint32_t hdr_blocks(const struct tmodel *m)
{
	return ((const struct cim_image_header *)m->image)->n_blocks;
}

static void test_run_batch1(void **state)
{
	struct thost *t = *state;
	struct tmodel m;

	tprogram_default(t, 0, &m);
	run_and_compare(t, &m, 0, 1, 1);
	run_and_compare(t, &m, 0, 1, 2);
	tmodel_free(&m);
}

static void test_run_batch7(void **state)
{
	struct thost *t = *state;
	struct tmodel m;

	tprogram_default(t, 15, &m);
	run_and_compare(t, &m, 15, 7, 3);
	tmodel_free(&m);
}

static void test_run_big_card(void **state)
{
	static const uint32_t dims[] = { 300, 200, 50, 12 };
	struct cim_card_params p;
	struct thost *t;
	struct tmodel m;

	(void)state;
	thal_default_params(&p);
	p.tiles = 64;
	p.rows = 64;
	p.cols = 64;
	t = thost_new_card(&p, THAL_PLAN_BYTES, 8, 8);
	thost_start(t);
	tmodel_make(&m, dims, 3, 4242, p.rows, p.cols);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	run_and_compare(t, &m, 0, 3, 11);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	tmodel_free(&m);
	thost_free(t);
}

static void test_run_scattered(void **state)
{
	struct thost *t = *state;
	struct tscatter si, so;
	int8_t *in, *want, *out;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;
	const uint32_t batch = 7;

	tprogram_default(t, 0, &m);
	tinput(&m, batch, 21, &in, &want);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.batch = batch;
	d.tag = 9;
	thost_scatter(t, &si, &d.src, batch * m.in_size, 1);
	thost_scatter(t, &so, &d.dst, batch * m.out_size, 4);
	tscatter_put(&si, in);
	assert_true(si.n > 20 && so.n > 3);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.batch_done, batch);
	out = malloc(batch * m.out_size);
	tscatter_get(&so, out);
	assert_memory_equal(out, want, batch * m.out_size);
	/* the bytes before the range stay the host's */
	assert_true(tscatter_lead_ok(&so));
	free(out);
	free(in);
	free(want);
	tmodel_free(&m);
}

static void test_run_no_image(void **state)
{
	struct thost *t = *state;
	struct cim_job_record *rec;
	int8_t *in, *want, *out;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;

	tmodel_default(&m);
	tinput(&m, 2, 1, &in, &want);
	d = tdesc_run(t, 4, &m, in, 2, &out, &rec);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_NO_IMAGE);
	assert_int_equal(c.batch_done, 0);
	assert_int_equal(rec->status, CIM_ST_NO_IMAGE);
	free(in);
	free(want);
	tmodel_free(&m);
}

static void test_run_bad_lengths(void **state)
{
	struct thost *t = *state;
	struct cim_job_record *rec;
	int8_t *in, *want, *out;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;
	int i;

	tprogram_default(t, 0, &m);
	tinput(&m, 3, 1, &in, &want);
	for (i = 0; i < 9; i++) {
		d = tdesc_run(t, 0, &m, in, 3, &out, &rec);
		switch (i) {
		case 0:
			d.batch = 0;
			break;
		case 1:
			d.batch = 2;
			break;
		case 2:
			d.src.length--;
			break;
		case 3:
			d.src.length++;
			break;
		case 4:
			d.dst.length--;
			break;
		case 5:
			d.dst.length += m.out_size;
			break;
		case 6:
			d.result.length = sizeof(*rec) - 1;
			break;
		case 7:
			d.src.sg_count = 0;
			break;
		case 8:
			d.dst.sg_count = 0;
			break;
		}
		c = thost_exec(t, &d);
		assert_int_equal(c.status, CIM_ST_BAD_DESC);
		assert_int_equal(c.batch_done, 0);
		/* nothing was written where the host did not ask for it */
		assert_int_equal(out[0] | out[3 * m.out_size - 1], 0);
	}
	/* without a result record, and with a matching one, it works */
	d = tdesc_run(t, 0, &m, in, 3, &out, NULL);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_memory_equal(out, want, 3 * m.out_size);
	free(in);
	free(want);
	tmodel_free(&m);
}

static void test_run_dma_error(void **state)
{
	struct thost *t = *state;
	struct cim_job_record *rec;
	struct cim_sg_entry *sg;
	int8_t *in, *want, *out;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;
	void *stray;

	tprogram_default(t, 0, &m);
	tinput(&m, 3, 8, &in, &want);

	/* input in memory the host never handed over */
	stray = thost_alloc(t, 3 * m.in_size, 0);
	d = tdesc_run(t, 0, &m, in, 3, &out, &rec);
	sg = (void *)(uintptr_t)d.src.sg_addr;
	sg->addr = (uintptr_t)stray;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	assert_int_equal(c.batch_done, 0);
	assert_int_equal(rec->status, CIM_ST_DMA_ERROR);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);

	/* the output table covers two items of three */
	d = tdesc_run(t, 0, &m, in, 3, &out, &rec);
	sg = (void *)(uintptr_t)d.dst.sg_addr;
	sg->len = 2 * m.out_size + 1;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	assert_int_equal(c.batch_done, 2);
	assert_int_equal(rec->batch_done, 2);
	assert_memory_equal(out, want, 2 * m.out_size);

	/* outputs land, the record cannot */
	d = tdesc_run(t, 0, &m, in, 3, &out, &rec);
	d.result.sg_addr = (uintptr_t)stray;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	assert_int_equal(c.batch_done, 3);
	assert_memory_equal(out, want, 3 * m.out_size);

	/* and the card keeps working */
	run_and_compare(t, &m, 0, 3, 8);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_ERROR), 0);
	free(in);
	free(want);
	tmodel_free(&m);
}

static uint64_t run_time(struct thost *t, const struct tmodel *m,
			 uint32_t batch)
{
	int8_t *in, *want, *out;
	uint64_t before = t->hal->clock;
	struct cim_desc d;
	struct cim_cpl c;

	tinput(m, batch, batch, &in, &want);
	d = tdesc_run(t, 0, m, in, batch, &out, NULL);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	/* the job's time is the clock's advance, bar ring traffic */
	assert_int_equal(c.device_time_ns + tring_ns(t->fw),
			 t->hal->clock - before);
	free(in);
	free(want);
	return c.device_time_ns;
}

static void test_run_time(void **state)
{
	struct thost *t = *state;
	const struct cim_card_params *p = &t->hal->p;
	uint64_t t1, t7, clk;
	struct tmodel m;

	tprogram_default(t, 0, &m);
	t1 = run_time(t, &m, 1);
	t7 = run_time(t, &m, 7);
	/* at least one small MVM per layer; items overlap on the tiles */
	assert_true(t1 > 3ull * p->mvm_fixed_ns);
	assert_true(t7 > t1 && t7 < 7 * t1);
	/* one layer at a time overlaps nothing */
	t->fw->p.sched_naive = 1;
	assert_true(run_time(t, &m, 7) > t7);
	t->fw->p.sched_naive = 0;
	clk = thal_rd(t->hal, CIM_REG_CLOCK_LO) |
	      (uint64_t)thal_rd(t->hal, CIM_REG_CLOCK_HI) << 32;
	assert_int_equal(clk, t->hal->clock);
	/* a card with a slower link takes longer for the same work */
	t->fw->p.link_mb_s = 100;
	assert_true(run_time(t, &m, 1) > t1);
	tmodel_free(&m);
}

static uint64_t link_ns(const struct thost *t, uint64_t bytes)
{
	uint32_t mb_s = t->fw->p.link_mb_s;

	return (bytes * 1000 + mb_s / 2) / mb_s;
}

/*
 * The time model, term by term, for one item through one FC on one
 * tile: the input's SG entry and bytes over the link, the input moved
 * from the host interface to the tile, one MVM over the block's rows and
 * cells, the SIMD work (partial sums and requantization of N outputs),
 * then the output's SG entry and bytes.
 */
static void test_run_time_exact(void **state)
{
	static const uint32_t dims[] = { 20, 12 };
	struct thost *t = *state;
	const struct cim_card_params *p = &t->fw->p;
	int8_t *in, *want, *out;
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;
	uint64_t ps, phases, bit_ps;

	tmodel_make(&m, dims, 1, 3, THAL_ROWS, THAL_COLS);
	assert_int_equal(hdr_blocks(&m), 1);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	/* a link speed at which transfers cost fractional nanoseconds */
	t->fw->p.link_mb_s = 1500;
	/* 20 rows in groups of 8, 24 cells on 8 ADCs: 3 * 3 phases */
	phases = 3 * 3;
	bit_ps = (uint64_t)(p->mvm_ns - p->mvm_fixed_ns) * 1000 /
		 ((THAL_ROWS / 8) * (THAL_COLS / 8) * p->adc_bits);
	ps = (link_ns(t, 16) + link_ns(t, 20)) * 1000 +
	     p->xfer_fixed_ns * 1000 + 20 * p->xfer_ps_per_byte +
	     p->mvm_fixed_ns * 1000 + phases * p->adc_bits * bit_ps +
	     (12 + 12) * p->simd_ps_per_elem +
	     (link_ns(t, 16) + link_ns(t, 12)) * 1000;

	tinput(&m, 1, 6, &in, &want);
	d = tdesc_run(t, 0, &m, in, 1, &out, NULL);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_memory_equal(out, want, 12);
	assert_int_equal(c.device_time_ns, (ps + 999) / 1000);
	/* one item, one op: nothing to overlap */
	assert_int_equal(t->fw->tele.last_naive_ns, c.device_time_ns);
	free(in);
	free(want);
	tmodel_free(&m);
}

static void test_run_ring_wrap(void **state)
{
	struct thost *t = thost_new(4, 4);
	int8_t *in[24], *want[24], *out[24];
	struct tmodel m;
	struct cim_desc d;
	struct cim_cpl c;
	uint32_t sent = 0, got = 0, i;

	(void)state;
	thost_start(t);
	tprogram_default(t, 0, &m);
	for (i = 0; i < 24; i++) {
		tinput(&m, 1 + i % 3, 100 + i, &in[i], &want[i]);
		out[i] = NULL;
	}
	while (got < 24) {
		while (sent < 24 && (t->sq_tail + 1) % 4 !=
		       thal_rd(t->hal, CIM_REG_SQ_HEAD)) {
			d = tdesc_run(t, 0, &m, in[sent], 1 + sent % 3,
				      &out[sent], NULL);
			d.tag = sent++;
			thost_submit(t, &d);
		}
		cim_fw_poll(t->fw);
		while (thost_reap(t, &c)) {
			assert_int_equal(c.tag, got);
			assert_int_equal(c.status, CIM_ST_OK);
			assert_memory_equal(out[got], want[got],
					    (1 + got % 3) * m.out_size);
			got++;
		}
	}
	for (i = 0; i < 24; i++) {
		free(in[i]);
		free(want[i]);
	}
	assert_int_equal(t->hal->bad_reg_writes, 0);
	tmodel_free(&m);
	thost_free(t);
}

static void test_two_cards(void **state)
{
	static const uint32_t dims_b[] = { 50, 30, 20 };
	struct thost *a = thost_new(8, 8), *b = thost_new(8, 8);
	struct tmodel ma, mb;

	(void)state;
	thost_start(a);
	thost_start(b);
	tmodel_default(&ma);
	tmodel_make(&mb, dims_b, 2, 99, THAL_ROWS, THAL_COLS);
	/* same slot, same tiles, different weights on each card */
	assert_int_equal(tprogram(a, 0, &ma).status, CIM_ST_OK);
	assert_int_equal(tprogram(b, 0, &mb).status, CIM_ST_OK);
	run_and_compare(a, &ma, 0, 2, 1);
	run_and_compare(b, &mb, 0, 2, 1);
	run_and_compare(a, &ma, 0, 1, 2);
	assert_int_equal(thal_irqs(a->hal, CIM_IRQ_CPL), 3);
	assert_int_equal(thal_irqs(b->hal, CIM_IRQ_CPL), 2);
	tmodel_free(&ma);
	tmodel_free(&mb);
	thost_free(a);
	thost_free(b);
}

/*
 * Interface 1.3: the card counts work steps as it goes (PROGRESS,
 * JOB_DONE of the job in JOB_TAG), at least one per batch item; a job
 * whose tag the host wrote to CANCEL_TAG is aborted, here before it
 * starts: no output, status CANCELED, the next job runs as ever.
 */
static void test_run_progress_and_cancel(void **state)
{
	struct thost *t = *state;
	struct cim_job_record *rec;
	int8_t *in, *want, *out;
	const uint32_t batch = 5;
	uint32_t p0, p1;
	struct cim_desc d;
	struct cim_cpl c;
	struct tmodel m;

	tprogram_default(t, 2, &m);
	tinput(&m, batch, 77, &in, &want);
	d = tdesc_run(t, 2, &m, in, batch, &out, &rec);
	d.tag = 0x123456789ull;
	p0 = thal_rd(t->hal, CIM_REG_PROGRESS);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	p1 = thal_rd(t->hal, CIM_REG_PROGRESS);
	assert_true(p1 - p0 >= batch);
	/* idle again: no job tag */
	assert_int_equal(thal_rd(t->hal, CIM_REG_JOB_TAG_LO), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_JOB_TAG_HI), 0);

	memset(out, 0x5a, (size_t)batch * m.out_size);
	d.tag = 0x12345678aull;
	thal_wr(t->hal, CIM_REG_CANCEL_TAG_LO, (uint32_t)d.tag);
	thal_wr(t->hal, CIM_REG_CANCEL_TAG_HI, (uint32_t)(d.tag >> 32));
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_CANCELED);
	assert_int_equal(c.batch_done, 0);
	assert_int_equal((uint8_t)out[0], 0x5a);

	d.tag = 0x12345678bull;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_memory_equal(out, want, (size_t)batch * m.out_size);
	assert_true(thal_rd(t->hal, CIM_REG_PROGRESS) - p1 >= batch);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	free(in);
	free(want);
	tmodel_free(&m);
}

const struct CMUnitTest run_tests[] = {
	TEST(test_run_batch1),
	TEST(test_run_batch7),
	cmocka_unit_test(test_run_big_card),
	TEST(test_run_scattered),
	TEST(test_run_no_image),
	TEST(test_run_bad_lengths),
	TEST(test_run_dma_error),
	TEST(test_run_time),
	TEST(test_run_time_exact),
	TEST(test_run_progress_and_cancel),
	cmocka_unit_test(test_run_ring_wrap),
	cmocka_unit_test(test_two_cards),
};
const size_t run_count = sizeof(run_tests) / sizeof(run_tests[0]);
