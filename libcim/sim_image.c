// SPDX-License-Identifier: MIT
/*
 * Images on the userspace card, as cim.ko handles them: a private copy of
 * the bytes, the shared uapi validator, the content digest, the resident
 * catalog (shared by every device on the card, kept after the last user
 * until a load needs its tiles or slot, least recently used first),
 * placement on the least-worn free tiles, and a PROGRAM (plus CALIBRATE
 * on analog cards) queued to the worker.  At start the catalog adopts
 * what the card's slots hold (a flash file from an earlier process).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../uapi/cim_image.h"

static void touch(struct sim_card *c, struct sim_image *img)
{
	img->lru = ++c->lru_clock;
	img->last_use_ns = cimi_now_ns();
}

void sim_image_put(struct sim_card *c, struct sim_image *img)
{
	if (!img || --img->refs)
		return;
	sim_fence_put(img->programmed);
	sim_buf_put(c, img->copy);
	free(img->tile_map);
	free(img);
}

static struct sim_image *image_new(uint32_t n_vtiles)
{
	struct sim_image *img = calloc(1, sizeof(*img));

	if (!img)
		return NULL;
	img->tile_map = calloc(n_vtiles, sizeof(*img->tile_map));
	if (!img->tile_map) {
		free(img);
		return NULL;
	}
	img->refs = 1;
	img->n_vtiles = n_vtiles;
	return img;
}

/* Only the catalog holds it. */
static int unused(const struct sim_image *img)
{
	return img->refs == 1;
}

static void tiles_put(struct sim_card *c, struct sim_image *img)
{
	uint32_t i;

	for (i = 0; i < img->n_vtiles; i++)
		c->tile_used[img->tile_map[i]] = 0;
	c->free_tiles += img->n_vtiles;
}

static void catalog_drop(struct sim_card *c, struct sim_image *img)
{
	struct sim_image **p;

	for (p = &c->images; *p != img; p = &(*p)->next)
		;
	*p = img->next;
	tiles_put(c, img);
	c->slot_used[img->slot] = 0;
	sim_image_put(c, img);
}

/* Failed images first, then the least recently used. */
static struct sim_image *victim(struct sim_card *c)
{
	struct sim_image *img, *v = NULL;
	int failed, vfailed = 0;

	for (img = c->images; img; img = img->next) {
		if (!unused(img))
			continue;
		failed = img->state == SIM_IMG_FAILED;
		if (!v || (failed && !vfailed) ||
		    (failed == vfailed && img->lru < v->lru)) {
			v = img;
			vfailed = failed;
		}
	}
	return v;
}

static int free_slot(const struct sim_card *c)
{
	uint32_t s;

	for (s = 0; s < c->info.max_images; s++)
		if (!c->slot_used[s])
			return (int)s;
	return -1;
}

/* The free tiles with the fewest P/E cycles, lowest index among equals. */
static void tiles_take(struct sim_card *c, struct sim_image *img)
{
	uint32_t n = c->info.tiles, i, t, best;

	for (i = 0; i < img->n_vtiles; i++) {
		best = n;
		for (t = 0; t < n; t++)
			if (!c->tile_used[t] &&
			    (best == n || c->tile_pe[t] < c->tile_pe[best]))
				best = t;
		c->tile_used[best] = 1;
		img->tile_map[i] = (uint16_t)best;
		c->tile_pe[best]++;
	}
	c->free_tiles -= img->n_vtiles;
}

/* Reserve a slot and tiles, evicting unused images only if that makes room. */
static int place(struct sim_card *c, struct sim_image *img)
{
	uint32_t avail = c->free_tiles;
	struct sim_image *o;
	int evictable = 0;

	for (o = c->images; o; o = o->next)
		if (unused(o)) {
			avail += o->n_vtiles;
			evictable = 1;
		}
	if (avail < img->n_vtiles || (free_slot(c) < 0 && !evictable))
		return -ENOSPC;
	while (c->free_tiles < img->n_vtiles || free_slot(c) < 0) {
		o = victim(c);
		if (!o)
			return -ENOSPC;
		c->evictions++;
		catalog_drop(c, o);
	}
	img->slot = (uint32_t)free_slot(c);
	c->slot_used[img->slot] = 1;
	tiles_take(c, img);
	return 0;
}

static struct sim_image *find(struct sim_card *c, const uint8_t *digest,
			      uint64_t size)
{
	struct sim_image *img;

	for (img = c->images; img; img = img->next)
		if (img->state != SIM_IMG_FAILED && img->size == size &&
		    !memcmp(img->digest, digest, 32))
			return img;
	return NULL;
}

