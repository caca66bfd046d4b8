// SPDX-License-Identifier: MIT
/*
 * The mapping report: blocks and cells per op, arrays and utilization
 * with and without packing.  Pure C11.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

/*
 * The mapping's time model per item: MACs, MVM time over all arrays, and
 * the period, the most work of one array or one SIMD unit (a replica's
 * partial sums and requantization, and the digital ops computed in place
 * after it, on its home: the array of its first block).
 */
static int timing(const struct mapi_plan *p, struct cim_map_report *rep)
{
	const struct cim_qmodel *qm = p->qm;
	uint64_t *load = calloc(4 * (size_t)p->n_vtiles + 1, sizeof(*load));
	uint64_t *top;		/* per array and SIMD unit: most work of one op */
	uint32_t *top_op = calloc(2 * (size_t)p->n_vtiles + 1, sizeof(*top_op));
	uint64_t *digital = calloc(qm->n_ops, sizeof(*digital)), *simd;
	uint32_t *src = malloc(qm->n_tensors * sizeof(*src));
	uint32_t i, k, b = 0, R, per, r, n, j, N, K, G;
	uint64_t simd_ps = p->cost.simd_ps_per_elem, e, orphan = 0;

	if (!load || !digital || !src || !top_op) {
		free(top_op);
		free(load);
		free(digital);
		free(src);
		return -ENOMEM;
	}
	simd = load + p->n_vtiles;
	top = load + 2 * (size_t)p->n_vtiles;
	src[0] = UINT32_MAX;
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &qm->ops[k].op;

		src[k + 1] = mapi_is_mvm(op) ? k : op->type == CIM_OP_EXIT ?
			     UINT32_MAX : src[op->in0];
		if (!mapi_is_mvm(op) && src[op->in0] != UINT32_MAX)
			digital[src[op->in0]] += mapi_digital_ps(p, k);
		else if (!mapi_is_mvm(op))
			orphan += mapi_digital_ps(p, k);
	}
	/* no MVM op's homes to run on: one tile's SIMD (fw_sched.c: tile 0) */
	simd[0] += orphan;
	rep->macs = rep->work_ps = rep->simd_macs = 0;
	/* a SIMD CONV's MACs are the network's too, done without arrays */
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &qm->ops[k].op;
		const struct cim_image_tensor *o = &qm->tensors[k + 1].shape;

		if (op->dup_w > 1)
			rep->macs += (uint64_t)o->h * o->w * o->c * op->kernel_h *
				     op->kernel_w * qm->tensors[op->in0].shape.c;
		if (mapi_is_simd_conv(op)) {
			mapi_op_dims(qm, k, &K, &N, &G);
			rep->macs += (uint64_t)mapi_pixels(qm, k) * K / G * N;
			rep->simd_macs += (uint64_t)mapi_pixels(qm, k) * K / G * N;
		}
	}
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &qm->ops[k].op;

		if (!mapi_is_mvm(op))
			continue;
		R = p->replicas[k] > 1 ? p->replicas[k] : 1;
		mapi_op_dims(qm, k, &K, &N, &G);
		for (n = 0; b + n < p->n_blocks && p->blocks[b + n].op == k; n++)
			;
		n /= R;
		per = (mapi_pixels(qm, k) + R - 1) / R;
		for (r = 0; r < R; r++, b += n) {
			e = (uint64_t)N * simd_ps;
			for (j = 0; j < n; j++) {
				const struct mapi_block *bl = &p->blocks[b + j];
				uint64_t t = per * mapi_block_ps(p, bl);

				load[bl->vtile] += t;
				/* blocks of one op's replica on one array: one run */
				if (t > top[bl->vtile]) {
					top[bl->vtile] = t;
					top_op[bl->vtile] = k;
				}
				rep->work_ps += t;
				e += (uint64_t)bl->g_count * bl->outs * simd_ps *
				     (op->in0_zp ? 2 : 1);
				/* the network's MACs: not a duplicated window's zeros */
				if (!r && !op->dup_w)
					rep->macs += (uint64_t)mapi_pixels(qm, k) *
						     bl->g_count * bl->rows * bl->outs;
			}
			e = per * e + (digital[k] + R - 1) / R;
			i = p->blocks[b].vtile;
			simd[i] += e;
			if (e > top[p->n_vtiles + i]) {
				top[p->n_vtiles + i] = e;
				top_op[p->n_vtiles + i] = k;
			}
		}
	}
	rep->period_ps = 0;
	for (i = 0; i < 2 * p->n_vtiles; i++)
		if (load[i] > rep->period_ps) {
			rep->period_ps = load[i];
			rep->limit_simd = i >= p->n_vtiles;
			rep->limit_tile = i % p->n_vtiles;
			rep->limit_op = top_op[i];
		}
	/* MACs per ps of array time over one full array's MACs per ps */
	rep->bound = rep->work_ps ?
		     (double)rep->macs / rep->work_ps /
		     ((double)p->opts.geom.tile_rows * p->opts.geom.tile_cols /
		      (p->cost.mvm_ns * 1e3)) : 0;
	free(load);
	free(top_op);
	free(digital);
	free(src);
	return 0;
}

uint64_t mapi_period(const struct mapi_plan *p)
{
	struct cim_map_report rep;

	memset(&rep, 0, sizeof(rep));
	return timing(p, &rep) ? UINT64_MAX : rep.period_ps;
}

