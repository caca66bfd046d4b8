// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The card as the host sees it: register file, boot handshake, the
 * submission and completion rings in host memory, and the interrupt.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <drm/drm_drv.h>

#include "cim_drv.h"

static u32 cim_rd(struct cim_device *cdev, u32 reg)
{
	u32 val = 0;

	regmap_read(cdev->regs, reg, &val);
	return val;
}

static void cim_wr(struct cim_device *cdev, u32 reg, u32 val)
{
	regmap_write(cdev->regs, reg, val);
}

static int cim_wait_status(struct cim_device *cdev, u32 want)
{
	u32 status;
	int ret;

	ret = regmap_read_poll_timeout(cdev->regs, CIM_REG_STATUS, status,
				       status & (want | CIM_STATUS_ERROR),
				       200, CIM_BOOT_TIMEOUT_MS * 1000);
	if (ret) {
		dev_err(cdev->dev, "card did not reach status %#x (status %#x)\n",
			want, status);
		return ret;
	}
	if (status & CIM_STATUS_ERROR) {
		dev_err(cdev->dev, "card firmware error %u\n",
			cim_rd(cdev, CIM_REG_FW_ERROR));
		return -EIO;
	}
	return 0;
}

static void cim_read_info(struct cim_device *cdev)
{
	struct cim_card_info *i = &cdev->info;

	i->hw_id = cim_rd(cdev, CIM_REG_ID);
	i->hw_version = cim_rd(cdev, CIM_REG_HW_VERSION);
	i->tiles = cim_rd(cdev, CIM_REG_TILES);
	i->tile_rows = cim_rd(cdev, CIM_REG_TILE_ROWS);
	i->tile_cols = cim_rd(cdev, CIM_REG_TILE_COLS);
	i->cell_bits = cim_rd(cdev, CIM_REG_CELL_BITS);
	i->adc_bits = cim_rd(cdev, CIM_REG_ADC_BITS);
	i->act_bits = cim_rd(cdev, CIM_REG_ACT_BITS);
	i->max_vector = cim_rd(cdev, CIM_REG_MAX_VECTOR);
	i->max_images = cim_rd(cdev, CIM_REG_MAX_IMAGES);
	i->plan_bytes = cim_rd(cdev, CIM_REG_PLAN_BYTES);
	i->arena_bytes = cim_rd(cdev, CIM_REG_ARENA_BYTES);
}

/*
 * Stop the rings without a reset: with CTRL_ENABLE clear the firmware
 * finishes what it holds, stops touching host memory and goes back to
 * BOOTING, keeping its image slots.  Fails if it does not get there.
 */
static int cim_hw_quiesce(struct cim_device *cdev)
{
	u32 status;

	cim_wr(cdev, CIM_REG_IRQ_MASK, 0);
	cim_wr(cdev, CIM_REG_CTRL, 0);
	return regmap_read_poll_timeout(cdev->regs, CIM_REG_STATUS, status,
					status == CIM_STATUS_BOOTING, 200,
					CIM_BOOT_TIMEOUT_MS * 1000);
}

/*
 * Run the boot handshake over fresh, empty rings.  With @reset the card
 * is reset first and forgets its image slots; without, the card keeps
 * them (a driver bind), unless it does not stop, when it is reset anyway.
 */
