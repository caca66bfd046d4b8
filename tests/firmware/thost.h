/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The host side of the tests: what a driver does with a card (rings,
 * doorbell, SG tables), reduced to what the firmware tests need.
 */
#ifndef _CIM_THOST_H_
#define _CIM_THOST_H_

#include <stddef.h>
#include <stdint.h>

#include "cim_fw.h"
#include "test_hal.h"

#define THOST_MAX_ALLOCS	256

struct thost {
	struct cim_hal *hal;
	struct cim_fw *fw;
	struct cim_desc *sq;
	struct cim_cpl *cq;
	uint32_t sq_entries, cq_entries;
	uint32_t sq_tail, cq_head;
	uint32_t seq;			/* last completion seq reaped */
	void *allocs[THOST_MAX_ALLOCS];
	unsigned int nallocs;
};

/* A card with default parameters, reset, rings allocated, not enabled. */
struct thost *thost_new(uint32_t sq_entries, uint32_t cq_entries);
struct thost *thost_new_card(const struct cim_card_params *p,
			     uint32_t plan_bytes, uint32_t sq_entries,
			     uint32_t cq_entries);
void thost_free(struct thost *t);

/* Write the ring registers and HOST_VERSION, set CTRL_ENABLE, poll once. */
void thost_start(struct thost *t);

/* Zeroed, 64-byte aligned memory, freed by thost_free(); DMA-able or not. */
void *thost_alloc(struct thost *t, size_t len, int dma);

/* Put a descriptor on the SQ and ring the doorbell (no poll). */
void thost_submit(struct thost *t, const struct cim_desc *d);
/* Take the next completion if the card posted one: 1, else 0. */
int thost_reap(struct thost *t, struct cim_cpl *c);
/* Submit, poll until completed; the test fails if it takes >1 poll. */
struct cim_cpl thost_exec(struct thost *t, const struct cim_desc *d);

/* A one-entry SG table (registered) for [buf, buf + len). */
void thost_ref(struct thost *t, struct cim_dma_ref *ref, const void *buf,
	       size_t len);

/*
 * A buffer scattered over many small separately allocated segments at
 * odd addresses, with lead bytes skipped through ref->offset: what user
 * pages look like to the card.
 */
struct tscatter {
	uint32_t n;
	uint8_t **seg;
	uint32_t *len;
	size_t lead;			/* bytes before the payload */
	size_t payload;
};

void thost_scatter(struct thost *t, struct tscatter *s,
		   struct cim_dma_ref *ref, size_t len, unsigned int seed);
/* Fill byte of fresh segments; the lead bytes must keep it. */
#define TSCATTER_LEAD	0xa5
int tscatter_lead_ok(const struct tscatter *s);
void tscatter_put(const struct tscatter *s, const void *src);
void tscatter_get(const struct tscatter *s, void *dst);

#endif /* _CIM_THOST_H_ */
