// SPDX-License-Identifier: MIT
/* See fake_kernel.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include "cim.h"
#include "cim_compiler.h"	/* the fake card runs the CPU reference */
#include "fake_kernel.h"
#include "uapi/cim_image.h"

#define MAX_OBJ		512
#define MAX_FDS		64

int __real_open(const char *path, int flags, ...);
int __real_close(int fd);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __real_ioctl(int fd, unsigned long req, ...);
int __real_drmIoctl(int fd, unsigned long req, void *arg);
drmVersionPtr __real_drmGetVersion(int fd);
void __real_drmFreeVersion(drmVersionPtr v);
int __real_drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle);
int __real_drmSyncobjDestroy(int fd, uint32_t handle);
int __real_drmSyncobjWait(int fd, uint32_t *handles, unsigned n, int64_t timeout,
			  unsigned flags, uint32_t *first);
int __real_drmSyncobjExportSyncFile(int fd, uint32_t handle, int *out);

struct fake_config fake_cfg;
struct fake_record fake_rec;

enum { FD_NONE, FD_DEV, FD_SYNC };
static struct { int fd, kind, status; } fds[MAX_FDS];

static struct fake_bo {
	int open, mapped;
	uint64_t size;
	uint8_t *mem;
} bos[MAX_OBJ];

static struct fake_syncobj {
	int used, has_fence, signaled, error;
} syncobjs[MAX_OBJ];

static struct fake_image {
	int used;
	uint8_t *data;
	uint64_t size;
} images[MAX_OBJ];

static struct hung_job {
	int used;
	uint32_t syncobj, result_handle, batch;
	uint64_t result_offset;
} hung[MAX_OBJ];

static uint32_t result_handles[MAX_OBJ];

void fake_reset(void)
{
	int i;

	for (i = 0; i < MAX_OBJ; i++) {
		if (bos[i].mem)
			free(bos[i].mem);
		free(images[i].data);
	}
	memset(bos, 0, sizeof(bos));
	memset(images, 0, sizeof(images));
	memset(syncobjs, 0, sizeof(syncobjs));
	memset(hung, 0, sizeof(hung));
	memset(result_handles, 0, sizeof(result_handles));
	memset(&fake_rec, 0, sizeof(fake_rec));
	memset(&fake_cfg, 0, sizeof(fake_cfg));
	fake_cfg.info = (struct drm_cim_device_info){
		.uapi_version = DRM_CIM_UAPI_VERSION, .fw_version = CIM_FW_MAJOR << 16,
		.if_version = 1 << 16, .hw_id = 0x43494d31, .tiles = 8,
		.tile_rows = 256, .tile_cols = 256, .cell_bits = 4,
		.adc_bits = 8, .act_bits = 8, .free_tiles = 8,
		.max_vector = 8192, .max_images = 16, .max_plan_bytes = 65536,
	};
	fake_cfg.info_size = sizeof(struct drm_cim_device_info);
	fake_cfg.driver_name = "cim";
}

static int fd_kind(int fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (fds[i].kind != FD_NONE && fds[i].fd == fd)
			return fds[i].kind;
	return FD_NONE;
}

static int fd_add(int kind, int status)
{
	int fd = __real_open("/dev/null", O_RDWR | O_CLOEXEC), i;

	for (i = 0; fd >= 0 && i < MAX_FDS; i++) {
		if (fds[i].kind == FD_NONE) {
			fds[i].fd = fd;
			fds[i].kind = kind;
			fds[i].status = status;
			return fd;
		}
	}
	abort();
}

int fake_open_fds(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_FDS; i++)
		n += fds[i].kind != FD_NONE;
	return n;
}

int fake_live_bos(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_OBJ; i++)
		n += bos[i].open || bos[i].mapped;
	return n;
}

int fake_live_syncobjs(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_OBJ; i++)
		n += syncobjs[i].used;
	return n;
}

int fake_live_images(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_OBJ; i++)
		n += images[i].used;
	return n;
}

/* ---- system calls ---------------------------------------------------- */

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (!strcmp(path, FAKE_DEV_PATH))
		return fd_add(FD_DEV, 0);
	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return __real_open(path, flags, mode);
}

int __wrap_close(int fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (fds[i].kind != FD_NONE && fds[i].fd == fd)
			fds[i].kind = FD_NONE;
	return __real_close(fd);
}

