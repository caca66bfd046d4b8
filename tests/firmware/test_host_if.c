// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Boot handshake, rings, doorbell and completions. */
#include <string.h>

#include "tests.h"

static struct cim_desc nop(uint64_t tag)
{
	struct cim_desc d;

	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_NOP;
	d.tag = tag;
	return d;
}

static void assert_failed(struct thost *t, uint32_t fwerr)
{
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_ERROR);
	assert_int_equal(thal_rd(t->hal, CIM_REG_FW_ERROR), fwerr);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_ERROR), 1);
	assert_true(thal_rd(t->hal, CIM_REG_IRQ_STATUS) & CIM_IRQ_ERROR);
}

static void test_boot_idle(void **state)
{
	struct thost *t = thost_new(8, 8);
	int i;

	(void)state;
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_BOOTING);
	/* Rings written but not enabled: the card must not touch them. */
	thal_wr(t->hal, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
	for (i = 0; i < 3; i++)
		assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_BOOTING);
	assert_int_equal(t->hal->dma_reads + t->hal->dma_faults, 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_IRQ_STATUS), 0);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	thost_free(t);
}

static void test_handshake_ok(void **state)
{
	struct thost *t = *state;

	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	assert_int_equal(thal_rd(t->hal, CIM_REG_FW_VERSION), CIM_FW_VERSION);
	assert_int_equal(thal_rd(t->hal, CIM_REG_IF_VERSION), CIM_IF_VERSION);
	assert_int_equal(thal_rd(t->hal, CIM_REG_FW_ERROR), CIM_FWERR_NONE);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_READY), 1);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_ERROR), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_IRQ_STATUS), CIM_IRQ_READY);
	/* Polling on does not repeat the handshake. */
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_READY), 1);
}

static void test_handshake_minor(void **state)
{
	struct thost *t = thost_new(2, 4096);

	(void)state;
	/* A newer minor is compatible; ring sizes at both limits are fine. */
	thost_start(t);
	thal_wr(t->hal, CIM_REG_HOST_VERSION, (CIM_IF_VERSION_MAJOR << 16) | 9);
	thal_wr(t->hal, CIM_REG_CTRL, 0);
	cim_fw_poll(t->fw);
	thal_wr(t->hal, CIM_REG_CTRL, CIM_CTRL_ENABLE);
	cim_fw_poll(t->fw);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	thost_free(t);
}

static void test_version_mismatch(void **state)
{
	static const uint32_t bad[] = { 0, 2u << 16, (0xffffu << 16) | 0 };
	struct cim_desc d = nop(1);
	struct cim_cpl c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct thost *t = thost_new(8, 8);

		/* rings set up, then a new session */
		thost_start(t);
		thal_wr(t->hal, CIM_REG_CTRL, 0);
		assert_int_equal(cim_fw_poll(t->fw), 0);
		thal_wr(t->hal, CIM_REG_HOST_VERSION, bad[i]);
		thal_wr(t->hal, CIM_REG_CTRL, CIM_CTRL_ENABLE);
		thost_submit(t, &d);
		assert_int_equal(cim_fw_poll(t->fw), 0);
		/* Polling on neither runs the ring nor re-raises the IRQ. */
		assert_int_equal(cim_fw_poll(t->fw), 0);
		assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 0);
		assert_failed(t, CIM_FWERR_VERSION);

		/* The host fixes its version and retries. */
		thal_wr(t->hal, CIM_REG_CTRL, 0);
		assert_int_equal(cim_fw_poll(t->fw), 0);
		assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS),
				 CIM_STATUS_BOOTING);
		assert_int_equal(thal_rd(t->hal, CIM_REG_FW_ERROR), 0);
		thost_start(t);
		c = thost_exec(t, &d);
		assert_int_equal(c.status, CIM_ST_OK);
		assert_int_equal(t->hal->bad_reg_writes, 0);
		thost_free(t);
	}
}

struct ring_case {
	uint32_t sq_entries, cq_entries;
	uint64_t sq_add, cq_add;	/* added to the base address */
	int sq_zero, cq_zero;
};

