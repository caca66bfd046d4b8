// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Telemetry: counters per job and per physical tile, kept by the
 * firmware since its reset, and the TELEMETRY descriptor that DMA-writes
 * a snapshot (struct cim_telemetry, then struct cim_tile_telemetry per
 * tile) into a host buffer.
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

uint32_t fw_telemetry(struct cim_fw *fw, const struct cim_desc *d)
{
	struct cim_telemetry *t = &fw->tele;
	struct fw_sg_cursor cur;
	uint64_t room, n;

	if (d->slot || d->batch || !d->dst.sg_count ||
	    d->dst.length < sizeof(*t))
		return CIM_ST_BAD_DESC;
	room = fw_div_u64_u32(d->dst.length - sizeof(*t),
			      sizeof(struct cim_tile_telemetry));
	n = FW_MIN((uint64_t)FW_MIN(fw->p.tiles, CIM_FW_MAX_TILES), room);

	t->version = CIM_TELEMETRY_VERSION;
	t->header_size = sizeof(*t);
	t->tile_size = sizeof(struct cim_tile_telemetry);
	t->n_tiles = (uint32_t)n;
	t->clock_ns = cim_hal_clock_now(fw->hal);
	t->sched_naive = fw->p.sched_naive;
	fw_sg_open(&cur, &d->dst);
	if (fw_sg_write(fw, &cur, 0, t, sizeof(*t)) ||
	    fw_sg_write(fw, &cur, sizeof(*t), fw->tile_tele,
			(uint32_t)n * sizeof(struct cim_tile_telemetry)))
		return CIM_ST_DMA_ERROR;
	return CIM_ST_OK;
}