static void bo_release(struct fake_bo *bo)
{
	if (!bo->open && !bo->mapped) {
		free(bo->mem);
		bo->mem = NULL;
	}
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t h = (uint64_t)off >> 32;

	if (fd_kind(fd) != FD_DEV)
		return __real_mmap(addr, len, prot, flags, fd, off);
	if (!h || h > MAX_OBJ || !bos[h - 1].open || (off & 0xffffffff) ||
	    len > bos[h - 1].size || !(flags & MAP_SHARED) ||
	    prot != (PROT_READ | PROT_WRITE)) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	bos[h - 1].mapped = 1;
	return bos[h - 1].mem;
}

int __wrap_munmap(void *addr, size_t len)
{
	int i;

	for (i = 0; i < MAX_OBJ; i++) {
		if (bos[i].mem && bos[i].mem == addr) {
			if (!bos[i].mapped || len != bos[i].size)
				abort();
			bos[i].mapped = 0;
			bo_release(&bos[i]);
			return 0;
		}
	}
	return __real_munmap(addr, len);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int i;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	for (i = 0; i < MAX_FDS; i++) {
		if (fds[i].kind == FD_SYNC && fds[i].fd == fd &&
		    req == SYNC_IOC_FILE_INFO) {
			struct sync_file_info *info = arg;

			if (info->num_fences || info->flags || info->pad) {
				errno = EINVAL;
				return -1;
			}
			info->status = fds[i].status;
			info->num_fences = 1;
			return 0;
		}
	}
	return __real_ioctl(fd, req, arg);
}

/* ---- libdrm helpers ---------------------------------------------------- */

drmVersionPtr __wrap_drmGetVersion(int fd)
{
	drmVersionPtr v;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmGetVersion(fd);
	v = calloc(1, sizeof(*v));
	v->name = strdup(fake_cfg.driver_name);
	v->name_len = (int)strlen(v->name);
	return v;
}

void __wrap_drmFreeVersion(drmVersionPtr v)
{
	if (!v)
		return;
	free(v->name);
	free(v);
}

static struct fake_syncobj *syncobj_get(uint32_t h)
{
	if (!h || h > MAX_OBJ || !syncobjs[h - 1].used)
		return NULL;
	return &syncobjs[h - 1];
}

int __wrap_drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle)
{
	int i;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmSyncobjCreate(fd, flags, handle);
	if (flags) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < MAX_OBJ; i++) {
		if (!syncobjs[i].used) {
			memset(&syncobjs[i], 0, sizeof(syncobjs[i]));
			syncobjs[i].used = 1;
			*handle = (uint32_t)i + 1;
			return 0;
		}
	}
	errno = ENOMEM;
	return -1;
}

int __wrap_drmSyncobjDestroy(int fd, uint32_t handle)
{
	struct fake_syncobj *so;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmSyncobjDestroy(fd, handle);
	so = syncobj_get(handle);
	if (!so) {
		errno = EINVAL;
		return -1;
	}
	so->used = 0;
	return 0;
}

/* libdrm's drmSyncobjWait returns -errno. */
int __wrap_drmSyncobjWait(int fd, uint32_t *handles, unsigned n, int64_t timeout,
			  unsigned flags, uint32_t *first)
{
	unsigned i;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmSyncobjWait(fd, handles, n, timeout, flags, first);
	fake_rec.last_wait_deadline = timeout;
	fake_rec.last_wait_flags = flags;
	if (!n || flags)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct fake_syncobj *so = syncobj_get(handles[i]);

		if (!so || !so->has_fence)
			return -EINVAL;
		if (!so->signaled)
			return -ETIME;
	}
	if (first)
		*first = 0;
	return 0;
}

int __wrap_drmSyncobjExportSyncFile(int fd, uint32_t handle, int *out)
{
	struct fake_syncobj *so;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmSyncobjExportSyncFile(fd, handle, out);
	so = syncobj_get(handle);
	if (!so || !so->has_fence) {
		errno = EINVAL;
		return -1;
	}
	*out = fd_add(FD_SYNC, so->error ? so->error : so->signaled);
	return 0;
}

/* ---- the driver's ioctls ----------------------------------------------- */

static struct fake_bo *bo_get(uint32_t h)
{
	if (!h || h > MAX_OBJ || !bos[h - 1].open)
		return NULL;
	return &bos[h - 1];
}