static int validate(struct sim_card *c, const uint8_t *p, uint64_t size)
{
	const struct cim_image_header *h = (const void *)p;
	struct cim_image_limits lim = {
		.tile_rows = c->info.tile_rows,
		.tile_cols = c->info.tile_cols,
		.cell_bits = c->info.cell_bits,
		.max_vector = c->info.max_vector,
		.max_plan_bytes = c->info.max_plan_bytes,
		.max_vtiles = c->info.tiles < CIM_SLOT_MAX_VTILES ?
			      c->info.tiles : CIM_SLOT_MAX_VTILES,
		.max_arena = c->arena_bytes,
	};
	const char *why = "";

	if (cim_image_check(p, size, &lim, &why))
		return -EINVAL;
	if (cim_image_crc(p, size) != h->crc32)
		return -EBADMSG;
	return 0;
}

/* The tile map and slot tag PROGRAM and CALIBRATE read. */
static struct sim_buf *map_new(struct sim_card *c, const struct sim_image *img)
{
	size_t map_bytes = CIM_SLOT_TAG_OFFSET(img->n_vtiles) +
			   sizeof(struct cim_slot_tag);
	struct sim_buf *map = sim_buf_new(c, map_bytes);
	struct cim_slot_tag *tag;

	if (!map)
		return NULL;
	memcpy(map->p, img->tile_map, img->n_vtiles * sizeof(uint16_t));
	tag = (struct cim_slot_tag *)((uint8_t *)map->p +
				      CIM_SLOT_TAG_OFFSET(img->n_vtiles));
	memcpy(tag->digest, img->digest, 32);
	tag->size = img->size;
	return map;
}

static void program_desc(struct cim_desc *d, const struct sim_image *img,
			 const struct sim_buf *map, const struct sim_buf *copy)
{
	memset(d, 0, sizeof(*d));
	d->opcode = CIM_OPC_PROGRAM;
	d->flags = CIM_DESC_F_TAG;
	d->slot = img->slot;
	d->map_count = img->n_vtiles;
	d->map_addr = (uintptr_t)map->p;
	d->src = sim_ref(copy, 0, img->size);
}

static void calibrate_desc(struct cim_desc *d, const struct sim_image *img,
			   const struct sim_buf *map)
{
	memset(d, 0, sizeof(*d));
	d->opcode = CIM_OPC_CALIBRATE;
	d->map_count = img->n_vtiles;
	d->map_addr = (uintptr_t)map->p;
}

/* PROGRAM (and on analog cards CALIBRATE) of a placed image; lock held. */
static int queue_program(struct sim_card *c, struct sim_image *img,
			 struct sim_buf *copy)
{
	struct sim_job *pj, *cj = NULL;
	struct sim_buf *map;
	int calib = c->analog;

	pj = calloc(1, sizeof(*pj));
	cj = calib ? calloc(1, sizeof(*cj)) : NULL;
	map = map_new(c, img);
	img->programmed = sim_fence_new();
	if (!pj || (calib && !cj) || !map || !img->programmed) {
		free(pj);
		free(cj);
		sim_buf_put(c, map);
		sim_fence_put(img->programmed);
		img->programmed = NULL;
		return -ENOMEM;
	}

	pj->kind = SIM_JOB_PROGRAM;
	program_desc(&pj->desc, img, map, copy);
	pj->src = copy;
	pj->map = map;
	pj->img = img;
	img->refs++;
	if (calib) {
		/* The image is ready once its columns are calibrated. */
		pj->done = sim_fence_new();
		cj->kind = SIM_JOB_CALIBRATE;
		calibrate_desc(&cj->desc, img, map);
		sim_buf_get(map);
		cj->map = map;
		cj->img = img;
		img->refs++;
		cj->done = sim_fence_get(img->programmed);
		sim_job_queue(c, pj);
		sim_job_queue(c, cj);
	} else {
		pj->done = sim_fence_get(img->programmed);
		sim_job_queue(c, pj);
	}
	c->programs++;
	return 0;
}

