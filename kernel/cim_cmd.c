// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The driver's own card commands (READ_WEAR, READ_SLOT, UNLOAD): pushed
 * straight onto the submission ring, outside drm_sched, and waited for.
 * drm_sched leaves one ring entry free for them and cmd_lock keeps it to
 * one at a time, so they can be issued while jobs run.
 */
#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>

#include "cim_drv.h"

#define CIM_CMD_TIMEOUT_MS	2000

/* Card-readable buffer: an SG table of one entry, then the payload. */
struct cim_cmd_buf {
	void *cpu;
	dma_addr_t dma;
	size_t bytes;
};

#define CIM_CMD_PAYLOAD_AT	64

static int cim_cmd_exec(struct cim_device *cdev, struct cim_desc *desc,
			bool *card_may_write)
{
	struct cim_job *job;
	unsigned long flags;
	long left;
	int ret;

	*card_may_write = false;
	job = cim_job_alloc(cdev, desc->opcode);
	if (IS_ERR(job))
		return PTR_ERR(job);
	job->done = cim_fence_create(cdev);
	if (!job->done) {
		cim_job_put(job);
		return -ENOMEM;
	}
	mutex_lock(&cdev->cmd_lock);
	ret = cim_hw_push(cdev, job, desc);
	if (ret) {
		mutex_unlock(&cdev->cmd_lock);
		cim_job_put(job);
		return ret;
	}
	/* A long command (CALIBRATE) runs on while the card counts work. */
	do {
		left = dma_fence_wait_timeout(job->done, false,
					      msecs_to_jiffies(CIM_CMD_TIMEOUT_MS));
	} while (left == 0 && cim_card_progressed(cdev));
	if (left <= 0) {
		spin_lock_irqsave(&cdev->ring_lock, flags);
		if (!list_empty(&job->node)) {
			/* Still on the card: it may yet write our buffer. */
			list_del_init(&job->node);
			*card_may_write = true;
		}
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
	}
	mutex_unlock(&cdev->cmd_lock);
	if (*card_may_write) {
		dev_err(cdev->dev, "card command %u timed out\n", desc->opcode);
		ret = -ETIMEDOUT;
	} else {
		ret = job->done->error;
		if (!ret)
			ret = cim_status_errno(job->hw_status);
	}
	cim_job_put(job);
	return ret;
}

/*
 * desc with, in one card-readable buffer, an SG table of one entry, the
 * tile map (n entries, none if 0), then len bytes the card writes into
 * out (len 0: none).
 */
static int cim_card_cmd_buf(struct cim_device *cdev, struct cim_desc *desc,
			    const u16 *map, u32 n, void *out, u32 len)
{
	u32 map_at = CIM_CMD_PAYLOAD_AT;
	u32 out_at = map_at + ALIGN(n * sizeof(*map), 64);
	struct cim_cmd_buf b = { .bytes = out_at + len };
	struct cim_sg_entry *sg;
	bool busy;
	int ret;

	b.cpu = dma_alloc_coherent(cdev->dev, b.bytes, &b.dma, GFP_KERNEL);
	if (!b.cpu)
		return -ENOMEM;
	if (n) {
		memcpy(b.cpu + map_at, map, n * sizeof(*map));
		desc->map_addr = b.dma + map_at;
		desc->map_count = n;
	}
	if (len) {
		sg = b.cpu;
		sg->addr = b.dma + out_at;
		sg->len = len;
		sg->reserved = 0;
		desc->dst.sg_addr = b.dma;
		desc->dst.sg_count = 1;
		desc->dst.length = len;
	}
	ret = cim_cmd_exec(cdev, desc, &busy);
	if (busy)
		return ret;	/* leak the buffer rather than let the card scribble */
	if (!ret && len)
		memcpy(out, b.cpu + out_at, len);
	dma_free_coherent(cdev->dev, b.bytes, b.cpu, b.dma);
	return ret;
}

int cim_card_read(struct cim_device *cdev, u32 opcode, u32 slot, void *out,
		  u32 len)
{
	struct cim_desc desc = {
		.opcode = opcode,
		.slot = slot,
	};

	return cim_card_cmd_buf(cdev, &desc, NULL, 0, out, len);
}

int cim_card_unload(struct cim_device *cdev, u32 slot)
{
	struct cim_desc desc = {
		.opcode = CIM_OPC_UNLOAD,
		.slot = slot,
	};
	bool busy;

	return cim_cmd_exec(cdev, &desc, &busy);
}

/* A command that moves no data (e.g. CALIBRATE of every programmed tile). */
int cim_card_cmd(struct cim_device *cdev, struct cim_desc *desc)
{
	bool busy;

	return cim_cmd_exec(cdev, desc, &busy);
}

/*
 * A command on a list of tiles (CALIBRATE, CALIB_REPORT): the map, then
 * len bytes the card writes into out (len 0: none).
 */
int cim_card_tiles_cmd(struct cim_device *cdev, u32 opcode, const u16 *map,
		       u32 n, void *out, u32 len)
{
	struct cim_desc desc = { .opcode = opcode };

	return cim_card_cmd_buf(cdev, &desc, map, n, out, len);
}