int mapi_report(const struct mapi_plan *p, struct cim_map_report *rep)
{
	const struct cim_geometry *g = &p->opts.geom;
	double array = (double)g->tile_rows * g->tile_cols, unpacked_util;
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
		r->replicas = p->replicas[i] > 1 ? p->replicas[i] : 1;
		r->pixels = mapi_pixels(p->qm, i);
		r->cells = (uint64_t)(r->K / r->groups) * r->N * mapi_cpw(op) *
			   r->replicas;
		for (; b < p->n_blocks && p->blocks[b].op == i; b++)
			r->blocks++;
	}
	b = 0;
	for (i = 0; i < n; i++) {
		struct cim_map_op_report *r = &rep->ops[i];
		uint32_t j, per = r->blocks / r->replicas;

		for (; b < p->n_blocks && p->blocks[b].op != r->op; b++)
			;
		for (j = 0; j < per; j++)
			r->mvm_ps += r->pixels * mapi_block_ps(p, &p->blocks[b + j]);
	}
	mapi_unpacked(p->qm, g, &tiles_unpacked, &cells);
	unpacked_util = cells / (array * (double)tiles_unpacked);
	cells = 0;
	for (i = 0; i < n; i++)
		cells += rep->ops[i].cells;
	rep->tiles = p->n_vtiles;
	rep->tiles_unpacked = tiles_unpacked > UINT32_MAX ? UINT32_MAX :
							      (uint32_t)tiles_unpacked;
	rep->card_tiles = p->opts.max_tiles;
	rep->cells_used = cells;
	rep->util = cells / (array * p->n_vtiles);
	rep->util_unpacked = unpacked_util;
	rep->arena_size = p->arena_size;
	rep->image_size = (uint32_t)p->total;
	rep->msg[0] = 0;
	rep->objective = p->opts.objective;
	rep->batch = p->opts.batch ? p->opts.batch : 1;
	if (mapi_bound(p, rep))
		return -ENOMEM;
	return timing(p, rep);
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
	say(&o, "%-4s %-20s %-4s %6s %6s %6s %5s %6s %10s %4s %9s\n", "op",
	    "name", "type", "K", "N", "groups", "wbits", "blocks", "cells",
	    "reps", "mvm_us");
	for (i = 0; i < rep->n_ops; i++) {
		const struct cim_map_op_report *r = &rep->ops[i];
		const char *name = qm && r->op < qm->n_ops && qm->ops[r->op].name ?
				   qm->ops[r->op].name : "-";

		say(&o, "%-4u %-20.20s %-4s %6u %6u %6u %5u %6u %10llu %4u %9.1f\n",
		    r->op, name, r->type == CIM_OP_FC ? "fc" : "conv", r->K,
		    r->N, r->groups, r->wbits, r->blocks,
		    (unsigned long long)r->cells, r->replicas, r->mvm_ps / 1e6);
	}
	say(&o, "arrays           %u of the card's %u\n", rep->tiles, rep->card_tiles);
	say(&o, "utilization      %.1f%% packed, %.1f%% unpacked (%u arrays)\n",
	    100 * rep->util, 100 * rep->util_unpacked, rep->tiles_unpacked);
	say(&o, "weight cells     %llu\n", (unsigned long long)rep->cells_used);
	say(&o, "activation arena %u bytes per item\n", rep->arena_size);
	say(&o, "image            %u bytes\n", rep->image_size);
	say(&o, "objective        %s, batch %u\n",
	    rep->objective == CIM_MAP_THROUGHPUT ? "throughput" :
	    rep->objective == CIM_MAP_LATENCY ? "latency" : "area", rep->batch);
	say(&o, "macs             %llu per item\n", (unsigned long long)rep->macs);
	if (rep->simd_macs)
		say(&o, "simd macs        %llu per item (grouped CONVs on the tile SIMD)\n",
		    (unsigned long long)rep->simd_macs);
	say(&o, "period           %.1f us per item (busiest array or SIMD unit)\n",
	    rep->period_ps / 1e6);
	say(&o, "efficiency bound %.3f (MACs per array time over one array's peak)\n",
	    rep->bound);
	if (rep->period_ps)
		say(&o, "period set by    the %s of array %u (most of it: op %u %s)\n",
		    rep->limit_simd ? "SIMD unit" : "MVMs", rep->limit_tile,
		    rep->limit_op,
		    qm && rep->limit_op < qm->n_ops && qm->ops[rep->limit_op].name ?
		    qm->ops[rep->limit_op].name : "");
	if (rep->period_ps && rep->card_tiles)
		say(&o, "balance          %.3f (array work over card arrays x period)\n",
		    (double)rep->work_ps / rep->period_ps / rep->card_tiles);
	if (rep->period_lb_ps)
		say(&o, "period bound     %.1f us per item, at most %.0f fps, for any mapping on %u arrays (least array work %.1f us, SIMD work %.1f us per item)\n",
		    rep->period_lb_ps / 1e6, 1e12 / rep->period_lb_ps,
		    rep->card_tiles, rep->lb_array_ps / 1e6,
		    rep->lb_simd_ps / 1e6);
	/*
	 * efficiency / bound = fps x work_ps / card_tiles (both count the
	 * same MACs), and fps <= 1 / period bound at any batch.
	 */
	if (rep->period_lb_ps && rep->card_tiles &&
	    rep->work_ps < (uint64_t)rep->card_tiles * rep->period_lb_ps)
		say(&o, "efficiency cap   %.3f of the efficiency bound at most, at any batch (array work over card arrays x period bound)\n",
		    (double)rep->work_ps / rep->card_tiles / rep->period_lb_ps);
	return (int)(o.at > INT32_MAX ? INT32_MAX : o.at);
}