int sim_image_load(struct sim_file *sf, struct drm_cim_image_load *a)
{
	struct sim_card *c = sf->card;
	const struct cim_image_header *h;
	struct sim_buf *src, *copy;
	struct sim_image *img;
	uint8_t digest[32];
	uint32_t handle;
	int ret;

	if (a->flags || a->pad)
		return -EINVAL;
	if (a->size < sizeof(struct cim_image_header) || a->size > UINT32_MAX)
		return -EINVAL;
	copy = sim_buf_new(c, (size_t)a->size);
	if (!copy)
		return -ENOMEM;
	pthread_mutex_lock(&c->lock);
	src = sim_table_get(&sf->bos, a->bo_handle);
	ret = !src ? -ENOENT :
	      (a->offset > src->size || a->size > src->size - a->offset) ?
	      -ERANGE : 0;
	if (!ret && a->out_syncobj && !sim_table_get(&sf->syncobjs, a->out_syncobj))
		ret = -ENOENT;
	if (ret)
		goto fail;
	/* What is checked and hashed is exactly what the card programs. */
	memcpy(copy->p, (uint8_t *)src->p + a->offset, (size_t)a->size);
	ret = validate(c, copy->p, a->size);
	if (ret)
		goto fail;
	h = copy->p;
	cimi_sha256(copy->p, (size_t)a->size, digest);
	ret = sim_table_add(&sf->images, NULL, &handle);
	if (ret)
		goto fail;

	img = find(c, digest, a->size);
	if (img) {
		img->input_size = h->input_size;
		img->output_size = h->output_size;
		img->refs++;
		img->handles++;
		touch(c, img);
		c->hits++;
		sim_buf_put(c, copy);
		if (a->out_syncobj) {
			/* Adopted images were programmed before us: a signaled fence. */
			struct sim_fence *f = img->programmed ?
				sim_fence_get(img->programmed) : sim_fence_new();

			if (f && !img->programmed)
				sim_fence_signal(c, f, 0);
			if (f)
				sim_syncobj_replace(sf, a->out_syncobj, f);
			sim_fence_put(f);
		}
	} else {
		img = image_new(h->n_vtiles);
		ret = img ? 0 : -ENOMEM;
		if (img) {
			memcpy(img->digest, digest, 32);
			img->size = a->size;
			img->input_size = h->input_size;
			img->output_size = h->output_size;
			img->state = SIM_IMG_PROGRAMMING;
			ret = place(c, img);
		}
		if (!ret) {
			ret = queue_program(c, img, copy);
			if (ret) {
				tiles_put(c, img);
				c->slot_used[img->slot] = 0;
			}
		}
		if (ret) {
			sim_image_put(c, img);
			sim_table_del(&sf->images, handle);
			goto fail;
		}
		copy = NULL;	/* the PROGRAM job holds it */
		img->next = c->images;
		c->images = img;
		img->refs++;	/* the handle's; the catalog has the first */
		img->handles = 1;
		touch(c, img);
		if (a->out_syncobj)
			sim_syncobj_replace(sf, a->out_syncobj, img->programmed);
	}
	sf->images.v[handle - 1] = img;
	a->image_handle = handle;
	a->tiles = img->n_vtiles;
	pthread_mutex_unlock(&c->lock);
	return 0;
fail:
	pthread_mutex_unlock(&c->lock);
	sim_buf_put(c, copy);
	return ret;
}

static void handle_put(struct sim_card *c, struct sim_image *img)
{
	img->handles--;
	touch(c, img);
	sim_image_put(c, img);
}

int sim_image_release(struct sim_file *sf, struct drm_cim_image_release *a)
{
	struct sim_image *img;

	if (a->pad)
		return -EINVAL;
	pthread_mutex_lock(&sf->card->lock);
	img = sim_table_del(&sf->images, a->image_handle);
	if (img)
		handle_put(sf->card, img);
	pthread_mutex_unlock(&sf->card->lock);
	return img ? 0 : -ENOENT;
}

void sim_images_drop_file(struct sim_file *sf)
{
	struct sim_image *img;
	uint32_t h;

	for (h = 1; h <= sf->images.n; h++) {
		img = sim_table_del(&sf->images, h);
		if (img)
			handle_put(sf->card, img);
	}
}

void sim_catalog_free(struct sim_card *c)
{
	struct sim_image *img;

	while ((img = c->images)) {
		c->images = img->next;
		sim_image_put(c, img);
	}
}

static int by_lru(const void *a, const void *b)
{
	const struct sim_image *x = *(struct sim_image *const *)a;
	const struct sim_image *y = *(struct sim_image *const *)b;

	return (x->lru > y->lru) - (x->lru < y->lru);
}