static void test_bad_rings(void **state)
{
	static const struct ring_case cases[] = {
		{ 3, 8, 0, 0, 0, 0 },
		{ 1, 8, 0, 0, 0, 0 },
		{ 0, 8, 0, 0, 0, 0 },
		{ 8192, 8, 0, 0, 0, 0 },
		{ 8, 6, 0, 0, 0, 0 },
		{ 8, 8192, 0, 0, 0, 0 },
		{ 8, 8, 32, 0, 0, 0 },
		{ 8, 8, 0, 8, 0, 0 },
		{ 8, 8, 0, 0, 1, 0 },
		{ 8, 8, 0, 0, 0, 1 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ring_case *rc = &cases[i];
		struct thost *t = thost_new(8, 8);
		uint64_t sq = rc->sq_zero ? 0 : (uintptr_t)t->sq + rc->sq_add;
		uint64_t cq = rc->cq_zero ? 0 : (uintptr_t)t->cq + rc->cq_add;

		thal_wr(t->hal, CIM_REG_SQ_BASE_LO, (uint32_t)sq);
		thal_wr(t->hal, CIM_REG_SQ_BASE_HI, (uint32_t)(sq >> 32));
		thal_wr(t->hal, CIM_REG_SQ_ENTRIES, rc->sq_entries);
		thal_wr(t->hal, CIM_REG_CQ_BASE_LO, (uint32_t)cq);
		thal_wr(t->hal, CIM_REG_CQ_BASE_HI, (uint32_t)(cq >> 32));
		thal_wr(t->hal, CIM_REG_CQ_ENTRIES, rc->cq_entries);
		thal_wr(t->hal, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
		thal_wr(t->hal, CIM_REG_CTRL, CIM_CTRL_ENABLE);
		assert_int_equal(cim_fw_poll(t->fw), 0);
		assert_failed(t, CIM_FWERR_RING);
		assert_int_equal(thal_irqs(t->hal, CIM_IRQ_READY), 0);
		assert_int_equal(t->hal->dma_reads + t->hal->dma_writes, 0);
		thost_free(t);
	}
}

static void test_disable(void **state)
{
	struct thost *t = *state;
	struct cim_desc d = nop(7);
	struct cim_cpl c;
	int i;

	for (i = 0; i < 3; i++)
		assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	thal_wr(t->hal, CIM_REG_CTRL, 0);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_BOOTING);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 3);
	assert_int_equal(t->hal->dma_reads, 3);
	/* Enabled again, it starts a fresh session at slot 0, seq 1. */
	memset(t->cq, 0, t->cq_entries * sizeof(*t->cq));
	thost_start(t);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_CQ_TAIL), 0);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_READY), 2);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.seq, 1);
}

static void test_nop(void **state)
{
	struct thost *t = *state;
	struct cim_desc d = nop(0xdeadbeefcafe1234ull);
	struct cim_cpl c;

	c = thost_exec(t, &d);
	assert_int_equal(c.tag, 0xdeadbeefcafe1234ull);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.batch_done, 0);
	assert_int_equal(c.seq, 1);
	assert_int_equal(c.reserved, 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 1);
	assert_int_equal(thal_rd(t->hal, CIM_REG_CQ_TAIL), 1);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_CPL), 1);
	assert_true(thal_rd(t->hal, CIM_REG_IRQ_STATUS) & CIM_IRQ_CPL);
	c = thost_exec(t, &d);
	assert_int_equal(c.seq, 2);
}

static void test_bad_desc(void **state)
{
	struct thost *t = *state;
	struct cim_desc d;
	struct cim_cpl c;
	int i;

	for (i = 0; i < 11; i++) {
		d = nop(100 + i);
		switch (i) {
		case 0:	/* the exit margin flag is for RUN only */
			d.flags = CIM_DESCF_EXIT_MARGIN;
			break;
		case 1:	/* a margin without its flag */
			d.exit_margin = 1;
			break;
		case 2:
			d.opcode = CIM_OPC_TELEMETRY + 1;
			break;
		case 3:
			d.opcode = 0xffffffffu;
			break;
		case 4:
			d.slot = CIM_FW_MAX_IMAGES;
			break;
		case 5:
			d.src.reserved = 1;
			break;
		case 6:
			d.dst.reserved = 2;
			break;
		case 7:
			d.result.reserved = 3;
			break;
		case 8:
			d.opcode = CIM_OPC_RUN;
			d.slot = 0xffffffffu;
			break;
		case 9:
			d.opcode = CIM_OPC_RUN;
			d.flags = 2;
			break;
		case 10:	/* TELEMETRY without a buffer */
			d.opcode = CIM_OPC_TELEMETRY;
			break;
		}
		c = thost_exec(t, &d);
		assert_int_equal(c.status, CIM_ST_BAD_DESC);
		assert_int_equal(c.tag, 100 + i);
	}
	/* A bad descriptor fails itself only. */
	d = nop(1);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
}

static void test_irq_once_per_poll(void **state)
{
	struct thost *t = *state;
	struct cim_desc d;
	struct cim_cpl c;
	uint32_t i;

	for (i = 0; i < 5; i++) {
		d = nop(i);
		thost_submit(t, &d);
	}
	assert_int_equal(cim_fw_poll(t->fw), 5);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_CPL), 1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(thost_reap(t, &c), 1);
		assert_int_equal(c.tag, i);
		assert_int_equal(c.seq, i + 1);
	}
	assert_int_equal(thost_reap(t, &c), 0);
	/* Nothing new: no interrupt. */
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_CPL), 1);
}