static int cim_hw_start(struct cim_device *cdev, bool reset)
{
	int ret;

	/* A card left asleep (runtime PM) cannot stop or run the handshake. */
	cim_wr(cdev, CIM_REG_POWER_STATE, CIM_POWER_ACTIVE);
	if (!reset && cim_hw_quiesce(cdev)) {
		dev_warn(cdev->dev, "card did not stop: resetting it\n");
		reset = true;
	}
	if (reset) {
		cim_wr(cdev, CIM_REG_CTRL, 0);
		cim_wr(cdev, CIM_REG_IRQ_MASK, 0);
		cim_wr(cdev, CIM_REG_RESET, CIM_RESET_MAGIC);
		ret = cim_wait_status(cdev, CIM_STATUS_BOOTING);
		if (ret)
			return ret;
	}

	memset(cdev->sq.cpu, 0, cdev->sq.entries * sizeof(struct cim_desc));
	memset(cdev->cq.cpu, 0, cdev->cq.entries * sizeof(struct cim_cpl));
	cdev->sq.pos = 0;
	cdev->cq.pos = 0;
	cim_wr(cdev, CIM_REG_SQ_BASE_LO, lower_32_bits(cdev->sq.dma));
	cim_wr(cdev, CIM_REG_SQ_BASE_HI, upper_32_bits(cdev->sq.dma));
	cim_wr(cdev, CIM_REG_SQ_ENTRIES, cdev->sq.entries);
	cim_wr(cdev, CIM_REG_SQ_TAIL, 0);
	cim_wr(cdev, CIM_REG_CQ_BASE_LO, lower_32_bits(cdev->cq.dma));
	cim_wr(cdev, CIM_REG_CQ_BASE_HI, upper_32_bits(cdev->cq.dma));
	cim_wr(cdev, CIM_REG_CQ_ENTRIES, cdev->cq.entries);
	cim_wr(cdev, CIM_REG_CQ_HEAD, 0);
	cim_wr(cdev, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
	cim_wr(cdev, CIM_REG_IRQ_STATUS, ~0u);
	cim_wr(cdev, CIM_REG_IRQ_MASK, CIM_IRQ_CPL | CIM_IRQ_ERROR);
	cim_wr(cdev, CIM_REG_CTRL, CIM_CTRL_ENABLE);

	ret = cim_wait_status(cdev, CIM_STATUS_READY);
	if (ret)
		return ret;

	cdev->info.fw_version = cim_rd(cdev, CIM_REG_FW_VERSION);
	cdev->info.if_version = cim_rd(cdev, CIM_REG_IF_VERSION);
	if (cdev->info.if_version >> 16 != CIM_IF_VERSION_MAJOR) {
		dev_err(cdev->dev,
			"card firmware speaks interface %u.%u, driver %u.%u: update the firmware\n",
			cdev->info.if_version >> 16,
			cdev->info.if_version & 0xffff, CIM_IF_VERSION_MAJOR,
			CIM_IF_VERSION_MINOR);
		return -EPROTO;
	}
	/* Interface 1.3 reports progress: long jobs are not hangs. */
	cdev->has_progress = (cdev->info.if_version & 0xffff) >= 3;
	if (cdev->has_progress)
		WRITE_ONCE(cdev->progress_seen, cim_rd(cdev, CIM_REG_PROGRESS));
	cdev->hw_up = true;
	return 0;
}

int cim_hw_init(struct cim_device *cdev)
{
	struct cim_card_info *i = &cdev->info;
	u32 id;
	int ret;

	id = cim_rd(cdev, CIM_REG_ID);
	if (id != CIM_HW_ID) {
		dev_err(cdev->dev, "not a CIM card (id %#x)\n", id);
		return -ENODEV;
	}
	cim_read_info(cdev);
	if (!i->tiles || i->tiles > CIM_MAX_TILES || !i->tile_rows ||
	    !i->tile_cols || !i->max_images) {
		dev_err(cdev->dev, "card reports an impossible geometry\n");
		return -ENODEV;
	}
	i->max_images = min_t(u32, i->max_images, CIM_MAX_SLOTS);
	cdev->free_tiles = i->tiles;

	cdev->sq.entries = CIM_SQ_ENTRIES;
	cdev->cq.entries = CIM_CQ_ENTRIES;
	cdev->sq.cpu = dmam_alloc_coherent(cdev->dev,
					   CIM_SQ_ENTRIES * sizeof(struct cim_desc),
					   &cdev->sq.dma, GFP_KERNEL);
	cdev->cq.cpu = dmam_alloc_coherent(cdev->dev,
					   CIM_CQ_ENTRIES * sizeof(struct cim_cpl),
					   &cdev->cq.dma, GFP_KERNEL);
	if (!cdev->sq.cpu || !cdev->cq.cpu)
		return -ENOMEM;

	ret = cim_hw_start(cdev, false);
	if (ret)
		return ret;
	dev_info(cdev->dev,
		 "card %#x: %u tiles of %ux%u cells, firmware %u.%u, interface %u.%u\n",
		 i->hw_id, i->tiles, i->tile_rows, i->tile_cols,
		 i->fw_version >> 16, i->fw_version & 0xffff,
		 i->if_version >> 16, i->if_version & 0xffff);
	return 0;
}

/*
 * Stop the card using host memory: the rings are about to go away.  The
 * card stays powered with its slots, so the next driver finds its
 * resident images; only a card that does not stop is reset.
 */
void cim_hw_fini(struct cim_device *cdev)
{
	unsigned long flags;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	cdev->hw_up = false;
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	if (!cim_hw_quiesce(cdev))
		return;
	cim_wr(cdev, CIM_REG_RESET, CIM_RESET_MAGIC);
	/* Once the card has rebooted it no longer touches host memory. */
	if (cim_wait_status(cdev, CIM_STATUS_BOOTING))
		dev_warn(cdev->dev, "card did not stop; host memory may still be in use\n");
}

/*
 * System sleep: stop the card using the rings, keeping its image slots,
 * and let it sleep.  The caller has made sure nothing is on the card.
 * Returns the card's PROGRESS count, which tells at resume whether the
 * card kept its state (see cim_hw_resume()).
 */
u32 cim_hw_suspend(struct cim_device *cdev)
{
	unsigned long flags;
	u32 progress = cdev->has_progress ? cim_rd(cdev, CIM_REG_PROGRESS) : 0;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	cdev->hw_up = false;
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	if (cim_hw_quiesce(cdev))
		dev_warn(cdev->dev, "card did not stop for suspend\n");
	cim_wr(cdev, CIM_REG_POWER_STATE, CIM_POWER_SLEEP);
	return progress;
}

/*
 * Back from system sleep: the handshake again over fresh rings, keeping
 * the slots.  A card that lost power meanwhile rebooted its firmware,
 * which zeroes PROGRESS: then its slots are gone and 1 is returned, for
 * the caller to program the images again.  Negative errno if it does not
 * come up.
 */
int cim_hw_resume(struct cim_device *cdev, u32 progress)
{
	bool lost;
	int ret;

	cim_wr(cdev, CIM_REG_POWER_STATE, CIM_POWER_ACTIVE);
	lost = cdev->has_progress && progress &&
	       cim_rd(cdev, CIM_REG_PROGRESS) != progress;
	ret = cim_hw_start(cdev, lost);
	return ret ? ret : lost;
}

/* One reset of the card (the recovery ladder counts and retries them). */
int cim_hw_reset(struct cim_device *cdev)
{
	unsigned long flags;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	cdev->hw_up = false;
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	return cim_hw_start(cdev, true);
}

/*
 * Full re-initialization, after resets failed: the card is identified
 * again as at probe (a card that now reports another identity or
 * geometry is not the one our images and tiles describe), then reset
 * over fresh rings.  The bus glue has already booted its firmware again.
 */
int cim_hw_reinit(struct cim_device *cdev)
{
	struct cim_card_info was = cdev->info;
	unsigned long flags;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	cdev->hw_up = false;
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	if (cim_rd(cdev, CIM_REG_ID) != CIM_HW_ID)
		return -ENODEV;
	cim_read_info(cdev);
	cdev->info.max_images = min_t(u32, cdev->info.max_images,
				      CIM_MAX_SLOTS);
	if (cdev->info.tiles != was.tiles ||
	    cdev->info.tile_rows != was.tile_rows ||
	    cdev->info.tile_cols != was.tile_cols ||
	    cdev->info.max_images != was.max_images) {
		dev_err(cdev->dev, "card came back with another geometry\n");
		cdev->info = was;
		return -ENODEV;
	}
	return cim_hw_start(cdev, true);
}

static void cim_hw_cancel_next(struct cim_device *cdev);

/* Put one descriptor on the submission ring and ring the doorbell. */
int cim_hw_push(struct cim_device *cdev, struct cim_job *job,
		const struct cim_desc *desc)
{
	struct cim_desc *slot;
	unsigned long flags;
	u32 next;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	if (!cdev->hw_up) {
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
		/* docs/uapi.md: a card that could not be recovered: -EIO */
		return READ_ONCE(cdev->state) == CIM_STATE_FAILED ? -EIO :
								    -ENODEV;
	}
	next = (cdev->sq.pos + 1) & (cdev->sq.entries - 1);
	/* drm_sched's credit limit keeps one entry free; check anyway. */
	if (WARN_ON_ONCE(next == cim_rd(cdev, CIM_REG_SQ_HEAD))) {
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
		return -EBUSY;
	}
	job->tag = ++cdev->next_tag;
	slot = (struct cim_desc *)cdev->sq.cpu + cdev->sq.pos;
	*slot = *desc;
	slot->tag = job->tag;
	list_add_tail(&job->node, &cdev->inflight);
	cdev->sq.pos = next;
	/* The descriptor must be visible before the doorbell. */
	dma_wmb();
	cim_wr(cdev, CIM_REG_SQ_TAIL, next);
	/* DRM_CIM_CANCEL came while run_job was putting it here. */
	if (job->cancel_req && cdev->has_progress) {
		job->cancel = true;
		cim_hw_cancel_next(cdev);
	}
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	return 0;
}

/*
 * DRM_CIM_CANCEL: mark the job so that it never reaches the card, or,
 * if it is there, have the card abort it (interface 1.3).  -EALREADY if
 * it has ended, -EOPNOTSUPP if it is on a card that cannot abort.
 */
int cim_hw_cancel_job(struct cim_device *cdev, struct cim_job *job)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	if (job->done && dma_fence_is_signaled(job->done)) {
		ret = -EALREADY;
	} else if (!list_empty(&job->node)) {
		if (cdev->has_progress) {
			job->cancel_req = true;
			job->cancel = true;
			cim_hw_cancel_next(cdev);
		} else {
			ret = -EOPNOTSUPP;
		}
	} else {
		/* not on the card yet (or held by a reset): never runs */
		job->cancel_req = true;
	}
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	return ret;
}

