// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What lives with the flash of the userspace card: the array model's
 * cells and state (firmware/model/), the firmware's analog state (trims,
 * statistics), wear counts, per-tile counters,
 * plan memory and the image slot table, in one mapping.  Anonymous
 * memory, or a file (CIM_SIM_FLASH) mapped shared, so that a later
 * process finds the same flash: resident images and wear survive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"
#include "../cim_fw_hal.h"

static uint64_t sim_align(uint64_t n)
{
	return (n + 4095) & ~4095ull;
}

/* Lay the regions out after the header; the file's size. */
static uint64_t sim_flash_layout(const struct cim_hal *h,
				 struct sim_flash_hdr *f)
{
	const struct cim_card_params *p = &h->params;
	uint64_t at = sim_align(sizeof(*f));

	f->off_cells = at;
	at = sim_align(at + cim_model_cells_bytes(p));
	f->off_analog = at;
	at = sim_align(at + cim_fw_analog_bytes(p));
	f->off_pe = at;
	at = sim_align(at + (uint64_t)p->tiles * sizeof(uint32_t));
	f->off_tstats = at;
	at = sim_align(at + (uint64_t)p->tiles * sizeof(struct cim_tile_stats));
	f->off_plan = at;
	at = sim_align(at + (uint64_t)CIM_FW_MAX_IMAGES * h->plan_bytes);
	f->off_slots = at;
	at = sim_align(at + CIM_FW_MAX_IMAGES * sizeof(struct cim_fw_slot));
	f->off_model = at;
	at = sim_align(at + cim_model_state_bytes(p));
	return at;
}

static int sim_flash_err(char *err, size_t len, int ret, const char *what,
			 const char *path)
{
	if (err && len)
		snprintf(err, len, "sim: flash file %s: %s%s%s", path, what,
			 ret == -EBUSY || ret == -EINVAL ? "" : ": ",
			 ret == -EBUSY || ret == -EINVAL ? "" : strerror(-ret));
	return ret;
}

int sim_flash_open(struct cim_hal *h, const char *path, char *err,
		   size_t errlen)
{
	struct sim_flash_hdr want, *f;
	struct stat st;
	uint64_t total;
	void *m;
	int fd, ret;

	memset(&want, 0, sizeof(want));
	want.magic = SIM_FLASH_MAGIC;
	want.version = SIM_FLASH_VERSION;
	want.params_size = sizeof(want.params);
	want.params = h->params;
	want.plan_bytes = h->plan_bytes;
	total = sim_flash_layout(h, &want);
	want.total = total;
	h->flash_fd = -1;

	if (!path || !*path) {
		m = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			return -ENOMEM;
		f = m;
		*f = want;
		goto done;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sim_flash_err(err, errlen, -errno, "cannot open", path);
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return sim_flash_err(err, errlen, -EBUSY,
				     "in use by another card", path);
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (st.st_size && (uint64_t)st.st_size != total) {
		ret = sim_flash_err(err, errlen, -EINVAL,
				    "made for another card geometry", path);
		goto fail_quiet;
	}
	if (!st.st_size && ftruncate(fd, (off_t)total)) {
		ret = -errno;
		goto fail;
	}
	m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		ret = -errno;
		goto fail;
	}
	f = m;
	if (st.st_size) {
		/* the clock and the slot table are the old card's state */
		want.clock_ns = f->clock_ns;
		want.slots_valid = f->slots_valid;
		if (memcmp(f, &want, sizeof(want))) {
			munmap(m, total);
			ret = sim_flash_err(err, errlen, -EINVAL,
					    "made for another card", path);
			goto fail_quiet;
		}
		h->flash_loaded = 1;
		h->clock_ns = f->clock_ns;
	} else {
		*f = want;
	}
	h->flash_fd = fd;
done:
	h->flash = f;
	h->model.p = h->params;
	h->model.cells = (uint8_t *)f + f->off_cells;
	h->model.state = (uint8_t *)f + f->off_model;
	h->model.stuck_tile = -1;
	h->analog = (uint8_t *)f + f->off_analog;
	h->pe = (uint32_t *)((uint8_t *)f + f->off_pe);
	h->tstats = (struct cim_tile_stats *)((uint8_t *)f + f->off_tstats);
	h->plan = (uint8_t *)f + f->off_plan;
	h->slots = (struct cim_fw_slot *)((uint8_t *)f + f->off_slots);
	return 0;
fail:
	sim_flash_err(err, errlen, ret, "cannot map", path);
fail_quiet:
	close(fd);
	return ret;
}

/* The firmware is stopped: keep its slot table and the clock. */
void sim_flash_save(struct cim_hal *h)
{
	if (!h->flash)
		return;
	memcpy(h->slots, h->fw->slots, sizeof(h->fw->slots));
	h->flash->slots_valid = 1;
	h->flash->clock_ns = h->clock_ns;
	if (h->flash_fd >= 0)
		msync(h->flash, h->flash->total, MS_SYNC);
}

void sim_flash_close(struct cim_hal *h)
{
	if (!h->flash)
		return;
	munmap(h->flash, h->flash->total);
	h->flash = NULL;
	if (h->flash_fd >= 0)
		close(h->flash_fd);	/* drops the lock */
	h->flash_fd = -1;
}

/* --- the firmware's side ------------------------------------------- */

struct cim_model *cim_hal_model(struct cim_hal *h)
{
	return &h->model;
}

void *cim_hal_analog_mem(struct cim_hal *h)
{
	return h->analog;
}

struct cim_tile_stats *cim_hal_tile_stats(struct cim_hal *h, uint32_t tile)
{
	return tile < h->params.tiles ? &h->tstats[tile] : NULL;
}

uint8_t *cim_hal_plan_mem(struct cim_hal *h, uint32_t slot)
{
	if (slot >= CIM_FW_MAX_IMAGES)
		return NULL;
	return h->plan + (size_t)slot * h->plan_bytes;
}

uint32_t cim_hal_tile_pe(struct cim_hal *h, uint32_t tile)
{
	return tile < h->params.tiles ? h->pe[tile] : 0;
}

void cim_hal_tile_pe_inc(struct cim_hal *h, uint32_t tile)
{
	if (tile < h->params.tiles)
		h->pe[tile]++;
}
