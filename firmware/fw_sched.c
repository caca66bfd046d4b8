// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The tile scheduler: where each piece of a RUN's work happens in
 * modeled time.  Weights are stationary, so an op always runs on the
 * tiles its blocks sit on; what the scheduler decides is when.
 *
 * Resources, each a timeline of busy intervals: the array and the SIMD
 * unit of every virtual tile of the image, and the host DMA engine in
 * each direction.  An op of an item runs band by band (a band is one
 * output row when the plan's rows fit the band table, else the whole
 * tensor): a band starts on each of the op's tiles when the input rows
 * it needs are ready (moved from the producing tile when that is
 * another one) and the tile has a free gap long enough; its partial
 * sums then go to the op's home tile, whose SIMD unit adds them and
 * requantizes.  Items are placed one after the other, so item i + 1
 * flows into the first layers while item i is in the last ones: layers
 * pipelined across tiles over the batch, and within an item rows stream
 * from layer to layer.  The device time of a RUN is the makespan.
 *
 * The naive schedule (one layer at a time: an op's tiles work in
 * parallel, nothing else overlaps) is computed alongside for comparison
 * and charged instead when the card parameter sched_naive is set.
 *
 * Times here are picoseconds from the start of the RUN.
 */
#include "fw_internal.h"
#include "fw_string.h"

#define FW_HOME_HOST	0xffff	/* tensor 0 comes from the host */

/* Earliest start >= ready of a dur-long gap; the gap becomes busy. */
static uint64_t fw_res_take(struct fw_res *r, uint64_t ready, uint64_t dur)
{
	uint64_t at = ready;
	uint32_t i, k;

	if (!dur)
		return ready;
	if (r->n == CIM_FW_RES_SLOTS) {
		/* give up the shortest gap: least of use to later work */
		for (i = 1, k = 0; i + 1 < r->n; i++)
			if (r->s[i + 1] - r->e[i] < r->s[k + 1] - r->e[k])
				k = i;
		r->e[k] = r->e[k + 1];
		for (k++; k + 1 < r->n; k++) {
			r->s[k] = r->s[k + 1];
			r->e[k] = r->e[k + 1];
		}
		r->n--;
	}
	for (i = 0; i < r->n; i++) {
		if (at + dur <= r->s[i])
			break;
		at = FW_MAX(at, r->e[i]);
	}
	if (i > 0 && r->e[i - 1] == at) {
		r->e[i - 1] = at + dur;
		if (i < r->n && r->s[i] == r->e[i - 1]) {
			r->e[i - 1] = r->e[i];
			for (k = i; k + 1 < r->n; k++) {
				r->s[k] = r->s[k + 1];
				r->e[k] = r->e[k + 1];
			}
			r->n--;
		}
		return at;
	}
	if (i < r->n && r->s[i] == at + dur) {
		r->s[i] = at;
		return at;
	}
	for (k = r->n; k > i; k--) {
		r->s[k] = r->s[k - 1];
		r->e[k] = r->e[k - 1];
	}
	r->s[i] = at;
	r->e[i] = at + dur;
	r->n++;
	return at;
}

static uint32_t fw_bands(const struct fw_sched *sc,
			 const struct cim_image_tensor *t)
{
	return sc->fine ? t->h : 1;
}

/* When row `row` of tensor t is ready. */
static uint64_t fw_row_ready(const struct fw_sched *sc, const uint8_t *plan,
			     uint32_t t, uint32_t row)
{
	const struct cim_image_tensor *tt = &cim_image_tensors(plan)[t];

	if (row >= tt->h)
		row = tt->h - 1;
	return sc->ready[sc->band0[t] + (sc->fine ? row : 0)];
}