static struct cim_job *cim_find_inflight(struct cim_device *cdev, u64 tag)
{
	struct cim_job *job;

	list_for_each_entry(job, &cdev->inflight, node)
		if (job->tag == tag)
			return job;
	return NULL;
}

/*
 * Ask the card to abort the oldest job whose file has closed (interface
 * 1.3): the firmware compares CANCEL_TAG with each job it starts and at
 * each progress step.  A newer tag replaces an older one, so the next is
 * written as each canceled job completes.  ring_lock held.
 */
static void cim_hw_cancel_next(struct cim_device *cdev)
{
	struct cim_job *job;

	if (!cdev->has_progress || !cdev->hw_up)
		return;
	list_for_each_entry(job, &cdev->inflight, node) {
		if (job->cancel) {
			cim_wr(cdev, CIM_REG_CANCEL_TAG_HI,
			       upper_32_bits(job->tag));
			cim_wr(cdev, CIM_REG_CANCEL_TAG_LO,
			       lower_32_bits(job->tag));
			return;
		}
	}
}

/* The first RUN of cfile still on the card and marked, or NULL. ring_lock. */
static struct cim_job *cim_hw_first_canceled(struct cim_device *cdev,
					     struct cim_file *cfile)
{
	struct cim_job *job;

	list_for_each_entry(job, &cdev->inflight, node)
		if (job->cancel && job->owner == cfile &&
		    !dma_fence_is_signaled(job->done))
			return job;
	return NULL;
}