static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Entries of the n of esize bytes that fit after an hsize header in size. */
static uint32_t list_fit(uint32_t size, uint32_t hsize, uint32_t esize,
			 uint32_t n)
{
	uint32_t fit = size > hsize ? (size - hsize) / esize : 0;

	return fit < n ? fit : n;
}

/* A list query answered like cim.ko does, with fake_cfg's contents. */
static int do_list_query(struct drm_cim_query *q)
{
	uint32_t pad = fake_cfg.catalog_pad, i, n, hsize, esize, need;
	int images = q->query == DRM_CIM_QUERY_IMAGES;
	uint8_t buf[4096];

	memset(buf, 0, sizeof(buf));
	if (images) {
		struct drm_cim_images h = { 0 };
		struct drm_cim_image_entry e;

		n = fake_cfg.catalog_images;
		hsize = sizeof(h) + pad;
		esize = sizeof(e) + pad;
		h.header_size = hsize;
		h.entry_size = esize;
		h.total = n;
		h.programs = 11;
		h.hits = 22;
		h.evictions = 33;
		h.adopted = 44;
		for (i = 0; i < n; i++) {
			uint8_t d[32];
			uint32_t j;

			memset(&e, 0, sizeof(e));
			for (j = 0; j < 32; j++)
				d[j] = (uint8_t)(0x10 * i + j);
			memcpy(e.sha256, d, 32);
			e.size = 1000 + i;
			e.last_use_ns = 5000 + i;
			e.slot = i;
			e.tiles = i + 1;
			e.users = i % 2;
			e.state = DRM_CIM_IMAGE_READY;
			if (hsize + (i + 1) * esize > sizeof(buf))
				return -ENOSPC;
			memcpy(buf + hsize + i * esize, &e, sizeof(e));
		}
		h.count = list_fit(q->size, hsize, esize, n);
		memcpy(buf, &h, sizeof(h));
	} else {
		struct drm_cim_tiles h = { 0 };
		struct drm_cim_tile_entry e;

		n = 8;
		hsize = sizeof(h) + pad;
		esize = (fake_cfg.tiles_short ? 8 : sizeof(e)) + pad;
		h.header_size = hsize;
		h.entry_size = esize;
		h.total = n;
		for (i = 0; i < n; i++) {
			memset(&e, 0, sizeof(e));
			e.pe_cycles = 3 * i;
			e.slot = i % 2 ? DRM_CIM_TILE_FREE : i;
			e.flags = DRM_CIM_TILE_F_ACTIVITY | DRM_CIM_TILE_F_SIMD;
			e.mvms = 100 + i;
			e.macs = 1000 * i;
			e.busy_ns = 1000 * (i + 1);
			e.simd_ns = 1000 * (i + 2);
			e.simd_ops = i + 3;
			e.program_pulses = i + 4;
			memcpy(buf + hsize + i * esize, &e,
			       esize - pad < sizeof(e) ? esize - pad : sizeof(e));
		}
		h.count = list_fit(q->size, hsize, esize, n);
		memcpy(buf, &h, sizeof(h));
	}
	need = hsize + n * esize;
	if (q->size) {
		if (!q->data)
			return -EFAULT;
		memcpy((void *)(uintptr_t)q->data, buf,
		       q->size < need ? q->size : need);
	}
	q->size = need;
	return 0;
}

static int do_query(struct drm_cim_query *q)
{
	uint32_t n = fake_rec.query_calls++;

	if (n < 4) {
		fake_rec.query_size[n] = q->size;
		fake_rec.query_data[n] = q->data;
	}
	if (q->flags || q->pad)
		return -EINVAL;
	if (fake_cfg.catalog_query && (q->query == DRM_CIM_QUERY_IMAGES ||
				       q->query == DRM_CIM_QUERY_TILES))
		return do_list_query(q);
	if (q->query != DRM_CIM_QUERY_DEVICE_INFO)
		return -EINVAL;
	if (q->size) {
		uint32_t len = q->size < fake_cfg.info_size ? q->size :
							    fake_cfg.info_size;
		uint8_t src[256] = { 0 };

		if (!q->data)
			return -EFAULT;
		memcpy(src, &fake_cfg.info, sizeof(fake_cfg.info));
		memcpy((void *)(uintptr_t)q->data, src, len);
	}
	q->size = fake_cfg.info_size;
	return 0;
}