void fw_sched_begin(struct cim_fw *fw, const uint8_t *plan)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_op *op = cim_image_ops(plan);
	struct fw_sched *sc = &fw->sched;
	uint64_t rows = 0;
	uint32_t i, in0;

	memset(sc->array, 0, h->n_vtiles * sizeof(sc->array[0]));
	memset(sc->simd, 0, h->n_vtiles * sizeof(sc->simd[0]));
	memset(&sc->dma_in, 0, sizeof(sc->dma_in));
	memset(&sc->dma_out, 0, sizeof(sc->dma_out));
	memset(sc->work, 0, h->n_vtiles * sizeof(sc->work[0]));
	memset(sc->opwork, 0, h->n_vtiles * sizeof(sc->opwork[0]));
	memset(sc->opsimd, 0, h->n_vtiles * sizeof(sc->opsimd[0]));
	memset(sc->psum, 0, h->n_vtiles * sizeof(sc->psum[0]));
	sc->makespan = 0;
	sc->naive_ps = 0;
	sc->macs = 0;
	sc->n_tensors = h->n_tensors;
	for (i = 0; i < h->n_tensors; i++)
		rows += t[i].h;
	sc->fine = rows <= CIM_FW_MAX_BANDS;
	rows = 0;
	for (i = 0; i < h->n_tensors; i++) {
		sc->band0[i] = (uint32_t)rows;
		rows += fw_bands(sc, &t[i]);
	}

	sc->home[0] = FW_HOME_HOST;
	sc->src[0] = FW_HOME_HOST;
	for (i = 0; i < h->n_ops; i++, op++) {
		in0 = sc->home[op->in0];
		if (op->type == CIM_OP_FC || op->type == CIM_OP_CONV) {
			sc->home[i + 1] = (uint16_t)
				cim_image_blocks(plan)[op->block_first].vtile;
			sc->src[i + 1] = (uint16_t)i;
		} else {
			sc->home[i + 1] = in0 == FW_HOME_HOST ? 0 : in0;
			sc->src[i + 1] = op->type == CIM_OP_EXIT ?
					 FW_HOME_HOST : sc->src[op->in0];
		}
	}
}

static uint64_t fw_ps_to_ns(uint64_t ps)
{
	return fw_div_u64_u32(ps + 999, 1000);
}

static uint32_t fw_op_replicas(const struct cim_image_op *op)
{
	return op->replicas ? op->replicas : 1;
}

/* Pixels p in [p0, p1) with p % R == r. */
static uint32_t fw_rep_pix(uint32_t p0, uint32_t p1, uint32_t R, uint32_t r)
{
	return (p1 + R - 1 - r) / R - (p0 + R - 1 - r) / R;
}

/*
 * Where tensor t lives: spread over the R replica homes of the MVM op
 * that made it (SIMD ops compute in place, on their input's homes), or
 * on one tile.  Pixel p of the tensor is on home p % R.
 */
static uint32_t fw_spread_n(const struct fw_sched *sc, const uint8_t *plan,
			    uint32_t t)
{
	if (sc->src[t] == FW_HOME_HOST)
		return 1;
	return fw_op_replicas(&cim_image_ops(plan)[sc->src[t]]);
}

static uint32_t fw_spread_home(const struct fw_sched *sc, const uint8_t *plan,
			       uint32_t t, uint32_t r)
{
	const struct cim_image_op *op;

	if (sc->src[t] == FW_HOME_HOST)
		return sc->home[t] == FW_HOME_HOST ? 0 : sc->home[t];
	op = &cim_image_ops(plan)[sc->src[t]];
	return cim_image_blocks(plan)[op->block_first + r *
				      (op->block_count / fw_op_replicas(op))].vtile;
}

/* Last input row an output band ending at row `last` needs. */
static uint32_t fw_need_row(const struct cim_image_op *op,
			    const struct cim_image_tensor *in, uint32_t last)
{
	int64_t r;

	switch (op->type) {
	case CIM_OP_CONV:
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		r = (int64_t)last * op->stride_h - op->pad_top +
		    (int64_t)(op->kernel_h - 1) * op->dil_h;
		if (r < 0)
			r = 0;
		return r >= in->h ? in->h - 1 : (uint32_t)r;
	case CIM_OP_FC:
	case CIM_OP_EXIT:
		return in->h - 1;
	default:
		return last;
	}
}

/*
 * When input t's rows for the band are on tile `to`, which works on
 * share / of the band's pixels: that share of the band's input, less
 * the part `to` holds itself (t's pixels on it), crosses from the
 * producing tiles.
 */
static uint64_t fw_input_at(struct cim_fw *fw, const uint8_t *plan,
			    const struct cim_image_op *op, uint32_t t,
			    uint32_t last, uint32_t band_rows, uint32_t to,
			    uint32_t share, uint32_t of, uint64_t *xfer)
{
	const struct cim_image_tensor *in = &cim_image_tensors(plan)[t];
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	const struct fw_sched *sc = &fw->sched;
	uint64_t at = fw_row_ready(sc, plan, t, fw_need_row(op, in, last));
	uint32_t R = fw_spread_n(sc, plan, t), m = 0, r;
	uint64_t bytes, x;

	if (sc->src[t] == FW_HOME_HOST)
		m = sc->home[t] == to;
	else
		for (r = 0; r < R; r++)
			m += fw_spread_home(sc, plan, t, r) == to;
	if (m == R)
		return at;
	bytes = fw_div_u64_u32(cim_tensor_size(in) * band_rows, out->h);
	bytes = fw_div_u64_u32(bytes * share, of ? of : 1);
	bytes = fw_div_u64_u32(bytes * (R - m), R);
	x = fw_xfer_ps(fw, bytes);
	*xfer += x;
	return at + x;
}

