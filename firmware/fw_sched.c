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
 * pipelined across tiles over the batch.  Within an item bands are placed
 * in the order they can start (fw_sched_wavefront), so rows stream from
 * layer to layer and each timeline fills roughly in time order.  The
 * device time of a RUN is the makespan.
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
static uint64_t fw_res_take(struct fw_sched *sc, struct fw_res *r,
			    uint64_t ready, uint64_t dur)
{
	uint64_t *s = sc->res_s + r->off, *e = sc->res_e + r->off;
	uint64_t at = ready;
	uint32_t i, k;

	if (!dur)
		return ready;
	if (r->n == r->cap) {
		/*
		 * Give up the shortest gap (the earliest of equals): it can
		 * take the least work of what comes next, while the long
		 * gaps an item leaves (its pipeline bubbles) stay open for
		 * the items after it.
		 */
		uint32_t g = 0;

		for (k = 1; k + 1 < r->n; k++)
			if (s[k + 1] - e[k] < s[g + 1] - e[g])
				g = k;
		e[g] = e[g + 1];
		for (k = g + 1; k + 1 < r->n; k++) {
			s[k] = s[k + 1];
			e[k] = e[k + 1];
		}
		r->n--;
	}
	for (i = 0; i < r->n; i++) {
		if (at + dur <= s[i])
			break;
		at = FW_MAX(at, e[i]);
	}
	if (i > 0 && e[i - 1] == at) {
		e[i - 1] = at + dur;
		if (i < r->n && s[i] == e[i - 1]) {
			e[i - 1] = e[i];
			for (k = i; k + 1 < r->n; k++) {
				s[k] = s[k + 1];
				e[k] = e[k + 1];
			}
			r->n--;
		}
		return at;
	}
	if (i < r->n && s[i] == at + dur) {
		s[i] = at;
		return at;
	}
	for (k = r->n; k > i; k--) {
		s[k] = s[k - 1];
		e[k] = e[k - 1];
	}
	s[i] = at;
	e[i] = at + dur;
	r->n++;
	return at;
}

/* FC and CONV run on arrays, but a SIMD CONV on its input's SIMD units. */
static int fw_on_arrays(const struct cim_image_op *op)
{
	return (op->type == CIM_OP_FC || op->type == CIM_OP_CONV) &&
	       !(op->flags & CIM_OPF_SIMD);
}

/*
 * The RUN's timelines: each array and SIMD unit, DMA in and out.  SIMD
 * work only ever lands on the home tiles of the MVM ops' replicas (and
 * on vtile 0, for ops on the host's input), so the SIMD units of the
 * other tiles get the least room (2 intervals) and the pool is shared
 * evenly by the timelines that fill up: more gaps kept open for the
 * items that follow.
 */
#define FW_RES_IDLE	2