static int do_bo_create(struct drm_cim_bo_create *c)
{
	int i;

	fake_rec.bo_creates++;
	if (c->flags || !c->size || c->size > (1ull << 32))
		return -EINVAL;
	for (i = 0; i < MAX_OBJ; i++) {
		if (!bos[i].open && !bos[i].mapped) {
			bos[i].size = (c->size + 4095) & ~4095ull;
			bos[i].mem = aligned_alloc(4096, bos[i].size);
			memset(bos[i].mem, 0xcc, bos[i].size);
			bos[i].open = 1;
			c->handle = (uint32_t)i + 1;
			return 0;
		}
	}
	return -ENOMEM;
}

static int do_mmap_offset(struct drm_cim_bo_mmap_offset *m)
{
	if (m->pad)
		return -EINVAL;
	if (!bo_get(m->handle))
		return -ENOENT;
	m->offset = (uint64_t)m->handle << 32;
	return 0;
}

static int do_bo_wait(struct drm_cim_bo_wait *w)
{
	fake_rec.last_bo_wait_deadline = w->timeout_ns;
	if (w->pad)
		return -EINVAL;
	return bo_get(w->handle) ? 0 : -ENOENT;
}

static void fence(uint32_t syncobj, int signaled, int error)
{
	struct fake_syncobj *so = syncobj_get(syncobj);

	so->has_fence = 1;
	so->signaled = signaled;
	so->error = error;
}

static int do_image_load(struct drm_cim_image_load *l)
{
	struct cim_image_limits lim = {
		fake_cfg.info.tile_rows, fake_cfg.info.tile_cols,
		fake_cfg.info.cell_bits, fake_cfg.info.max_vector,
		fake_cfg.info.max_plan_bytes, fake_cfg.info.tiles, UINT32_MAX,
	};
	struct fake_bo *bo = bo_get(l->bo_handle);
	const char *why;
	uint8_t *img;
	int i;

	fake_rec.image_loads++;
	fake_rec.last_load = *l;
	if (l->flags || l->pad)
		return -EINVAL;
	if (!bo)
		return -ENOENT;
	if (l->out_syncobj && !syncobj_get(l->out_syncobj))
		return -ENOENT;
	if (!range_ok(l->offset, l->size, bo->size))
		return -EINVAL;
	img = bo->mem + l->offset;
	if (cim_image_check(img, l->size, &lim, &why) ||
	    cim_image_crc(img, l->size) != ((struct cim_image_header *)img)->crc32)
		return -EINVAL;
	if (fake_cfg.load_errno)
		return -fake_cfg.load_errno;
	for (i = 0; i < MAX_OBJ && images[i].used; i++)
		;
	images[i].used = 1;
	images[i].size = l->size;
	images[i].data = malloc(l->size);
	memcpy(images[i].data, img, l->size);
	l->image_handle = (uint32_t)i + 1;
	l->tiles = ((struct cim_image_header *)img)->n_vtiles;
	if (l->out_syncobj && !fake_cfg.program_no_fence)
		fence(l->out_syncobj, 1, fake_cfg.program_fence_error);
	return 0;
}

static int do_image_release(struct drm_cim_image_release *r)
{
	fake_rec.image_releases++;
	if (r->pad)
		return -EINVAL;
	if (!r->image_handle || r->image_handle > MAX_OBJ ||
	    !images[r->image_handle - 1].used)
		return -ENOENT;
	images[r->image_handle - 1].used = 0;
	free(images[r->image_handle - 1].data);
	images[r->image_handle - 1].data = NULL;
	return 0;
}

static void note_result_bo(uint32_t h)
{
	int i;

	for (i = 0; i < MAX_OBJ && result_handles[i]; i++)
		if (result_handles[i] == h)
			return;
	result_handles[i] = h;
	fake_rec.result_bos_seen++;
}

static void write_result(uint32_t handle, uint64_t off, uint32_t status,
			 uint32_t batch)
{
	struct drm_cim_job_result *r;

	if (!handle)
		return;
	r = (struct drm_cim_job_result *)(bo_get(handle)->mem + off);
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->batch_done = status ? 0 : batch;
	r->device_time_ns = 1000ull * batch + 7;
}