static void fw_tele_simd(struct cim_fw *fw, const struct cim_fw_slot *s,
			 uint32_t vt, uint64_t elems, uint64_t ps)
{
	uint32_t pt = s->map[vt];

	if (pt < CIM_FW_MAX_TILES) {
		fw->tile_tele[pt].simd_ops += elems;
		fw->tile_tele[pt].simd_ns += fw_ps_to_ns(ps);
	}
}

/* SIMD element operations of one output band of a non-MVM op. */
static uint64_t fw_simd_elems(const struct cim_image_op *op,
			      const struct cim_image_tensor *in,
			      uint64_t out_elems)
{
	switch (op->type) {
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		return out_elems * op->kernel_h * op->kernel_w;
	case CIM_OP_ADD:
		return 3 * out_elems;
	case CIM_OP_EXIT:
		return 2 * cim_tensor_size(in);
	default:
		return out_elems;
	}
}

/* elems of SIMD work on tile vt from `at`; returns when done. */
static uint64_t fw_sched_simd(struct cim_fw *fw, const struct cim_fw_slot *s,
			      uint32_t vt, uint64_t at, uint64_t elems)
{
	struct fw_sched *sc = &fw->sched;
	uint64_t w = fw_simd_ps(fw, elems);

	fw_tele_simd(fw, s, vt, elems, w);
	sc->opsimd[vt] += w;
	return fw_res_take(&sc->simd[vt], at, w) + w;
}

/*
 * One band of an FC/CONV op: each replica's share of the band's pixels
 * on the replica's tiles (MVMs of one tile one after the other), its
 * partial sums to the replica's home tile (that of its first block),
 * whose SIMD unit adds them and requantizes.  Returns when all are done.
 */
static uint64_t fw_sched_mvm(struct cim_fw *fw, const uint8_t *plan,
			     const struct cim_fw_slot *s,
			     const struct cim_image_op *op, uint32_t r0,
			     uint32_t r1, uint64_t *xfer)
{
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	const struct cim_image_block *b;
	struct fw_sched *sc = &fw->sched;
	uint32_t R = fw_op_replicas(op), per = op->block_count / R;
	uint32_t cpw = op->wbits / 4, i, vt, pt, r, home, n;
	uint32_t p0 = r0 * out->w, p1 = r1 * out->w;
	uint64_t done = 0, rdone, at, end, w, macs, elems;

	for (r = 0; r < R; r++) {
		n = fw_rep_pix(p0, p1, R, r);
		if (!n)
			continue;
		b = &cim_image_blocks(plan)[op->block_first + r * per];
		home = b[0].vtile;
		elems = 0;
		for (i = 0; i < per; i++) {
			/*
			 * Offset drive (fw_exec.c): one multiply-add per output
			 * of each block adds zp times its weight column sum.
			 */
			if (op->in0_zp)
				elems += (uint64_t)b[i].g_count * b[i].outs * n;
			sc->work[b[i].vtile] += fw_mvm_ps(fw,
				b[i].g_count * b[i].rows,
				b[i].g_count * b[i].outs * cpw);
			sc->psum[b[i].vtile] += b[i].g_count * b[i].outs;
		}
		rdone = 0;
		elems += (uint64_t)n * out->c;	/* requantization */
		for (i = 0; i < per; i++) {
			vt = b[i].vtile;
			pt = s->map[vt];
			macs = (uint64_t)b[i].g_count * b[i].rows * b[i].outs * n;
			sc->macs += macs;
			if (pt < CIM_FW_MAX_TILES) {
				fw->tile_tele[pt].mvms += n;
				fw->mvm_count += n;	/* fw_telemetry.c */
				fw->tile_tele[pt].macs += macs;
			}
			if (!sc->work[vt])
				continue;	/* this tile's share is placed */
			w = sc->work[vt] * n;
			sc->work[vt] = 0;
			sc->opwork[vt] += w;
			elems += (uint64_t)sc->psum[vt] * n;
			at = fw_input_at(fw, plan, op, op->in0, r1 - 1, r1 - r0,
					 vt, n, p1 - p0, xfer);
			end = fw_res_take(&sc->array[vt], at, w) + w;
			if (pt < CIM_FW_MAX_TILES)
				fw->tile_tele[pt].busy_ns += fw_ps_to_ns(w);
			if (vt != home) {	/* partial sums to the home */
				w = fw_xfer_ps(fw, 4ull * sc->psum[vt] * n);
				*xfer += w;
				end += w;
			}
			sc->psum[vt] = 0;
			rdone = FW_MAX(rdone, end);
		}
		end = fw_sched_simd(fw, s, home, rdone, elems);
		done = FW_MAX(done, end);
	}
	return done;
}

