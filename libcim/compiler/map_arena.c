// SPDX-License-Identifier: MIT
/*
 * Activation arena: every tensor gets an offset such that tensors alive
 * at the same time do not overlap.  Tensor t is written by op t - 1 (the
 * input before op 0) and must live until the last op that reads it; the
 * model's output lives to the end.  Tensors are placed in order, each at
 * the lowest 8-aligned offset free during its whole life (first fit):
 * deterministic, and an op never writes over its own inputs.  Pure C11.
 */
#include <errno.h>
#include <stdlib.h>

#include "map_internal.h"

#define ARENA_ALIGN	8

struct live {
	uint64_t off, end;	/* bytes [off, end) */
	uint32_t last;		/* last step it is read at */
};

static int by_offset(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Step of the last reader of each tensor (step i + 1 runs op i). */
static void last_uses(const struct cim_qmodel *qm, uint32_t *last)
{
	uint32_t i;

	for (i = 0; i < qm->n_tensors; i++)
		last[i] = i;
	for (i = 0; i < qm->n_ops; i++) {
		const struct cim_image_op *op = &qm->ops[i].op;

		last[op->in0] = i + 1;
		if (op->in1 != CIM_TENSOR_NONE)
			last[op->in1] = i + 1;
	}
	last[qm->output_tensor] = qm->n_ops + 1;
}

int mapi_arena(const struct cim_qmodel *qm, uint32_t *offsets,
	       uint32_t *arena_size)
{
	uint32_t *last = malloc(qm->n_tensors * sizeof(*last));
	struct live *lv = malloc(qm->n_tensors * sizeof(*lv)), *busy;
	uint32_t t, j, n_busy, n_live = 0;
	uint64_t top = 0;

	busy = malloc(qm->n_tensors * sizeof(*busy));
	if (!last || !lv || !busy) {
		free(last);
		free(lv);
		free(busy);
		return -ENOMEM;
	}
	last_uses(qm, last);
	for (t = 0; t < qm->n_tensors; t++) {
		uint64_t size = cim_tensor_size(&qm->tensors[t].shape), at = 0;

		/* Tensors still alive when t is written, by offset. */
		n_busy = 0;
		for (j = 0; j < n_live; j++)
			if (lv[j].last >= t)
				busy[n_busy++] = lv[j];
		qsort(busy, n_busy, sizeof(*busy), by_offset);
		for (j = 0; j < n_busy; j++) {
			if (at + size <= busy[j].off)
				break;
			if (busy[j].end > at)
				at = (busy[j].end + ARENA_ALIGN - 1) &
				     ~(uint64_t)(ARENA_ALIGN - 1);
		}
		lv[n_live++] = (struct live){ at, at + size, last[t] };
		if (at + size > top)
			top = at + size;
		offsets[t] = (uint32_t)at;
		if (top > UINT32_MAX)
			break;
	}
	free(last);
	free(lv);
	free(busy);
	if (top > UINT32_MAX)
		return -EINVAL;
	*arena_size = (uint32_t)top;
	return 0;
}
