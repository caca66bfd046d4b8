// SPDX-License-Identifier: MIT
/*
 * The mapping pipeline: check the model, allocate the arena, place the
 * blocks, lay out the image sections; and cim_map_qmodel() on top of it.
 * Pure C11.
 *
 * Layout choices the format leaves open, fixed so that the same model
 * and options always give the same bytes: sections follow each other
 * with no gaps beyond alignment (header, tensors, ops, blocks at the
 * next multiple of 8, params, cells); the params blob holds, per FC/CONV
 * op in order, bias[N], mult[N], shift[N] and for 4-bit weights wzp[N];
 * every byte not written explicitly is zero.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static void layout(struct mapi_plan *p)
{
	const struct cim_qmodel *qm = p->qm;
	uint64_t params = 0, cells = 0;
	uint32_t i;

	for (i = 0; i < qm->n_ops; i++) {
		const struct cim_image_op *op = &qm->ops[i].op;

		if (mapi_is_mvm(op) || mapi_is_simd_conv(op))
			params += 4ull * qm->tensors[i + 1].shape.c *
				  (op->wbits == 4 ? 4 : 3);
		if (mapi_is_simd_conv(op)) {
			uint32_t K, N, G;

			mapi_op_dims(qm, i, &K, &N, &G);
			params += ((uint64_t)K / G * N + 3) & ~3ull;
		}
		if (op->type == CIM_OP_LUT)
			params += 4 * 256;
		p->n_exits += op->type == CIM_OP_EXIT;
	}
	for (i = 0; i < p->n_blocks; i++) {
		const struct mapi_block *b = &p->blocks[i];
		const struct cim_image_op *op = &qm->ops[b->op].op;

		cells += (uint64_t)b->g_count * b->rows *
			 (((uint64_t)b->outs * mapi_cpw(op) + 1) / 2);
	}
	p->tensors_off = align8(sizeof(struct cim_image_header));
	p->ops_off = align8(p->tensors_off +
			    (uint64_t)qm->n_tensors * sizeof(struct cim_image_tensor));
	p->blocks_off = align8(p->ops_off +
			       (uint64_t)qm->n_ops * sizeof(struct cim_image_op));
	p->params_off = align8(p->blocks_off +
			       (uint64_t)p->n_blocks * sizeof(struct cim_image_block));
	p->params_size = params;
	p->cells_off = p->params_off + params;
	p->cells_size = cells;
	p->total = p->cells_off + cells;
}

static int geometry_ok(const struct cim_map_opts *o)
{
	const struct cim_geometry *g = &o->geom;

	return g->cell_bits == 4 && g->tile_rows >= 1 && g->tile_rows <= 65535 &&
	       g->tile_cols >= 2 && g->tile_cols <= 65535 &&
	       o->max_tiles <= CIM_IMAGE_MAX_VTILES &&
	       !(o->flags & ~(uint32_t)(CIM_MAP_NO_PACK | CIM_MAP_NO_SIMD_CONV |
					CIM_MAP_NO_DUP | CIM_MAP_PACK_SORTED)) &&
	       o->objective <= CIM_MAP_LATENCY &&
	       (!o->cost.mvm_ns || (o->cost.mvm_ns >= o->cost.mvm_fixed_ns &&
				    o->cost.row_group && o->cost.adcs));
}

/*
 * Duplicated windows cost cells: where arrays are short (a network one
 * copy of which nearly fills the card) the replicas they take away can
 * cost more than they save.  Balance again without them and keep the
 * mapping without them only if its period is shorter by more than 1/16.
 * The period is only the busiest resource's work; the windows also cut
 * every array's MVM time, which the pipelined schedule turns into fps
 * the period does not show: measured with the firmware scheduler,
 * mobilenet_v2 int4 and efficientnet_b0 int8 run faster with them at a
 * 2 % longer period, resnet50 int8 slower at a 12 % longer one.
 * 0 or -ENOMEM.
 */
static int keep_faster(struct mapi_plan *p, uint32_t card)
{
	struct mapi_block *blocks = p->blocks;
	uint32_t n_blocks = p->n_blocks, n_vtiles = p->n_vtiles;
	uint32_t *replicas = malloc(p->qm->n_ops * sizeof(*replicas));
	uint64_t with = n_vtiles <= card ? mapi_period(p) : UINT64_MAX, without;
	int r;

	if (!replicas)
		return -ENOMEM;
	memcpy(replicas, p->replicas, p->qm->n_ops * sizeof(*replicas));
	p->blocks = NULL;
	p->n_blocks = 0;
	mapi_dup_set(p, 0);
	r = mapi_balance(p);
	without = !r && p->n_vtiles <= card ? mapi_period(p) : UINT64_MAX;
	if (!r && without < with - with / 16) {
		free(blocks);
		free(replicas);
		return 0;
	}
	free(p->blocks);
	p->blocks = blocks;
	p->n_blocks = n_blocks;
	p->n_vtiles = n_vtiles;
	memcpy(p->replicas, replicas, p->qm->n_ops * sizeof(*replicas));
	free(replicas);
	mapi_dup_set(p, 1);
	return r;
}