static void fw_res_init(struct fw_sched *sc, const uint8_t *plan)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_op *op = cim_image_ops(plan);
	uint32_t n_vtiles = h->n_vtiles, i, r, per, off = 0, n = 1, cap;
	uint8_t simd[CIM_FW_MAX_VTILES];

	memset(simd, 0, n_vtiles);
	simd[0] = 1;
	for (i = 0; i < h->n_ops; i++, op++) {
		if (!fw_on_arrays(op))
			continue;
		per = op->block_count / (op->replicas ? op->replicas : 1);
		for (r = 0; r < op->block_count; r += per) {
			uint32_t vt = cim_image_blocks(plan)[op->block_first +
							      r].vtile;

			n += !simd[vt];
			simd[vt] = 1;
		}
	}
	cap = (CIM_FW_RES_POOL - FW_RES_IDLE * (n_vtiles - n)) /
	      (n_vtiles + n + 2);
	for (i = 0; i < n_vtiles; i++) {
		sc->array[i] = (struct fw_res){ off, cap, 0 };
		off += cap;
		sc->simd[i] = (struct fw_res){ off, simd[i] ? cap : FW_RES_IDLE,
					       0 };
		off += sc->simd[i].cap;
	}
	sc->dma_in = (struct fw_res){ off, cap, 0 };
	sc->dma_out = (struct fw_res){ off + cap, cap, 0 };
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

	fw_res_init(sc, plan);
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
		if (fw_on_arrays(op)) {
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
	default:	/* a per-channel MUL operand has one row */
		return last < in->h ? last : in->h - 1;
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

/*
 * The activity record of the physical tile under vtile vt, or NULL when
 * nothing is to be counted (the naive schedule only costs the work).
 */
static struct cim_tile_stats *fw_tile_stats(struct cim_fw *fw,
					    const struct cim_fw_slot *s,
					    uint32_t vt)
{
	if (fw->sched.dry)
		return NULL;
	return cim_hal_tile_stats(fw->hal, s->map[vt]);
}

static void fw_tele_simd(struct cim_fw *fw, const struct cim_fw_slot *s,
			 uint32_t vt, uint64_t elems, uint64_t ps)
{
	struct cim_tile_stats *ts = fw_tile_stats(fw, s, vt);

	if (ts) {
		ts->simd_ops += elems;
		ts->simd_ns += fw_ps_to_ns(ps);
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
	case CIM_OP_MUL:	/* multiply, then requantize */
		return 2 * out_elems;
	case CIM_OP_EXIT:
		return 2 * cim_tensor_size(in);
	default:
		return out_elems;
	}
}

/*
 * elems of SIMD work, plus mac_ps of a SIMD CONV's multiply-adds, on
 * tile vt from `at`; returns when done.
 */
static uint64_t fw_sched_simd(struct cim_fw *fw, const struct cim_fw_slot *s,
			      uint32_t vt, uint64_t at, uint64_t elems,
			      uint64_t mac_ps)
{
	struct fw_sched *sc = &fw->sched;
	uint64_t w = fw_simd_ps(fw, elems) + mac_ps;

	fw_tele_simd(fw, s, vt, elems, w);
	if (sc->dry) {
		sc->opsimd[vt] += w;
		return at + w;
	}
	return fw_res_take(sc, &sc->simd[vt], at, w) + w;
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
	uint32_t cpw = op->wbits / 4, i, vt, r, home, n;
	/* MVMs: one per pixel, or per run of dup_w pixels of a row */
	uint32_t D = op->dup_w > 1 ? op->dup_w : 1, wq = (out->w + D - 1) / D;
	uint32_t p0 = r0 * wq, p1 = r1 * wq;
	uint64_t done = 0, rdone, at, end, w, macs, elems;
	struct cim_tile_stats *ts;

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
		elems += (uint64_t)n * D * out->c;	/* requantization */
		for (i = 0; i < per; i++) {
			vt = b[i].vtile;
			ts = fw_tile_stats(fw, s, vt);
			macs = (uint64_t)b[i].g_count * b[i].rows * b[i].outs * n;
			if (!sc->dry)
				sc->macs += macs;
			/* each block is one MVM per pixel on its tile */
			if (ts) {
				ts->mvms += n;
				ts->macs += macs;
			}
			if (!sc->work[vt])
				continue;	/* this tile's share is placed */
			w = sc->work[vt] * n;
			sc->work[vt] = 0;
			elems += (uint64_t)sc->psum[vt] * n;
			at = fw_input_at(fw, plan, op, op->in0, r1 - 1, r1 - r0,
					 vt, n, p1 - p0, xfer);
			if (sc->dry) {
				sc->opwork[vt] += w;
				end = at + w;
			} else {
				end = fw_res_take(sc, &sc->array[vt], at, w) + w;
			}
			if (ts)
				ts->busy_ns += fw_ps_to_ns(w);
			if (vt != home) {	/* partial sums to the home */
				w = fw_xfer_ps(fw, 4ull * sc->psum[vt] * n);
				*xfer += w;
				end += w;
			}
			sc->psum[vt] = 0;
			rdone = FW_MAX(rdone, end);
		}
		end = fw_sched_simd(fw, s, home, rdone, elems, 0);
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
	uint32_t p0 = r0 * out->w, p1 = r1 * out->w, Kg = 0;
	uint64_t done = 0, at, at1, mac;

	if (op->type == CIM_OP_CONV)	/* a SIMD CONV: Kg taps an output */
		Kg = op->kernel_h * op->kernel_w * (t[op->in0].c / op->groups);
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
		mac = Kg ? fw_simd_mac_ps(fw, n, out->c, Kg) : 0;
		at = fw_sched_simd(fw, s, vt, at,
				   fw_simd_elems(op, &t[op->in0],
						 (uint64_t)n * out->c), mac);
		done = FW_MAX(done, at);
	}
	return done;
}