/*
 * One band of a SIMD op: computed in place on the tiles its input is
 * spread over, each taking the band's pixels it holds.
 */
static uint64_t fw_sched_digital(struct cim_fw *fw, const uint8_t *plan,
				 const struct cim_fw_slot *s,
				 const struct cim_image_op *op, uint32_t r0,
				 uint32_t r1, uint64_t *xfer)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *out = &t[op->out];
	struct fw_sched *sc = &fw->sched;
	uint32_t R = fw_spread_n(sc, plan, op->out), r, n, vt;
	uint32_t p0 = r0 * out->w, p1 = r1 * out->w;
	uint64_t done = 0, at, at1;

	for (r = 0; r < R; r++) {
		n = R == 1 ? p1 - p0 : fw_rep_pix(p0, p1, R, r);
		if (!n)
			continue;
		vt = R == 1 ? sc->home[op->out] :
			      fw_spread_home(sc, plan, op->out, r);
		at = fw_input_at(fw, plan, op, op->in0, r1 - 1, r1 - r0, vt,
				 n, p1 - p0, xfer);
		if (op->in1 != CIM_TENSOR_NONE) {
			/* not inside FW_MAX: that would charge it twice */
			at1 = fw_input_at(fw, plan, op, op->in1, r1 - 1,
					  r1 - r0, vt, n, p1 - p0, xfer);
			at = FW_MAX(at, at1);
		}
		at = fw_sched_simd(fw, s, vt, at,
				   fw_simd_elems(op, &t[op->in0],
						 (uint64_t)n * out->c));
		done = FW_MAX(done, at);
	}
	return done;
}

static void fw_sched_op(struct cim_fw *fw, const uint8_t *plan,
			const struct cim_fw_slot *s, uint32_t k)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_op *op = &cim_image_ops(plan)[k];
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	struct fw_sched *sc = &fw->sched;
	uint32_t nb = fw_bands(sc, out), band, r0, r1, i;
	uint64_t *ready = &sc->ready[sc->band0[op->out]];
	uint64_t at, xfer = 0, most = 0, simd = 0, prev = 0;

	for (band = 0; band < nb; band++) {
		r0 = sc->fine ? band : 0;
		r1 = sc->fine ? band + 1 : out->h;
		if (op->type == CIM_OP_FC || op->type == CIM_OP_CONV)
			at = fw_sched_mvm(fw, plan, s, op, r0, r1, &xfer);
		else
			at = fw_sched_digital(fw, plan, s, op, r0, r1, &xfer);
		prev = FW_MAX(prev, at);
		ready[band] = prev;
	}

	/* one layer at a time: the op's tiles in parallel, then SIMD */
	for (i = 0; i < h->n_vtiles; i++) {
		most = FW_MAX(most, sc->opwork[i]);
		simd = FW_MAX(simd, sc->opsimd[i]);
		sc->opwork[i] = 0;
		sc->opsimd[i] = 0;
	}
	sc->naive_ps += most + simd + xfer;
}

void fw_sched_item(struct cim_fw *fw, const uint8_t *plan,
		   const struct cim_fw_slot *s, uint32_t n_run,
		   uint32_t result, uint64_t in_ns, uint64_t out_ns)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	struct fw_sched *sc = &fw->sched;
	uint64_t in_ps = in_ns * 1000, out_ps = out_ns * 1000, at;
	uint32_t i, k;

	at = fw_res_take(&sc->dma_in, 0, in_ps) + in_ps;
	for (i = 0; i < fw_bands(sc, &t[0]); i++)
		sc->ready[sc->band0[0] + i] = at;
	for (k = 0; k < n_run; k++)
		fw_sched_op(fw, plan, s, k);
	at = fw_row_ready(sc, plan, result, t[result].h - 1);
	at = fw_res_take(&sc->dma_out, at, out_ps) + out_ps;
	sc->makespan = FW_MAX(sc->makespan, fw_ps_to_ns(at));
	sc->naive_ps += in_ps + out_ps;
}
