// SPDX-License-Identifier: MIT
/*
 * The mapping report: blocks and cells per op, arrays and utilization
 * with and without packing.  Pure C11.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "map_internal.h"

int mapi_report(const struct mapi_plan *p, struct cim_map_report *rep)
{
	const struct cim_geometry *g = &p->opts.geom;
	double array = (double)g->tile_rows * g->tile_cols;
	uint64_t tiles_unpacked, cells;
	uint32_t i, n = 0, b = 0;

	for (i = 0; i < p->qm->n_ops; i++)
		n += mapi_is_mvm(&p->qm->ops[i].op);
	rep->ops = calloc(n, sizeof(*rep->ops));
	if (!rep->ops)
		return -ENOMEM;
	rep->n_ops = n;
	n = 0;
	for (i = 0; i < p->qm->n_ops; i++) {
		const struct cim_image_op *op = &p->qm->ops[i].op;
		struct cim_map_op_report *r = &rep->ops[n];

		if (!mapi_is_mvm(op))
			continue;
		n++;
		r->op = i;
		r->type = op->type;
		r->wbits = op->wbits;
		mapi_op_dims(p->qm, i, &r->K, &r->N, &r->groups);
		r->cells = (uint64_t)(r->K / r->groups) * r->N * mapi_cpw(op);
		for (; b < p->n_blocks && p->blocks[b].op == i; b++)
			r->blocks++;
	}
	mapi_unpacked(p->qm, g, &tiles_unpacked, &cells);
	rep->tiles = p->n_vtiles;
	rep->tiles_unpacked = tiles_unpacked > UINT32_MAX ? UINT32_MAX :
							      (uint32_t)tiles_unpacked;
	rep->card_tiles = p->opts.max_tiles;
	rep->cells_used = cells;
	rep->util = cells / (array * p->n_vtiles);
	rep->util_unpacked = cells / (array * (double)tiles_unpacked);
	rep->arena_size = p->arena_size;
	rep->image_size = (uint32_t)p->total;
	rep->msg[0] = 0;
	return 0;
}

void cim_map_report_free(struct cim_map_report *rep)
{
	if (!rep)
		return;
	free(rep->ops);
	rep->ops = NULL;
	rep->n_ops = 0;
}

struct out {
	char *buf;
	size_t len, at;
};

static void say(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->at < o->len ? o->buf + o->at : NULL,
		      o->at < o->len ? o->len - o->at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->at += (size_t)n;
}

int cim_map_report_format(const struct cim_map_report *rep,
			  const struct cim_qmodel *qm, char *buf, size_t len)
{
	struct out o = { buf, buf ? len : 0, 0 };
	uint32_t i;

	if (!rep)
		return -EINVAL;
	if (o.len)
		buf[0] = 0;
	say(&o, "%-4s %-20s %-4s %6s %6s %6s %5s %6s %10s\n", "op", "name",
	    "type", "K", "N", "groups", "wbits", "blocks", "cells");
	for (i = 0; i < rep->n_ops; i++) {
		const struct cim_map_op_report *r = &rep->ops[i];
		const char *name = qm && r->op < qm->n_ops && qm->ops[r->op].name ?
				   qm->ops[r->op].name : "-";

		say(&o, "%-4u %-20.20s %-4s %6u %6u %6u %5u %6u %10llu\n", r->op,
		    name, r->type == CIM_OP_FC ? "fc" : "conv", r->K, r->N,
		    r->groups, r->wbits, r->blocks, (unsigned long long)r->cells);
	}
	say(&o, "arrays           %u of the card's %u\n", rep->tiles, rep->card_tiles);
	say(&o, "utilization      %.1f%% packed, %.1f%% unpacked (%u arrays)\n",
	    100 * rep->util, 100 * rep->util_unpacked, rep->tiles_unpacked);
	say(&o, "weight cells     %llu\n", (unsigned long long)rep->cells_used);
	say(&o, "activation arena %u bytes per item\n", rep->arena_size);
	say(&o, "image            %u bytes\n", rep->image_size);
	return (int)(o.at > INT32_MAX ? INT32_MAX : o.at);
}