/*
 * A global pool (one output pixel over the whole input, no padding)
 * streams: each tile holding input pixels sums (or maxes) their channels
 * as their rows arrive, and the op's home merges the partial vectors at
 * the end.  Integer sums and maxima do not depend on the order, so the
 * card computes fw_op_pool()'s result; what changes is that the pool no
 * longer waits for the whole map to start, nor moves the map to one tile.
 */
static int fw_streams(const uint8_t *plan, const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *in = &t[op->in0], *out = &t[op->out];

	return (op->type == CIM_OP_AVGPOOL || op->type == CIM_OP_MAXPOOL) &&
	       out->h == 1 && out->w == 1 && in->h > 1 &&
	       op->kernel_h == in->h && op->kernel_w == in->w &&
	       !op->pad_top && !op->pad_left && !op->pad_bottom &&
	       !op->pad_right;
}

/* The tile of global pool op's partial vector r (of fw_spread_n()). */
static uint32_t fw_acc_home(const struct fw_sched *sc, const uint8_t *plan,
			    const struct cim_image_op *op, uint32_t R,
			    uint32_t r)
{
	return R == 1 ? sc->home[op->out] :
			fw_spread_home(sc, plan, op->in0, r);
}

/*
 * A global pool sums its input in at most FW_ACC_STEPS runs of rows, each
 * once its last row is ready: few enough SIMD tasks to keep the tiles'
 * timelines (and their gaps) short, each small enough that the merge
 * follows the last input row closely.
 */
#define FW_ACC_STEPS	8

static uint32_t fw_acc_steps(const struct fw_sched *sc,
			     const struct cim_image_tensor *in)
{
	return sc->fine ? FW_MIN(in->h, FW_ACC_STEPS) : 1;
}

/* Last input row of accumulation step j (+ 1). */
static uint32_t fw_acc_row_end(const struct fw_sched *sc,
			       const struct cim_image_tensor *in, uint32_t j)
{
	return (uint32_t)fw_div_u64_u32((uint64_t)(j + 1) * in->h,
					fw_acc_steps(sc, in));
}

/*
 * Step j of global pool op k: its input rows into the partial vectors,
 * one SIMD element operation per input value, in place, once the rows
 * are ready.  Returns when they are summed.
 */
static uint64_t fw_sched_acc(struct cim_fw *fw, const uint8_t *plan,
			     const struct cim_fw_slot *s, uint32_t k,
			     uint32_t j)
{
	const struct cim_image_op *op = &cim_image_ops(plan)[k];
	const struct cim_image_tensor *in = &cim_image_tensors(plan)[op->in0];
	struct fw_sched *sc = &fw->sched;
	uint32_t r0 = j ? fw_acc_row_end(sc, in, j - 1) : 0;
	uint32_t r1 = fw_acc_row_end(sc, in, j);
	uint32_t R = fw_spread_n(sc, plan, op->in0), r, n;
	uint64_t at = fw_row_ready(sc, plan, op->in0, r1 - 1), end, done = at;

	for (r = 0; r < R; r++) {
		n = fw_rep_pix(r0 * in->w, r1 * in->w, R, r);
		if (!n)
			continue;
		end = fw_sched_simd(fw, s, fw_acc_home(sc, plan, op, R, r), at,
				    (uint64_t)n * in->c, 0);
		done = FW_MAX(done, end);
	}
	return done;
}

/*
 * The output of global pool op k, once every input band is summed: the
 * other tiles' partial vectors (4 bytes a channel, in parallel) to the
 * home of the output, which adds them and rounds (one element operation
 * per channel for each merged vector and for the rounding).
 */
