// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Host side of the firmware tests (see thost.h). */
#include <stdarg.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "thost.h"

static size_t round64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

void *thost_alloc(struct thost *t, size_t len, int dma)
{
	void *p = aligned_alloc(64, round64(len ? len : 1));

	assert_non_null(p);
	assert_true(t->nallocs < THOST_MAX_ALLOCS);
	memset(p, 0, round64(len ? len : 1));
	t->allocs[t->nallocs++] = p;
	if (dma)
		thal_register(t->hal, p, len);
	return p;
}

struct thost *thost_new_card(const struct cim_card_params *p,
			     uint32_t plan_bytes, uint32_t sq_entries,
			     uint32_t cq_entries)
{
	struct thost *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->hal = thal_new(p, plan_bytes);
	t->fw = calloc(1, sizeof(*t->fw));
	assert_non_null(t->fw);
	t->sq_entries = sq_entries;
	t->cq_entries = cq_entries;
	t->sq = thost_alloc(t, sq_entries * sizeof(*t->sq), 1);
	t->cq = thost_alloc(t, cq_entries * sizeof(*t->cq), 1);
	cim_fw_reset(t->fw, t->hal);
	return t;
}

struct thost *thost_new(uint32_t sq_entries, uint32_t cq_entries)
{
	struct cim_card_params p;

	thal_default_params(&p);
	return thost_new_card(&p, THAL_PLAN_BYTES, sq_entries, cq_entries);
}

void thost_free(struct thost *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->nallocs; i++)
		free(t->allocs[i]);
	thal_free(t->hal);
	free(t->fw);
	free(t);
}

void thost_start(struct thost *t)
{
	uint64_t sq = (uintptr_t)t->sq, cq = (uintptr_t)t->cq;

	thal_wr(t->hal, CIM_REG_SQ_BASE_LO, (uint32_t)sq);
	thal_wr(t->hal, CIM_REG_SQ_BASE_HI, (uint32_t)(sq >> 32));
	thal_wr(t->hal, CIM_REG_SQ_ENTRIES, t->sq_entries);
	thal_wr(t->hal, CIM_REG_CQ_BASE_LO, (uint32_t)cq);
	thal_wr(t->hal, CIM_REG_CQ_BASE_HI, (uint32_t)(cq >> 32));
	thal_wr(t->hal, CIM_REG_CQ_ENTRIES, t->cq_entries);
	thal_wr(t->hal, CIM_REG_SQ_TAIL, 0);
	thal_wr(t->hal, CIM_REG_CQ_HEAD, 0);
	t->sq_tail = 0;
	t->cq_head = 0;
	t->seq = 0;
	thal_wr(t->hal, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
	thal_wr(t->hal, CIM_REG_CTRL, CIM_CTRL_ENABLE);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
}

void thost_submit(struct thost *t, const struct cim_desc *d)
{
	t->sq[t->sq_tail] = *d;
	t->sq_tail = (t->sq_tail + 1) % t->sq_entries;
	thal_wr(t->hal, CIM_REG_SQ_TAIL, t->sq_tail);
}

int thost_reap(struct thost *t, struct cim_cpl *c)
{
	/* The host knows a slot is new by its seq, as a driver would. */
	if (t->cq[t->cq_head].seq != t->seq + 1)
		return 0;
	*c = t->cq[t->cq_head];
	t->seq = c->seq;
	t->cq_head = (t->cq_head + 1) % t->cq_entries;
	thal_wr(t->hal, CIM_REG_CQ_HEAD, t->cq_head);
	return 1;
}

struct cim_cpl thost_exec(struct thost *t, const struct cim_desc *d)
{
	struct cim_cpl c;

	thost_submit(t, d);
	assert_int_equal(cim_fw_poll(t->fw), 1);
	assert_int_equal(thost_reap(t, &c), 1);
	assert_int_equal(c.tag, d->tag);
	assert_int_equal(thal_rd(t->hal, CIM_REG_SQ_HEAD), t->sq_tail);
	return c;
}

void thost_ref(struct thost *t, struct cim_dma_ref *ref, const void *buf,
	       size_t len)
{
	struct cim_sg_entry *e = thost_alloc(t, sizeof(*e), 1);

	e->addr = (uintptr_t)buf;
	e->len = (uint32_t)len;
	memset(ref, 0, sizeof(*ref));
	ref->sg_addr = (uintptr_t)e;
	ref->sg_count = 1;
	ref->length = len;
}

void thost_scatter(struct thost *t, struct tscatter *s,
		   struct cim_dma_ref *ref, size_t len, unsigned int seed)
{
	/* Odd sizes so that every kind of split gets exercised. */
	static const uint32_t sizes[] = { 1, 7, 3, 64, 13, 0, 29, 2, 100, 5 };
	struct cim_sg_entry *tab;
	size_t at = 0, want, cap;
	uint8_t *arena;
	uint32_t i;

	s->lead = 5 + seed % 11;
	s->payload = len;
	want = s->lead + len;
	/* at worst one byte per segment; a gap byte after every segment */
	cap = want + 1;
	s->seg = thost_alloc(t, cap * sizeof(*s->seg), 0);
	s->len = thost_alloc(t, cap * sizeof(*s->len), 0);
	tab = thost_alloc(t, cap * sizeof(*tab), 0);
	arena = thost_alloc(t, 2 * want + 2 * cap, 0);
	/*
	 * Segments start at odd addresses with unregistered gap bytes
	 * between them: a transfer running past its segment faults.
	 */
	arena++;
	for (i = 0; at < want; i++) {
		uint32_t n = sizes[(i + seed) % 10];

		assert_true(i < cap && ((uintptr_t)arena & 1));
		if (n > want - at)
			n = (uint32_t)(want - at);
		if (n)
			thal_register(t->hal, arena, n);
		memset(arena, TSCATTER_LEAD, n);
		s->seg[i] = arena;
		s->len[i] = n;
		tab[i].addr = (uintptr_t)arena;
		tab[i].len = n;
		at += n;
		arena += n + 1;
		if (!((uintptr_t)arena & 1))
			arena++;
	}
	s->n = i;
	thal_register(t->hal, tab, s->n * sizeof(*tab));
	memset(ref, 0, sizeof(*ref));
	ref->sg_addr = (uintptr_t)tab;
	ref->sg_count = s->n;
	ref->offset = s->lead;
	ref->length = len;
}

static void tscatter_copy(const struct tscatter *s, uint8_t *in,
			  const uint8_t *out)
{
	size_t pos = 0, end = s->lead + s->payload;
	uint32_t i, j;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->len[i] && pos < end; j++, pos++) {
			if (pos < s->lead)
				continue;
			if (out)
				s->seg[i][j] = out[pos - s->lead];
			else
				in[pos - s->lead] = s->seg[i][j];
		}
	}
}

int tscatter_lead_ok(const struct tscatter *s)
{
	size_t pos = 0;
	uint32_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->len[i] && pos < s->lead; j++, pos++)
			if (s->seg[i][j] != TSCATTER_LEAD)
				return 0;
	return 1;
}

void tscatter_put(const struct tscatter *s, const void *src)
{
	tscatter_copy(s, NULL, src);
}

void tscatter_get(const struct tscatter *s, void *dst)
{
	tscatter_copy(s, dst, NULL);
}
