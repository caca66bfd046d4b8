/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The host side of the userspace-card tests: what a driver does with the
 * card (rings, doorbell, SG tables, interrupts), over cim_sim.h.
 */
#ifndef _CIM_SHOST_H_
#define _CIM_SHOST_H_

#include <stddef.h>
#include <stdint.h>

#include "cim_card.h"
#include "cim_sim.h"

#define SHOST_MAX_ALLOCS	256

struct shost {
	struct cim_sim *sim;
	struct cim_desc *sq;
	struct cim_cpl *cq;
	uint32_t entries, sq_tail, cq_head;
	uint32_t irqs;			/* handler calls */
	uint32_t irq_bits;		/* bits the handler saw */
	void *allocs[SHOST_MAX_ALLOCS];
	unsigned int nallocs;
	char err[256];
};

/* Power a card on ("sim:..." spec, flash file or NULL); NULL on error. */
struct shost *shost_new(const char *spec, const char *flash);
void shost_free(struct shost *s);
/* Ring registers, IRQ mask, CTRL_ENABLE; wait for READY: 0 or -1. */
int shost_start(struct shost *s);
/* Wait until the eventfd fires (or ms pass): 1 fired, 0 timed out. */
int shost_wait_irq(struct shost *s, int ms);
/* Zeroed memory the card can reach by DMA, freed by shost_free(). */
void *shost_alloc(struct shost *s, size_t len);
void shost_ref(struct shost *s, struct cim_dma_ref *ref, const void *buf,
	       size_t len);
void shost_submit(struct shost *s, const struct cim_desc *d);
/* Next completion within ms: 1, or 0 if none came. */
int shost_reap(struct shost *s, struct cim_cpl *c, int ms);

#endif /* _CIM_SHOST_H_ */