static uint64_t fw_sched_merge(struct cim_fw *fw, const uint8_t *plan,
			       const struct cim_fw_slot *s, uint32_t k,
			       uint64_t *xfer)
{
	const struct cim_image_op *op = &cim_image_ops(plan)[k];
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *out = &t[op->out], *in = &t[op->in0];
	struct fw_sched *sc = &fw->sched;
	uint32_t R = fw_spread_n(sc, plan, op->in0), r, m = 0;
	uint32_t home = fw_acc_home(sc, plan, op, R, 0);
	uint64_t at = sc->acc_end[k], x;

	/* the replicas that hold pixels (r < the input's pixel count) */
	for (r = 0; r < R && r < in->h * in->w; r++)
		m += fw_acc_home(sc, plan, op, R, r) != home;
	if (m) {
		x = fw_xfer_ps(fw, 4ull * out->c);
		*xfer += m * x;
		at += x;
	}
	return fw_sched_simd(fw, s, home, at, (uint64_t)(m + 1) * out->c, 0);
}

/* One band of op k: rows [r0, r1) of its output; returns when done. */
static uint64_t fw_sched_band(struct cim_fw *fw, const uint8_t *plan,
			      const struct cim_fw_slot *s, uint32_t k,
			      uint32_t band, uint64_t *xfer)
{
	const struct cim_image_op *op = &cim_image_ops(plan)[k];
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	const struct fw_sched *sc = &fw->sched;
	uint32_t r0 = sc->fine ? band : 0, r1 = sc->fine ? band + 1 : out->h;

	if (fw_on_arrays(op))
		return fw_sched_mvm(fw, plan, s, op, r0, r1, xfer);
	if (fw_streams(plan, op))
		return fw_sched_merge(fw, plan, s, k, xfer);
	return fw_sched_digital(fw, plan, s, op, r0, r1, xfer);
}

/*
 * The naive schedule of one item, one layer at a time: each op's bands
 * are costed without timelines (sc->dry), its tiles' work in parallel,
 * then its SIMD work, then its transfers.
 */
static void fw_sched_naive(struct cim_fw *fw, const uint8_t *plan,
			   const struct cim_fw_slot *s, uint32_t n_run)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_op *op = cim_image_ops(plan);
	struct fw_sched *sc = &fw->sched;
	uint64_t xfer, most, simd;
	uint32_t k, band, i;

	sc->dry = 1;
	for (k = 0; k < n_run; k++) {
		xfer = most = simd = 0;
		if (fw_streams(plan, &op[k]))
			for (band = 0; band < fw_acc_steps(sc, &t[op[k].in0]);
			     band++)
				fw_sched_acc(fw, plan, s, k, band);
		for (band = 0; band < fw_bands(sc, &t[op[k].out]); band++)
			fw_sched_band(fw, plan, s, k, band, &xfer);
		for (i = 0; i < h->n_vtiles; i++) {
			most = FW_MAX(most, sc->opwork[i]);
			simd = FW_MAX(simd, sc->opsimd[i]);
			sc->opwork[i] = 0;
			sc->opsimd[i] = 0;
		}
		sc->naive_ps += most + simd + xfer;
	}
	sc->dry = 0;
}

/* Rows of tensor t placed so far in this item. */
static uint32_t fw_rows_placed(const struct fw_sched *sc, const uint8_t *plan,
			       uint32_t t)
{
	const struct cim_image_tensor *tt = &cim_image_tensors(plan)[t];

	if (!t)
		return tt->h;
	if (!sc->fine)
		return sc->next[t - 1] ? tt->h : 0;
	return sc->next[t - 1];
}

/*
 * When the next band of op k could start: the latest of its inputs'
 * needed rows, or FW_NOT_READY when one of those rows is not placed yet.
 */
