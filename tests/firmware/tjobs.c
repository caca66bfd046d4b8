// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Job helpers and fixtures shared by the firmware tests. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

int tfix_setup(void **state)
{
	struct thost *t = thost_new(16, 16);

	thost_start(t);
	*state = t;
	return 0;
}

int tfix_teardown(void **state)
{
	struct thost *t = *state;
	uint32_t bad = t->hal->bad_reg_writes;

	thost_free(t);
	/* The firmware must never write a register the platform owns. */
	return bad ? -1 : 0;
}

uint16_t *tmap(struct thost *t, uint32_t n)
{
	uint16_t *map = thost_alloc(t, n * sizeof(*map), 1);
	uint32_t i;

	/* 7 is prime to the 24 tiles of the test card: all distinct. */
	assert_true(n <= t->hal->p.tiles);
	for (i = 0; i < n; i++)
		map[i] = (uint16_t)((i * 7 + 3) % t->hal->p.tiles);
	return map;
}

struct cim_desc tdesc_program(struct thost *t, uint32_t slot,
			      const void *img, size_t size,
			      const uint16_t *map, uint32_t n_map)
{
	void *copy = thost_alloc(t, size, 1);
	struct cim_desc d;

	memcpy(copy, img, size);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_PROGRAM;
	d.tag = 0x5000 + slot;
	d.slot = slot;
	d.map_count = n_map;
	d.map_addr = (uintptr_t)map;
	thost_ref(t, &d.src, copy, size);
	return d;
}

struct cim_cpl tprogram(struct thost *t, uint32_t slot,
			const struct tmodel *m)
{
	const struct cim_image_header *h = m->image;
	struct cim_desc d;

	d = tdesc_program(t, slot, m->image, m->size,
			  tmap(t, h->n_vtiles), h->n_vtiles);
	return thost_exec(t, &d);
}

void tprogram_default(struct thost *t, uint32_t slot, struct tmodel *m)
{
	tmodel_default(m);
	assert_int_equal(tprogram(t, slot, m).status, CIM_ST_OK);
}

struct cim_desc tdesc_run(struct thost *t, uint32_t slot,
			  const struct tmodel *m, const int8_t *in,
			  uint32_t batch, int8_t **out,
			  struct cim_job_record **rec)
{
	size_t in_len = (size_t)batch * m->in_size;
	size_t out_len = (size_t)batch * m->out_size;
	int8_t *src = thost_alloc(t, in_len, 1);
	struct cim_desc d;

	memcpy(src, in, in_len);
	*out = thost_alloc(t, out_len, 1);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 0x7000 + batch;
	d.slot = slot;
	d.batch = batch;
	thost_ref(t, &d.src, src, in_len);
	thost_ref(t, &d.dst, *out, out_len);
	if (rec) {
		*rec = thost_alloc(t, sizeof(**rec), 1);
		thost_ref(t, &d.result, *rec, sizeof(**rec));
	}
	return d;
}

void tinput(const struct tmodel *m, uint32_t batch, uint32_t seed,
	    int8_t **in, int8_t **want)
{
	*in = malloc((size_t)batch * m->in_size);
	*want = malloc((size_t)batch * m->out_size);
	assert_non_null(*in);
	assert_non_null(*want);
	trand_fill(*in, (size_t)batch * m->in_size, seed);
	tnet_ref(&m->net, *in, *want, NULL, batch, -1);
}

static uint64_t link_ns(uint64_t bytes, uint32_t mb_s)
{
	return (bytes * 1000 + mb_s / 2) / mb_s;
}

uint64_t tring_ns(const struct cim_fw *fw)
{
	return link_ns(sizeof(struct cim_desc), fw->p.link_mb_s) +
	       link_ns(sizeof(struct cim_cpl), fw->p.link_mb_s);
}