/*
 * A file closed (its process exited or gave up): the jobs it left on the
 * card are aborted there rather than run to the end for no one, so their
 * images' tiles come free at once.  Only RUN and NOP jobs: a PROGRAM
 * may fill an image other files share.  Waits, at most job_timeout_ms,
 * until the card has let go of them.
 */
void cim_hw_cancel_file(struct cim_device *cdev, struct cim_file *cfile)
{
	unsigned long end = jiffies + cim_job_timeout(), flags;
	struct dma_fence *f;
	struct cim_job *job;
	int n = 0, idx;

	if (!cdev->has_progress || !drm_dev_enter(&cdev->drm, &idx))
		return;
	spin_lock_irqsave(&cdev->ring_lock, flags);
	list_for_each_entry(job, &cdev->inflight, node) {
		if (job->owner == cfile && (job->opcode == CIM_OPC_RUN ||
					    job->opcode == CIM_OPC_NOP)) {
			job->cancel = true;
			n++;
		}
	}
	if (n)
		cim_hw_cancel_next(cdev);
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	/*
	 * The card interrupts once it has drained what it found on the
	 * ring, so completions are reaped here as they are posted, each
	 * one writing the next tag to cancel.
	 */
	while (n && time_before(jiffies, end)) {
		cim_hw_reap(cdev);
		spin_lock_irqsave(&cdev->ring_lock, flags);
		job = cim_hw_first_canceled(cdev, cfile);
		f = job ? dma_fence_get(job->done) : NULL;
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
		if (!f)
			break;
		dma_fence_wait_timeout(f, false, 1);
		dma_fence_put(f);
	}
	drm_dev_exit(idx);
}