static int do_submit(struct drm_cim_submit *s)
{
	const uint32_t *in_so = (const uint32_t *)(uintptr_t)s->in_syncobjs;
	struct fake_bo *in = bo_get(s->in_handle), *out = bo_get(s->out_handle);
	struct fake_image *im;
	const struct cim_image_header *h;
	uint32_t i;

	fake_rec.submits++;
	fake_rec.last_submit = *s;
	if ((s->flags & ~DRM_CIM_SUBMIT_EXIT_MARGIN) ||
	    (s->exit_margin && !(s->flags & DRM_CIM_SUBMIT_EXIT_MARGIN)) ||
	    s->priority > DRM_CIM_PRIO_HIGH ||
	    !s->batch || s->batch > 65535 || s->in_syncobj_count > 64)
		return -EINVAL;
	if (!s->image_handle || s->image_handle > MAX_OBJ ||
	    !images[s->image_handle - 1].used)
		return -ENOENT;
	im = &images[s->image_handle - 1];
	h = (const void *)im->data;
	if (!in || !out)
		return -ENOENT;
	if (!range_ok(s->in_offset, (uint64_t)s->batch * h->input_size, in->size) ||
	    !range_ok(s->out_offset, (uint64_t)s->batch * h->output_size, out->size))
		return -EINVAL;
	if (s->result_handle) {
		struct fake_bo *r = bo_get(s->result_handle);

		if (!r)
			return -ENOENT;
		if ((s->result_offset & 7) ||
		    !range_ok(s->result_offset, sizeof(struct drm_cim_job_result),
			      r->size))
			return -EINVAL;
		note_result_bo(s->result_handle);
	}
	if (s->in_syncobj_count && !in_so)
		return -EFAULT;
	for (i = 0; i < s->in_syncobj_count; i++) {
		fake_rec.last_in_syncobjs[i] = in_so[i];
		if (!syncobj_get(in_so[i]))
			return -ENOENT;
	}
	if (s->out_syncobj && !syncobj_get(s->out_syncobj))
		return -ENOENT;

	if (!fake_cfg.job_status &&
	    cim_ref_run_image(im->data, im->size,
			      (const int8_t *)in->mem + s->in_offset,
			      (int8_t *)out->mem + s->out_offset, s->batch))
		abort();
	if (fake_cfg.corrupt_output)
		out->mem[s->out_offset]++;
	if (fake_cfg.job_hang) {
		for (i = 0; hung[i].used; i++)
			;
		hung[i] = (struct hung_job){ 1, s->out_syncobj, s->result_handle,
					     s->batch, s->result_offset };
		if (s->out_syncobj)
			fence(s->out_syncobj, 0, 0);
		return 0;
	}
	if (!fake_cfg.job_no_result)
		write_result(s->result_handle, s->result_offset,
			     fake_cfg.job_status, s->batch);
	if (s->out_syncobj)
		fence(s->out_syncobj, 1, fake_cfg.job_fence_error);
	return 0;
}

void fake_complete_hung_jobs(void)
{
	int i;

	for (i = 0; i < MAX_OBJ; i++) {
		struct hung_job *j = &hung[i];

		if (!j->used)
			continue;
		if (bo_get(j->result_handle))
			write_result(j->result_handle, j->result_offset, 0, j->batch);
		if (syncobj_get(j->syncobj))
			fence(j->syncobj, 1, 0);
		j->used = 0;
	}
}

static int do_gem_close(struct drm_gem_close *c)
{
	struct fake_bo *bo = bo_get(c->handle);

	fake_rec.gem_closes++;
	if (c->pad)
		return -EINVAL;
	if (!bo)
		return -EINVAL;
	bo->open = 0;
	bo_release(bo);
	return 0;
}

int __wrap_drmIoctl(int fd, unsigned long req, void *arg)
{
	int ret;

	if (fd_kind(fd) != FD_DEV)
		return __real_drmIoctl(fd, req, arg);
	switch (req) {
	case DRM_IOCTL_CIM_QUERY: ret = do_query(arg); break;
	case DRM_IOCTL_CIM_BO_CREATE: ret = do_bo_create(arg); break;
	case DRM_IOCTL_CIM_BO_MMAP_OFFSET: ret = do_mmap_offset(arg); break;
	case DRM_IOCTL_CIM_BO_WAIT: ret = do_bo_wait(arg); break;
	case DRM_IOCTL_CIM_IMAGE_LOAD: ret = do_image_load(arg); break;
	case DRM_IOCTL_CIM_IMAGE_RELEASE: ret = do_image_release(arg); break;
	case DRM_IOCTL_CIM_SUBMIT: ret = do_submit(arg); break;
	case DRM_IOCTL_GEM_CLOSE: ret = do_gem_close(arg); break;
	default: ret = -ENOTTY;
	}
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}
