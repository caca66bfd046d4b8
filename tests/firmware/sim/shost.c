// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Host side of the userspace-card tests (shost.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shost.h"

#define SHOST_ENTRIES	16

static void shost_irq(void *ctx, uint32_t bits)
{
	struct shost *s = ctx;

	__atomic_add_fetch(&s->irqs, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&s->irq_bits, bits, __ATOMIC_SEQ_CST);
}

struct shost *shost_new(const char *spec, const char *flash)
{
	struct shost *s = calloc(1, sizeof(*s));
	struct cim_sim_config cfg;

	if (!s)
		return NULL;
	cim_sim_config_init(&cfg);
	if (cim_sim_config_parse(&cfg, spec))
		goto fail;
	cfg.flash_path = flash;
	cfg.errbuf = s->err;
	cfg.errbuf_len = sizeof(s->err);
	if (cim_sim_create(&cfg, &s->sim))
		goto fail;
	cim_sim_set_irq_handler(s->sim, shost_irq, s);
	s->entries = SHOST_ENTRIES;
	s->sq = shost_alloc(s, SHOST_ENTRIES * sizeof(*s->sq));
	s->cq = shost_alloc(s, SHOST_ENTRIES * sizeof(*s->cq));
	return s;
fail:
	free(s);
	return NULL;
}

void shost_free(struct shost *s)
{
	unsigned int i;

	if (!s)
		return;
	cim_sim_destroy(s->sim);
	for (i = 0; i < s->nallocs; i++)
		free(s->allocs[i]);
	free(s);
}

int shost_wait_irq(struct shost *s, int ms)
{
	struct pollfd p = { .fd = cim_sim_irq_fd(s->sim), .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return 0;
	if (read(p.fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return 1;
}

int shost_start(struct shost *s)
{
	struct cim_sim *c = s->sim;
	int i;

	/* after a reset: wait for the firmware to be back, rings reset */
	cim_sim_reg_write(c, CIM_REG_CTRL, 0);
	for (i = 0; cim_sim_reg_read(c, CIM_REG_STATUS) != CIM_STATUS_BOOTING;
	     i++) {
		if (i == 1000)
			return -1;
		usleep(1000);
	}
	cim_sim_reg_write(c, CIM_REG_IRQ_MASK,
			  CIM_IRQ_CPL | CIM_IRQ_READY | CIM_IRQ_ERROR);
	cim_sim_reg_write(c, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
	cim_sim_reg_write(c, CIM_REG_SQ_BASE_LO, (uint32_t)(uintptr_t)s->sq);
	cim_sim_reg_write(c, CIM_REG_SQ_BASE_HI,
			  (uint32_t)((uint64_t)(uintptr_t)s->sq >> 32));
	cim_sim_reg_write(c, CIM_REG_SQ_ENTRIES, s->entries);
	cim_sim_reg_write(c, CIM_REG_CQ_BASE_LO, (uint32_t)(uintptr_t)s->cq);
	cim_sim_reg_write(c, CIM_REG_CQ_BASE_HI,
			  (uint32_t)((uint64_t)(uintptr_t)s->cq >> 32));
	cim_sim_reg_write(c, CIM_REG_CQ_ENTRIES, s->entries);
	/*
	 * A new session starts both rings at zero (fw_handshake(), as cim.ko
	 * and libcim do).  Not the card's SQ_HEAD/CQ_TAIL: after a RESET the
	 * firmware thread may not have zeroed them yet, and a stale CQ_TAIL
	 * made the next reap read an old completion (test_sim_faults, 1 run
	 * in 40).
	 */
	s->sq_tail = 0;
	s->cq_head = 0;
	cim_sim_reg_write(c, CIM_REG_SQ_TAIL, s->sq_tail);
	cim_sim_reg_write(c, CIM_REG_CQ_HEAD, s->cq_head);
	cim_sim_reg_write(c, CIM_REG_CTRL, CIM_CTRL_ENABLE);
	for (i = 0; i < 100; i++) {
		if (cim_sim_reg_read(c, CIM_REG_STATUS) & CIM_STATUS_READY)
			return 0;
		shost_wait_irq(s, 100);
	}
	return -1;
}

void *shost_alloc(struct shost *s, size_t len)
{
	void *p;

	len = (len + 63) & ~(size_t)63;
	p = aligned_alloc(64, len ? len : 64);
	if (!p || s->nallocs == SHOST_MAX_ALLOCS)
		abort();
	memset(p, 0, len ? len : 64);
	if (cim_sim_dma_map(s->sim, p, len ? len : 64))
		abort();
	s->allocs[s->nallocs++] = p;
	return p;
}

void shost_ref(struct shost *s, struct cim_dma_ref *ref, const void *buf,
	       size_t len)
{
	struct cim_sg_entry *sg = shost_alloc(s, sizeof(*sg));

	sg->addr = (uintptr_t)buf;
	sg->len = (uint32_t)len;
	memset(ref, 0, sizeof(*ref));
	ref->sg_addr = (uintptr_t)sg;
	ref->sg_count = 1;
	ref->length = len;
}

void shost_submit(struct shost *s, const struct cim_desc *d)
{
	s->sq[s->sq_tail] = *d;
	s->sq_tail = (s->sq_tail + 1) & (s->entries - 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	cim_sim_reg_write(s->sim, CIM_REG_SQ_TAIL, s->sq_tail);
}

int shost_reap(struct shost *s, struct cim_cpl *c, int ms)
{
	int waited = 0;

	while (cim_sim_reg_read(s->sim, CIM_REG_CQ_TAIL) == s->cq_head) {
		if (waited >= ms)
			return 0;
		shost_wait_irq(s, 20);
		waited += 20;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*c = s->cq[s->cq_head];
	s->cq_head = (s->cq_head + 1) & (s->entries - 1);
	cim_sim_reg_write(s->sim, CIM_REG_CQ_HEAD, s->cq_head);
	return 1;
}