static void test_sq_tail_range(void **state)
{
	struct thost *t = *state;

	thal_wr(t->hal, CIM_REG_SQ_TAIL, t->sq_entries);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_failed(t, CIM_FWERR_RING);
	assert_int_equal(t->hal->dma_reads, 0);
}

static void test_cq_head_range(void **state)
{
	struct thost *t = *state;
	struct cim_desc d = nop(1);

	thal_wr(t->hal, CIM_REG_CQ_HEAD, t->cq_entries + 3);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_failed(t, CIM_FWERR_RING);
	assert_int_equal(t->hal->dma_writes, 0);
}

static void test_ring_dma_fail(void **state)
{
	struct thost *t = *state;
	struct cim_desc d = nop(1);
	struct cim_cpl c;

	/* The completion ring vanished from the bus. */
	thal_unregister(t->hal, t->cq);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_failed(t, CIM_FWERR_DMA);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_CQ_TAIL), 0);

	/* Then the submission ring; after a restart, a fresh session. */
	thal_register(t->hal, t->cq, t->cq_entries * sizeof(*t->cq));
	thal_unregister(t->hal, t->sq);
	thal_wr(t->hal, CIM_REG_CTRL, 0);
	cim_fw_poll(t->fw);
	memset(t->cq, 0, t->cq_entries * sizeof(*t->cq));
	thost_start(t);
	thost_submit(t, &d);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_ERROR);
	assert_int_equal(thal_rd(t->hal, CIM_REG_FW_ERROR), CIM_FWERR_DMA);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_ERROR), 2);
	assert_int_equal(thost_reap(t, &c), 0);
}

static void test_ring_wrap(void **state)
{
	struct thost *t = thost_new(4, 2);
	struct cim_desc d;
	struct cim_cpl c;
	uint64_t next_tag = 0, want_tag = 0;
	uint32_t polls = 0;

	(void)state;
	thost_start(t);
	while (want_tag < 200) {
		/* Keep the SQ as full as the host may (entries - 1). */
		while (next_tag < 200 &&
		       ((t->sq_tail + 1) % t->sq_entries) !=
		       thal_rd(t->hal, CIM_REG_SQ_HEAD)) {
			d = nop(next_tag++);
			d.opcode = next_tag % 3 ? CIM_OPC_NOP : CIM_OPC_UNLOAD;
			thost_submit(t, &d);
		}
		/* A two-entry CQ holds one completion at a time. */
		assert_true(cim_fw_poll(t->fw) <= 1);
		polls++;
		while (thost_reap(t, &c)) {
			assert_int_equal(c.tag, want_tag);
			assert_int_equal(c.seq, want_tag + 1);
			assert_int_equal(c.status, CIM_ST_OK);
			want_tag++;
		}
		assert_true(polls < 1000);
	}
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 200 % 4);
	assert_int_equal(thal_rd(t->hal, CIM_REG_CQ_TAIL), 200 % 2);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	thost_free(t);
}

static void test_cq_full(void **state)
{
	struct thost *t = thost_new(16, 4);
	struct cim_desc d;
	struct cim_cpl c;
	uint32_t i, got = 0;

	(void)state;
	thost_start(t);
	for (i = 0; i < 10; i++) {
		d = nop(i);
		thost_submit(t, &d);
	}
	/* Three completions fill a 4-entry CQ; the rest must wait. */
	assert_int_equal(cim_fw_poll(t->fw), 3);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 3);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 3);
	assert_int_equal(thal_irqs(t->hal, CIM_IRQ_CPL), 1);

	assert_int_equal(thost_reap(t, &c), 1);
	got++;
	assert_int_equal(cim_fw_poll(t->fw), 1);
	while (got < 10) {
		while (thost_reap(t, &c)) {
			assert_int_equal(c.tag, got);
			got++;
		}
		cim_fw_poll(t->fw);
	}
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), 10);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	thost_free(t);
}

const struct CMUnitTest host_if_tests[] = {
	cmocka_unit_test(test_boot_idle),
	TEST(test_handshake_ok),
	cmocka_unit_test(test_handshake_minor),
	cmocka_unit_test(test_version_mismatch),
	cmocka_unit_test(test_bad_rings),
	TEST(test_disable),
	TEST(test_nop),
	TEST(test_bad_desc),
	TEST(test_irq_once_per_poll),
	TEST(test_sq_tail_range),
	TEST(test_cq_head_range),
	TEST(test_ring_dma_fail),
	cmocka_unit_test(test_ring_wrap),
	cmocka_unit_test(test_cq_full),
};
const size_t host_if_count = sizeof(host_if_tests) / sizeof(host_if_tests[0]);
