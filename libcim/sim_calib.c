// SPDX-License-Identifier: MIT
/*
 * DRM_IOCTL_CIM_CALIBRATE on the userspace card: CALIBRATE of a loaded
 * image's tiles now, then the card's CALIB_REPORT of them, as cim.ko
 * does (kernel/cim_analog.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* CALIBRATE or CALIB_REPORT of the n tiles of map; report into out. */
static int tiles_cmd(struct sim_card *c, uint32_t opcode, const uint16_t *map,
		     uint32_t n, void *out, uint32_t len)
{
	size_t out_at = ((size_t)n * sizeof(*map) + 63) & ~(size_t)63;
	struct sim_buf *b = sim_buf_new(c, out_at + len);
	struct cim_desc d = { .opcode = opcode, .map_count = n };
	struct cim_cpl cpl;
	int ret;

	if (!b)
		return -ENOMEM;
	memcpy(b->p, map, n * sizeof(*map));
	d.map_addr = (uintptr_t)b->p;
	if (len)
		d.dst = sim_ref(b, out_at, len);
	ret = sim_exec(c, &d, &cpl);
	if (!ret)
		ret = sim_status_errno(cpl.status);
	if (!ret && len)
		memcpy(out, (uint8_t *)b->p + out_at, len);
	if (ret != -ECANCELED)
		sim_buf_put(c, b);	/* else the card may still use it: leak */
	return ret;
}

static int calibrate(struct sim_card *c, const uint16_t *map, uint32_t n,
		     struct drm_cim_calibrate *a)
{
	struct cim_calib_tile_report *rep = calloc(n ? n : 1, sizeof(*rep));
	struct drm_cim_calib_tile *t = (void *)(uintptr_t)a->tiles;
	uint32_t i;
	int ret;

	if (!rep)
		return -ENOMEM;
	ret = tiles_cmd(c, CIM_OPC_CALIBRATE, map, n, NULL, 0);
	if (!ret)
		ret = tiles_cmd(c, CIM_OPC_CALIB_REPORT, map, n, rep,
				n * sizeof(*rep));
	for (i = 0; !ret && i < n && i < a->count; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].tile = map[i];
		t[i].err_before_q8 = rep[i].err_before_q8;
		t[i].err_after_q8 = rep[i].err_after_q8;
		t[i].columns = rep[i].columns;
		t[i].samples = rep[i].samples;
		t[i].calibrated_ns = rep[i].calibrated_ns;
	}
	if (!ret)
		a->count = n;
	free(rep);
	return ret;
}

int sim_image_calibrate(struct sim_file *sf, struct drm_cim_calibrate *a)
{
	struct sim_card *c = sf->card;
	struct sim_image *img;
	uint16_t *map = NULL;
	uint32_t n = 0;
	int ret = 0;

	if (a->flags || a->pad || (a->count && !a->tiles))
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	img = sim_table_get(&sf->images, a->image);
	if (!img)
		ret = -ENOENT;
	else if (img->state == SIM_IMG_PROGRAMMING)
		ret = -EBUSY;
	else if (img->state == SIM_IMG_FAILED)
		ret = -EIO;
	if (!ret) {
		n = img->n_vtiles;
		map = malloc(n * sizeof(*map));
		if (map) {
			memcpy(map, img->tile_map, n * sizeof(*map));
			img->refs++;	/* its tiles stay its own */
		} else {
			ret = -ENOMEM;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (ret)
		return ret;
	ret = calibrate(c, map, n, a);
	pthread_mutex_lock(&c->lock);
	sim_image_put(c, img);
	pthread_mutex_unlock(&c->lock);
	free(map);
	return ret;
}