int sim_catalog_query(struct sim_card *c, struct drm_cim_query *q)
{
	struct drm_cim_image_entry *e;
	struct sim_image *img, **all = NULL;
	struct drm_cim_images *h;
	uint32_t n = 0, i, fit;
	size_t need;
	void *buf;
	int ret;

	pthread_mutex_lock(&c->lock);
	for (img = c->images; img; img = img->next)
		n++;
	need = sizeof(*h) + (size_t)n * sizeof(*e);
	buf = calloc(1, need);
	all = calloc(n ? n : 1, sizeof(*all));
	if (!buf || !all) {
		pthread_mutex_unlock(&c->lock);
		free(buf);
		free(all);
		return -ENOMEM;
	}
	for (i = 0, img = c->images; img; img = img->next)
		all[i++] = img;
	qsort(all, n, sizeof(*all), by_lru);
	h = buf;
	e = (struct drm_cim_image_entry *)(h + 1);
	h->header_size = sizeof(*h);
	h->entry_size = sizeof(*e);
	h->total = n;
	fit = q->size > sizeof(*h) ? (q->size - sizeof(*h)) / sizeof(*e) : 0;
	h->count = fit < n ? fit : n;
	h->programs = c->programs;
	h->hits = c->hits;
	h->evictions = c->evictions;
	h->adopted = c->adopted;
	for (i = 0; i < n; i++) {
		memcpy(e[i].sha256, all[i]->digest, 32);
		e[i].size = all[i]->size;
		e[i].last_use_ns = all[i]->last_use_ns;
		e[i].slot = all[i]->slot;
		e[i].tiles = all[i]->n_vtiles;
		e[i].users = all[i]->handles;
		e[i].state = (uint32_t)all[i]->state;
	}
	pthread_mutex_unlock(&c->lock);
	ret = sim_reply(q, buf, need);
	free(buf);
	free(all);
	return ret;
}

/* One tile's counters through the TEL_* window (the card's since power-on). */
static void tile_tel(struct sim_card *c, uint32_t t,
		     struct drm_cim_tile_entry *e)
{
#define TEL64(lo) ((uint64_t)sim_rd(c, (lo)) | (uint64_t)sim_rd(c, (lo) + 4) << 32)
	sim_wr(c, CIM_REG_TEL_TILE, t);
	e->flags = DRM_CIM_TILE_F_ACTIVITY | DRM_CIM_TILE_F_SIMD;
	e->mvms = TEL64(CIM_REG_TEL_MVM_LO);
	e->program_pulses = TEL64(CIM_REG_TEL_PULSE_LO);
	e->busy_ns = TEL64(CIM_REG_TEL_BUSY_LO);
	e->macs = TEL64(CIM_REG_TEL_MAC_LO);
	e->simd_ops = TEL64(CIM_REG_TEL_SIMD_LO);
	e->simd_ns = TEL64(CIM_REG_TEL_SIMD_NS_LO);
#undef TEL64
}

int sim_tiles_query(struct sim_card *c, struct drm_cim_query *q)
{
	uint32_t n = c->info.tiles, i, fit, *pe;
	struct drm_cim_tile_entry *e;
	struct drm_cim_tiles *h;
	struct sim_image *img;
	size_t need = sizeof(*h) + (size_t)n * sizeof(*e);
	void *buf = calloc(1, need);
	int ret;

	pe = calloc(n, sizeof(*pe));
	if (!buf || !pe) {
		free(buf);
		free(pe);
		return -ENOMEM;
	}
	/* What the card counted; on failure, the driver's count. */
	ret = sim_card_read(c, CIM_OPC_READ_WEAR, 0, pe, n * sizeof(*pe));
	h = buf;
	e = (struct drm_cim_tile_entry *)(h + 1);
	h->header_size = sizeof(*h);
	h->entry_size = sizeof(*e);
	h->total = n;
	fit = q->size > sizeof(*h) ? (q->size - sizeof(*h)) / sizeof(*e) : 0;
	h->count = fit < n ? fit : n;
	pthread_mutex_lock(&c->lock);
	if (!ret)
		memcpy(c->tile_pe, pe, n * sizeof(*pe));
	h->pe_min = UINT32_MAX;
	for (i = 0; i < n; i++) {
		tile_tel(c, i, &e[i]);
		e[i].pe_cycles = c->tile_pe[i];
		e[i].slot = DRM_CIM_TILE_FREE;
		h->pe_min = c->tile_pe[i] < h->pe_min ? c->tile_pe[i] : h->pe_min;
		h->pe_max = c->tile_pe[i] > h->pe_max ? c->tile_pe[i] : h->pe_max;
		h->pe_sum += c->tile_pe[i];
	}
	for (img = c->images; img; img = img->next)
		for (i = 0; i < img->n_vtiles; i++)
			e[img->tile_map[i]].slot = img->slot;
	pthread_mutex_unlock(&c->lock);
	ret = sim_reply(q, buf, need);
	free(buf);
	free(pe);
	return ret;
}