static void cim_reap_completions(struct cim_device *cdev)
{
	struct cim_cpl cpl;
	struct cim_job *job;
	bool reaped = false;
	u32 tail;

	spin_lock(&cdev->ring_lock);
	/* A reset is rebuilding the rings: nothing here is ours any more. */
	if (!cdev->hw_up) {
		spin_unlock(&cdev->ring_lock);
		return;
	}
	tail = cim_rd(cdev, CIM_REG_CQ_TAIL);
	if (tail >= cdev->cq.entries) {
		dev_err_ratelimited(cdev->dev, "bad completion tail %u\n", tail);
		spin_unlock(&cdev->ring_lock);
		return;
	}
	while (cdev->cq.pos != tail) {
		dma_rmb();
		cpl = ((struct cim_cpl *)cdev->cq.cpu)[cdev->cq.pos];
		cdev->cq.pos = (cdev->cq.pos + 1) & (cdev->cq.entries - 1);
		job = cim_find_inflight(cdev, cpl.tag);
		if (!job) {
			dev_err_ratelimited(cdev->dev,
					    "completion for unknown tag %llu\n",
					    cpl.tag);
			continue;
		}
		list_del_init(&job->node);
		if (job->cancel)
			atomic64_inc(&cdev->jobs_canceled);
		cim_job_complete(job, &cpl);
		reaped = true;
	}
	cim_wr(cdev, CIM_REG_CQ_HEAD, cdev->cq.pos);
	/*
	 * drm_sched's timeout restarts at each completion: the progress
	 * watchdog compares against the card's count from here.
	 */
	if (reaped && cdev->has_progress) {
		WRITE_ONCE(cdev->progress_seen, cim_rd(cdev, CIM_REG_PROGRESS));
		cim_hw_cancel_next(cdev);
	}
	spin_unlock(&cdev->ring_lock);
}

irqreturn_t cim_hw_irq(int irq, void *arg)
{
	struct cim_device *cdev = arg;
	u32 status;

	status = cim_rd(cdev, CIM_REG_IRQ_STATUS);
	if (!status)
		return IRQ_NONE;
	cim_wr(cdev, CIM_REG_IRQ_STATUS, status);
	if (status & CIM_IRQ_CPL)
		cim_reap_completions(cdev);
	if ((status & CIM_IRQ_ERROR) && READ_ONCE(cdev->hw_up)) {
		dev_err_ratelimited(cdev->dev, "card error %u: resetting it\n",
				    cim_rd(cdev, CIM_REG_FW_ERROR));
		cim_reset_schedule(cdev, CIM_RESET_CRASH);
	}
	return IRQ_HANDLED;
}

/* Completions the card posted but no interrupt has reaped yet. */
void cim_hw_reap(struct cim_device *cdev)
{
	unsigned long flags;

	local_irq_save(flags);
	cim_reap_completions(cdev);
	local_irq_restore(flags);
}

u32 cim_hw_read(struct cim_device *cdev, u32 reg)
{
	return cim_rd(cdev, reg);
}

void cim_hw_write(struct cim_device *cdev, u32 reg, u32 val)
{
	cim_wr(cdev, reg, val);
}
