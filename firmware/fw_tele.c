// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Telemetry: counters per job, kept by the firmware since its reset, and
 * the TELEMETRY descriptor that DMA-writes a snapshot (struct
 * cim_telemetry, then struct cim_tile_telemetry per tile) into a host
 * buffer.  The tile records are the platform's activity records
 * (cim_hal_tile_stats()) and wear table: they count since power-on.
 */
#include "fw_internal.h"
#include "fw_string.h"

void fw_tele_job(struct cim_fw *fw, const struct cim_desc *d,
		 const struct cim_cpl *c)
{
	struct cim_telemetry *t = &fw->tele;

	t->jobs++;
	t->device_ns += c->device_time_ns;
	t->queue_ns += fw->last_queue_ns;
	if (d->opcode == CIM_OPC_RUN) {
		t->last_device_ns = c->device_time_ns;
		t->last_queue_ns = fw->last_queue_ns;
		if (c->status == CIM_ST_OK)
			t->run_jobs++;
	}
}

/* One tile's record as the host sees it. */
static void fw_tile_record(struct cim_fw *fw, uint32_t tile,
			   struct cim_tile_telemetry *r)
{
	const struct cim_tile_stats *ts = cim_hal_tile_stats(fw->hal, tile);

	memset(r, 0, sizeof(*r));
	if (ts) {
		r->busy_ns = ts->busy_ns;
		r->simd_ns = ts->simd_ns;
		r->mvms = ts->mvms;
		r->macs = ts->macs;
		r->simd_ops = ts->simd_ops;
		r->program_pulses = ts->program_pulses;
	}
	r->pe_cycles = cim_hal_tile_pe(fw->hal, tile);
}

uint32_t fw_telemetry(struct cim_fw *fw, const struct cim_desc *d)
{
	struct cim_tile_telemetry *rec = (void *)fw->chunk;
	const uint32_t per = sizeof(fw->chunk) / sizeof(*rec);
	struct cim_telemetry *t = &fw->tele;
	struct fw_sg_cursor cur;
	uint32_t tile, n, i;
	uint64_t room;

	if (d->slot || d->batch || !d->dst.sg_count ||
	    d->dst.length < sizeof(*t))
		return CIM_ST_BAD_DESC;
	room = fw_div_u64_u32(d->dst.length - sizeof(*t), sizeof(*rec));

	t->version = CIM_TELEMETRY_VERSION;
	t->header_size = sizeof(*t);
	t->tile_size = sizeof(*rec);
	t->n_tiles = (uint32_t)FW_MIN((uint64_t)FW_MIN(fw->p.tiles,
						      CIM_FW_MAX_TILES), room);
	t->clock_ns = cim_hal_clock_now(fw->hal);
	t->sched_naive = fw->p.sched_naive;
	fw_sg_open(&cur, &d->dst);
	if (fw_sg_write(fw, &cur, 0, t, sizeof(*t)))
		return CIM_ST_DMA_ERROR;
	for (tile = 0; tile < t->n_tiles; tile += n) {
		n = FW_MIN(per, t->n_tiles - tile);
		for (i = 0; i < n; i++)
			fw_tile_record(fw, tile + i, &rec[i]);
		if (fw_sg_write(fw, &cur, sizeof(*t) +
				(uint64_t)tile * sizeof(*rec), rec,
				n * (uint32_t)sizeof(*rec)))
			return CIM_ST_DMA_ERROR;
	}
	return CIM_ST_OK;
}