#define FW_NOT_READY	(~0ull)
static uint64_t fw_band_ready(const struct fw_sched *sc, const uint8_t *plan,
			      uint32_t k)
{
	const struct cim_image_op *op = &cim_image_ops(plan)[k];
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	uint32_t last = sc->fine ? sc->next[k] : t[op->out].h - 1;
	uint32_t in[2] = { op->in0, op->in1 }, i, need;
	uint64_t at = 0;

	if (fw_streams(plan, op)) {	/* its next input band, or the merge */
		if (sc->acc[k] == fw_acc_steps(sc, &t[op->in0]))
			return sc->acc_end[k];
		need = fw_acc_row_end(sc, &t[op->in0], sc->acc[k]) - 1;
		if (need >= fw_rows_placed(sc, plan, op->in0))
			return FW_NOT_READY;
		return fw_row_ready(sc, plan, op->in0, need);
	}
	for (i = 0; i < 2; i++) {
		if (in[i] == CIM_TENSOR_NONE)
			continue;
		need = fw_need_row(op, &t[in[i]], last);
		if (need >= fw_rows_placed(sc, plan, in[i]))
			return FW_NOT_READY;
		at = FW_MAX(at, fw_row_ready(sc, plan, in[i], need));
	}
	return at;
}

/*
 * Place one item's bands in the order they can start: of the ops whose
 * next band has its input rows placed, the one whose input is ready
 * first.  Each timeline is then filled roughly in time order, so the
 * few gaps it keeps are the recent ones later work can still use.
 */
static void fw_sched_wavefront(struct cim_fw *fw, const uint8_t *plan,
			       const struct cim_fw_slot *s, uint32_t n_run)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_op *op = cim_image_ops(plan);
	struct fw_sched *sc = &fw->sched;
	uint64_t at, best, xfer = 0, *ready;
	uint32_t k, pick, first = 0;

	memset(sc->next, 0, n_run * sizeof(sc->next[0]));
	memset(sc->acc, 0, n_run * sizeof(sc->acc[0]));
	memset(sc->acc_end, 0, n_run * sizeof(sc->acc_end[0]));
	for (;;) {
		best = FW_NOT_READY;
		pick = n_run;
		while (first < n_run &&
		       sc->next[first] == fw_bands(sc, &t[op[first].out]))
			first++;
		for (k = first; k < n_run; k++) {
			if (sc->next[k] == fw_bands(sc, &t[op[k].out]))
				continue;
			at = fw_band_ready(sc, plan, k);
			if (at < best) {
				best = at;
				pick = k;
			}
		}
		if (pick == n_run)
			return;	/* every band placed */
		if (fw_streams(plan, &op[pick]) &&
		    sc->acc[pick] < fw_acc_steps(sc, &t[op[pick].in0])) {
			at = fw_sched_acc(fw, plan, s, pick, sc->acc[pick]++);
			sc->acc_end[pick] = FW_MAX(sc->acc_end[pick], at);
			continue;
		}
		ready = &sc->ready[sc->band0[op[pick].out]];
		at = fw_sched_band(fw, plan, s, pick, sc->next[pick], &xfer);
		/* rows are ready in order: a running max */
		if (sc->next[pick])
			at = FW_MAX(at, ready[sc->next[pick] - 1]);
		ready[sc->next[pick]++] = at;
	}
}

void fw_sched_item(struct cim_fw *fw, const uint8_t *plan,
		   const struct cim_fw_slot *s, uint32_t n_run,
		   uint32_t result, uint64_t in_ns, uint64_t out_ns)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	struct fw_sched *sc = &fw->sched;
	uint64_t in_ps = in_ns * 1000, out_ps = out_ns * 1000, at;
	uint32_t i;

	fw_sched_naive(fw, plan, s, n_run);
	at = fw_res_take(sc, &sc->dma_in, 0, in_ps) + in_ps;
	for (i = 0; i < fw_bands(sc, &t[0]); i++)
		sc->ready[sc->band0[0] + i] = at;
	fw_sched_wavefront(fw, plan, s, n_run);
	at = fw_row_ready(sc, plan, result, t[result].h - 1);
	at = fw_res_take(sc, &sc->dma_out, at, out_ps) + out_ps;
	sc->makespan = FW_MAX(sc->makespan, fw_ps_to_ns(at));
	sc->naive_ps += in_ps + out_ps;
}