/* A slot an earlier driver programmed (another process, via the flash file). */
static int adopt(struct sim_card *c, uint32_t slot,
		 const struct cim_slot_info *s)
{
	static const uint8_t zero[32];
	struct sim_image *img;
	uint32_t i, t;

	if (!s->tag.size || !memcmp(s->tag.digest, zero, 32) || !s->n_vtiles ||
	    s->n_vtiles > c->info.tiles || s->n_vtiles > CIM_SLOT_MAX_VTILES)
		return -EINVAL;
	for (i = 0; i < s->n_vtiles; i++)
		if (s->map[i] >= c->info.tiles || c->tile_used[s->map[i]])
			return -EINVAL;
	img = image_new(s->n_vtiles);
	if (!img)
		return -ENOMEM;
	for (i = 0; i < s->n_vtiles; i++) {
		t = s->map[i];
		c->tile_used[t] = 1;
		img->tile_map[i] = (uint16_t)t;
	}
	memcpy(img->digest, s->tag.digest, 32);
	img->size = s->tag.size;
	img->slot = slot;
	img->state = SIM_IMG_READY;
	c->slot_used[slot] = 1;
	touch(c, img);
	img->next = c->images;
	c->images = img;
	c->adopted++;
	return 0;
}

int sim_catalog_rebuild(struct sim_card *c)
{
	struct cim_slot_info info;
	uint32_t slot;
	int ret;

	ret = sim_card_read(c, CIM_OPC_READ_WEAR, 0, c->tile_pe,
			    c->info.tiles * sizeof(uint32_t));
	if (ret)
		return ret;
	for (slot = 0; slot < c->info.max_images; slot++) {
		struct cim_desc d = { .opcode = CIM_OPC_UNLOAD, .slot = slot };
		struct cim_cpl cpl;

		ret = sim_card_read(c, CIM_OPC_READ_SLOT, slot, &info,
				    sizeof(info));
		if (ret)
			return ret;
		if (!info.valid || !adopt(c, slot, &info))
			continue;
		/* Nothing we can use: free the slot on the card. */
		ret = sim_exec(c, &d, &cpl);
		if (ret)
			return ret;
	}
	return 0;
}

/* Is the image still in its slot on the card, with its tag? */
static int still_resident(struct sim_card *c, const struct sim_image *img)
{
	struct cim_slot_info info;

	return !sim_card_read(c, CIM_OPC_READ_SLOT, img->slot, &info,
			      sizeof(info)) &&
	       info.valid && info.tag.size == img->size &&
	       !memcmp(info.tag.digest, img->digest, 32);
}

/* PROGRAM (and CALIBRATE) of a ready image again, from its copy; 0 or -errno. */
static int reprogram(struct sim_card *c, struct sim_image *img)
{
	struct sim_buf *map = map_new(c, img);
	struct cim_desc d;
	struct cim_cpl cpl;
	int ret;

	if (!map)
		return -ENOMEM;
	program_desc(&d, img, map, img->copy);
	ret = sim_exec(c, &d, &cpl);
	if (!ret)
		ret = sim_status_errno(cpl.status);
	if (!ret && c->analog) {
		calibrate_desc(&d, img, map);
		ret = sim_exec(c, &d, &cpl);
		if (!ret)
			ret = sim_status_errno(cpl.status);
	}
	if (ret != -ECANCELED)
		sim_buf_put(c, map);
	return ret;
}

/*
 * After a card reset, as cim.ko's cim_catalog_restore(): a ready image
 * the card no longer holds is programmed again from its copy; one that
 * cannot be (adopted, so no copy; or its programming fails) is failed:
 * jobs on it get -ENOEXEC.
 */
void sim_catalog_restore(struct sim_card *c)
{
	struct sim_image *img;

	for (img = c->images; img; img = img->next) {
		if (img->state != SIM_IMG_READY || still_resident(c, img))
			continue;
		if (!img->copy || reprogram(c, img))
			img->state = SIM_IMG_FAILED;
	}
}
