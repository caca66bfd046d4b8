// SPDX-License-Identifier: MIT
/*
 * Time: the driver takes absolute CLOCK_MONOTONIC deadlines, libcim's API
 * relative timeouts; and how long cim_infer() waits by default.
 */
#include <stdint.h>
#include <time.h>

#include "../uapi/cim_image.h"

#include "internal.h"

uint64_t cimi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t cimi_deadline(int64_t now_ns, int64_t timeout_ns)
{
	if (timeout_ns < 0 || timeout_ns > INT64_MAX - now_ns)
		return INT64_MAX;
	return now_ns + timeout_ns;
}

/*
 * cim_infer()'s default wait follows the job's size: a floor (30 s:
 * queueing behind other processes' jobs, programming) plus, per batch
 * item, four times the slowest pace seen for the image, or before any
 * job of it ran, its weight MACs at CIMI_SLOWEST_MACS_PER_S.  That rate
 * is below the slowest card there is, the virtual card under software
 * emulation (resnet18 ran at about 140M MAC/s there): a prior that only
 * errs long.  It is a last resort: the driver resets a card that stops
 * making progress and fails the job then (docs/uapi.md, "Timeouts and
 * recovery").  cim_set_timeout() replaces all this with a fixed value.
 */
#define CIMI_SLOWEST_MACS_PER_S	10000000ull
#define CIMI_PACE_MARGIN	4

uint64_t cimi_image_item_macs(const void *image)
{
	const struct cim_image_header *h = image;
	const struct cim_image_tensor *t = cim_image_tensors(image);
	const struct cim_image_op *op = cim_image_ops(image);
	const struct cim_image_block *b = cim_image_blocks(image);
	uint64_t macs = 0, per;
	uint32_t i, k;

	for (i = 0; i < h->n_ops; i++, op++) {
		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		per = 0;
		for (k = 0; k < op->block_count; k++)
			per += (uint64_t)b[op->block_first + k].rows *
			       b[op->block_first + k].outs;
		/* replicas counted as if each ran every pixel: errs long */
		macs += per * t[op->out].h * t[op->out].w;
	}
	return macs;
}

static int64_t sat_add(int64_t a, uint64_t b)
{
	return b > (uint64_t)(INT64_MAX - a) ? INT64_MAX : a + (int64_t)b;
}

int64_t cimi_job_timeout(const struct cim_dev *dev,
			 const struct cim_image *img, uint32_t batch)
{
	uint64_t item_ns;

	if (dev->timeout_set)
		return dev->timeout_ns;
	if (img->item_ns)
		item_ns = CIMI_PACE_MARGIN * img->item_ns;
	else
		item_ns = img->item_macs / (CIMI_SLOWEST_MACS_PER_S / 1000000) *
			  1000;
	if (item_ns && batch > UINT64_MAX / item_ns)
		return INT64_MAX;
	return sat_add(CIM_DEFAULT_TIMEOUT_NS, item_ns * batch);
}

void cimi_job_took(struct cim_image *img, uint32_t batch, uint64_t host_ns)
{
	uint64_t item = batch ? host_ns / batch : 0;

	if (item > img->item_ns)
		img->item_ns = item;
}