static int fail(struct cim_map_report *rep, int err, const char *msg)
{
	if (rep)
		snprintf(rep->msg, sizeof(rep->msg), "%s", msg);
	return err;
}

int mapi_plan_build(struct mapi_plan *p, const struct cim_qmodel *qm,
		    const struct cim_map_opts *o, struct cim_map_report *rep)
{
	char msg[sizeof(rep->msg)];
	uint32_t card;
	int r;

	memset(p, 0, sizeof(*p));
	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (!o || !geometry_ok(o))
		return fail(rep, -EINVAL, "bad card geometry or mapping options");
	if (cim_qmodel_check(qm, msg, sizeof(msg)))
		return fail(rep, -EINVAL, msg);
	p->qm = qm;
	p->opts = *o;
	card = o->max_tiles ? o->max_tiles : CIM_IMAGE_MAX_VTILES;
	p->opts.max_tiles = card;
	mapi_cost_init(p);
	p->own_ops = malloc(qm->n_ops * sizeof(*p->own_ops));
	p->own_w = calloc(qm->n_ops, sizeof(*p->own_w));
	p->dup_w = calloc(qm->n_ops, sizeof(*p->dup_w));
	p->orig_ops = qm->ops;
	if (!p->own_ops || !p->own_w || !p->dup_w)
		return fail(rep, -ENOMEM, "out of memory");
	memcpy(p->own_ops, qm->ops, qm->n_ops * sizeof(*p->own_ops));
	p->own_qm = *qm;
	p->own_qm.ops = p->own_ops;
	p->qm = qm = &p->own_qm;
	if (mapi_simd_choose(p) || mapi_dup_choose(p))
		return fail(rep, -ENOMEM, "out of memory");
	p->offsets = malloc(qm->n_tensors * sizeof(*p->offsets));
	p->replicas = calloc(qm->n_ops, sizeof(*p->replicas));
	if (!p->offsets || !p->replicas)
		return fail(rep, -ENOMEM, "out of memory");
	r = mapi_arena(qm, p->offsets, &p->arena_size);
	if (r)
		return fail(rep, r, r == -ENOMEM ? "out of memory" :
				    "activations need an arena past 4 GiB");
	r = o->objective == CIM_MAP_AREA ? mapi_place(p) : mapi_balance(p);
	if (!r && mapi_dup_set(p, 1))
		r = keep_faster(p, card);
	if (r)
		return fail(rep, r, "out of memory");
	if (!p->n_blocks)
		return fail(rep, -EINVAL,
			    "the model has no FC or CONV op: nothing to put on arrays");
	if (p->n_vtiles > card) {
		if (rep) {
			rep->tiles = p->n_vtiles;
			rep->card_tiles = card;
			snprintf(rep->msg, sizeof(rep->msg),
				 "the model needs %u arrays of %ux%u cells, the card has %u",
				 p->n_vtiles, o->geom.tile_rows, o->geom.tile_cols,
				 card);
		}
		return -ENOSPC;
	}
	layout(p);
	if (p->total > UINT32_MAX || p->total > SIZE_MAX)
		return fail(rep, -EFBIG, "the weight image would pass 4 GiB");
	return 0;
}

void mapi_plan_free(struct mapi_plan *p)
{
	uint32_t i;

	free(p->offsets);
	free(p->replicas);
	free(p->blocks);
	for (i = 0; p->own_w && i < p->own_qm.n_ops; i++)
		free(p->own_w[i]);
	free(p->own_w);
	free(p->dup_w);
	free(p->own_ops);
	memset(p, 0, sizeof(*p));
}

int cim_map_qmodel(const struct cim_qmodel *qm, const struct cim_map_opts *o,
		   void **image, size_t *size, struct cim_map_report *rep)
{
	struct mapi_plan p;
	uint8_t *img;
	int r;

	if (!image || !size)
		return fail(rep, -EINVAL, "no place for the image");
	r = mapi_plan_build(&p, qm, o, rep);
	if (r)
		goto out;
	img = calloc(1, (size_t)p.total);
	if (!img) {
		r = fail(rep, -ENOMEM, "out of memory");
		goto out;
	}
	mapi_emit(&p, img);
	if (rep) {
		r = mapi_report(&p, rep);
		if (r) {
			free(img);
			goto out;
		}
	}
	*image = img;
	*size = (size_t)p.total;
out:
	mapi_plan_free(&p);
	return r;
}
