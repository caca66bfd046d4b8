// SPDX-License-Identifier: MIT
/*
 * The fuzzer's operations: each builds a mostly valid struct from
 * uapi/drm/cim_accel.h, breaks one field (or none), and says what the
 * kernel must answer: a valid call on the thread's own file must succeed,
 * a broken pad/flags/size field must fail, anything else may return any
 * documented errno.  Handles come valid, stale (released, closed) or
 * foreign (another file's); sizes sit near BO ends and wrap u64.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include <cim_image.h>
#include "fuzz.h"

#define KADDR	0xffff888000000000ull	/* a kernel address */

uint64_t fz_rand(struct fz_thread *t)
{
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz_thread *t, uint64_t n)
{
	return n ? fz_rand(t) % n : 0;
}

static int fz_errno_known(int e)
{
	switch (e) {
	case EINVAL: case ENOENT: case EFAULT: case ERANGE: case ENOSPC:
	case ENOMEM: case EBADMSG: case ETIME: case E2BIG: case EOVERFLOW:
	case EBUSY: case ENODEV: case EOPNOTSUPP: case ENOTTY: case EACCES:
	case EPERM: case ETIMEDOUT: case EDEADLK: case ENOSYS:
		return 1;
	}
	return 0;
}

int fz_call(struct fz_thread *t, int fd, unsigned long req, void *arg,
	    const char *what, int must)
{
	int ret, bad;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	ret = ret == -1 ? -errno : 0;
	t->n++;
	__atomic_add_fetch(&t->sh->ioctls, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->sh->by_errno[-ret < 159 ? -ret : 159], 1,
			   __ATOMIC_RELAXED);
	bad = (ret && !fz_errno_known(-ret) &&
	       !(must == FZ_CORE && (ret == -EBADF || ret == -EMFILE))) ||
	      (must == FZ_OK && ret && ret != -ENOSPC && ret != -ENOMEM) ||
	      (must == FZ_FAIL && ret == 0);
	if (bad && __atomic_add_fetch(&t->sh->violations, 1,
				      __ATOMIC_RELAXED) <= 30)
		printf("  fuzz: thread %d call %llu: %s returned %d, expected %s\n",
		       t->id, (unsigned long long)t->n, what, ret,
		       must == FZ_OK ? "success" : must == FZ_FAIL ?
		       "an error" : "a documented errno");
	return ret;
}

static int64_t fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Sizes and offsets near an end: end - k, end, end + 1, or u64 wrap. */
static uint64_t fz_near(struct fz_thread *t, uint64_t end, uint64_t item)
{
	switch (fz_below(t, 6)) {
	case 0: return end > item ? end - item : 0;
	case 1: return end;
	case 2: return end + 1;
	case 3: return end > item ? end - item + 1 : 1;
	case 4: return ~0ull - fz_below(t, 4096);
	default: return 1ull << (32 + fz_below(t, 32));
	}
}

static void fz_stale_add(struct fz_thread *t, uint32_t h)
{
	t->stale[fz_below(t, FZ_POOL)] = h;
}

/* A handle for pool p: valid, stale, foreign, small or any u32. */
static uint32_t fz_pick(struct fz_thread *t, struct fz_handle *p, int fd,
			int *valid)
{
	struct fz_handle *e = &p[fz_below(t, FZ_POOL)];

	*valid = 0;
	switch (fz_below(t, 10)) {
	case 0: return t->stale[fz_below(t, FZ_POOL)];
	case 1: return (uint32_t)fz_below(t, 64);
	case 2: return (uint32_t)fz_rand(t);
	case 3: return e->h;	/* maybe another file's */
	default:
		if (e->h && e->fd == fd)
			*valid = 1;
		return e->h;
	}
}

static int fz_fd(struct fz_thread *t)
{
	return fz_below(t, 3) ? t->fd : t->shared_fd;
}

static void fz_gem_close(struct fz_thread *t, int fd, uint32_t h, int must)
{
	struct drm_gem_close c = { .handle = h };

	fz_call(t, fd, DRM_IOCTL_GEM_CLOSE, &c, "GEM_CLOSE", must);
}

static void op_query(struct fz_thread *t)
{
	static __thread uint8_t buf[8192];
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO,
				   .size = sizeof(struct drm_cim_device_info),
				   .data = (uintptr_t)buf };
	int must = FZ_OK, fd = fz_fd(t);

	if (fz_below(t, 2))
		q.query = (uint32_t)fz_below(t, 3);
	if (q.query)
		q.size = (uint32_t)fz_below(t, sizeof(buf));
	switch (fz_below(t, 12)) {
	case 0: q.flags = 1u << fz_below(t, 32); must = FZ_FAIL; break;
	case 1: q.pad = (uint32_t)fz_rand(t) | 1; must = FZ_FAIL; break;
	case 2: q.data = 0; q.size = 1 + (uint32_t)fz_below(t, 64); must = FZ_FAIL; break;
	case 3: q.data = KADDR; q.size = 1 + (uint32_t)fz_below(t, 64); must = FZ_FAIL; break;
	case 4: q.data = 4096 + fz_below(t, 4096); q.size = 64; must = FZ_FAIL; break;
	case 5: q.query = 3 + (uint32_t)fz_below(t, 1000); must = FZ_FAIL; break;
	case 6: q.size = 0; break;
	case 7: q.size = (uint32_t)fz_rand(t); q.data = (uintptr_t)buf;
		must = FZ_ANY; break;
	}
	fz_call(t, fd, DRM_IOCTL_CIM_QUERY, &q, "QUERY",
		fd == t->fd ? must : must == FZ_OK ? FZ_ANY : must);
}

static void pool_put(struct fz_thread *t, struct fz_handle *p, int fd,
		     uint32_t h, uint64_t size, int is_bo)
{
	struct fz_handle *e = &p[fz_below(t, FZ_POOL)];

	if (e->h) {
		if (is_bo)
			fz_gem_close(t, e->fd, e->h, FZ_ANY);
		else
			fz_call(t, e->fd, DRM_IOCTL_CIM_IMAGE_RELEASE,
				&(struct drm_cim_image_release){ .image_handle = e->h },
				"IMAGE_RELEASE", FZ_ANY);
		fz_stale_add(t, e->h);
	}
	*e = (struct fz_handle){ .fd = fd, .h = h, .size = size };
}

static void op_bo_create(struct fz_thread *t)
{
	struct drm_cim_bo_create c = { .size = 1 + fz_below(t, 256 << 10) };
	int fd = fz_fd(t), must = fd == t->fd ? FZ_OK : FZ_ANY, ret;
	int huge = 0;

	switch (fz_below(t, 10)) {
	case 0: c.size = 0; must = FZ_FAIL; break;
	case 1: c.flags = 1u << fz_below(t, 32); must = FZ_FAIL; break;
	case 2: c.size = fz_near(t, 1ull << 40, 4096); huge = 1; must = FZ_ANY; break;
	case 3: c.handle = (uint32_t)fz_rand(t); must = FZ_ANY; break;	/* out field */
	}
	ret = fz_call(t, fd, DRM_IOCTL_CIM_BO_CREATE, &c, "BO_CREATE", must);
	if (ret)
		return;
	if (huge)	/* never backed: touching it could OOM the VM */
		fz_gem_close(t, fd, c.handle, FZ_ANY);
	else
		pool_put(t, t->bos, fd, c.handle, c.size, 1);
}

static void op_mmap(struct fz_thread *t)
{
	struct fz_handle *e = &t->bos[fz_below(t, FZ_POOL)];
	struct drm_cim_bo_mmap_offset o = { 0 };
	int valid, fd = fz_fd(t), must, ret;
	size_t len;
	uint8_t *p;

	o.handle = fz_pick(t, t->bos, fd, &valid);
	must = valid && fd == t->fd ? FZ_OK : FZ_ANY;
	if (!fz_below(t, 6)) {
		o.pad = (uint32_t)fz_rand(t) | 1;
		must = FZ_FAIL;
	}
	ret = fz_call(t, fd, DRM_IOCTL_CIM_BO_MMAP_OFFSET, &o, "BO_MMAP_OFFSET",
		      must);
	/* Map and touch both ends of one of our own BOs now and then. */
	if (ret || !valid || fz_below(t, 4))
		return;
	for (e = t->bos; e < t->bos + FZ_POOL; e++)
		if (e->h == o.handle && e->fd == fd)
			break;
	if (e == t->bos + FZ_POOL || e->size > (1 << 20))
		return;
	len = (e->size + 4095) & ~4095ull;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, o.offset);
	if (p == MAP_FAILED)
		return;
	p[0] ^= 1;
	p[len - 1] ^= 1;
	munmap(p, len);
}

static void op_bo_wait(struct fz_thread *t)
{
	struct drm_cim_bo_wait w = { 0 };
	int valid, fd = fz_fd(t), must;

	w.handle = fz_pick(t, t->bos, fd, &valid);
	if (!fz_below(t, 3) && t->kit_ok && fd == t->fd) {
		w.handle = t->kit_out;
		valid = 1;
	}
	must = FZ_ANY;
	switch (fz_below(t, 6)) {
	case 0: w.timeout_ns = 0; break;
	case 1: w.timeout_ns = -(int64_t)fz_below(t, 1ull << 62); break;
	case 2: w.pad = (uint32_t)fz_rand(t) | 1; must = FZ_FAIL; break;
	default: w.timeout_ns = fz_now() + (int64_t)fz_below(t, 3000000); break;
	}
	fz_call(t, fd, DRM_IOCTL_CIM_BO_WAIT, &w, "BO_WAIT", must);
}

/* Break an image: bytes, a header field at a boundary, or noise. */
static void fz_mutate(struct fz_thread *t, uint8_t *img, uint64_t size)
{
	struct cim_image_header *h = (struct cim_image_header *)img;
	static const uint32_t edge[] = { 0, 1, 7, 8, 0x7fffffffu, 0x80000000u,
					 0xffffffffu, 0xfffffff8u, 4096 };
	uint64_t i, n;

	switch (fz_below(t, 4)) {
	case 0:
		n = 1 + fz_below(t, 8);
		for (i = 0; i < n; i++)
			img[fz_below(t, size)] ^= (uint8_t)(1 + fz_below(t, 255));
		break;
	case 1:	/* one header word */
		((uint32_t *)img)[fz_below(t, sizeof(*h) / 4)] =
			fz_below(t, 2) ? edge[fz_below(t, 9)] :
			(uint32_t)fz_below(t, size + 16);
		break;
	case 2:	/* one word of the tables after the header */
		if (size > sizeof(*h) + 4)
			((uint32_t *)img)[(sizeof(*h) + fz_below(t, size - sizeof(*h) - 4)) / 4] =
				edge[fz_below(t, 9)];
		break;
	default:	/* noise after a believable header */
		for (i = sizeof(*h); i + 8 <= size; i += 8)
			if (!fz_below(t, 16))
				*(uint64_t *)(img + i) = fz_rand(t);
		break;
	}
	if (fz_below(t, 4))	/* mostly past the CRC, into the checker */
		h->crc32 = cim_image_crc(img, size);
}

/* A fresh BO on fd holding an image, valid or mutated, at *off. */
static int fz_image_bo(struct fz_thread *t, int fd, uint32_t *bo,
		       uint64_t *off, uint64_t *size, int *mutated)
{
	const struct vm_model *m = &fz_models[fz_below(t, FZ_MODELS)].m;
	struct drm_cim_bo_create c = { 0 };
	uint64_t bsize;
	uint8_t *p;

	*off = fz_below(t, 2) ? 0 : 8 * fz_below(t, 64);
	*size = m->size;
	*mutated = !fz_below(t, 3);
	bsize = *off + m->size + fz_below(t, 2) * 4096;
	c.size = bsize;
	if (fz_call(t, fd, DRM_IOCTL_CIM_BO_CREATE, &c, "BO_CREATE", FZ_ANY))
		return -1;
	*bo = c.handle;
	p = vm_bo_map(fd, c.handle, bsize);
	t->n++;
	__atomic_add_fetch(&t->sh->ioctls, 1, __ATOMIC_RELAXED);
	if (!p) {
		fz_gem_close(t, fd, c.handle, FZ_ANY);
		return -1;
	}
	memcpy(p + *off, m->image, m->size);
	if (*mutated)
		fz_mutate(t, p + *off, m->size);
	munmap(p, bsize);
	return 0;
}

static void op_image_load(struct fz_thread *t)
{
	struct drm_cim_image_load l = { 0 };
	int fd = fz_fd(t), mutated, must, ret;
	uint64_t off, size;
	uint32_t bo;

	/*
	 * Loads racing releases of the same images on one file (the image
	 * user leak of issue 15 item 3): with --race-images, as check.sh
	 * runs it.
	 */
	if (!t->race_images)
		fd = t->fd;

	if (fz_image_bo(t, fd, &bo, &off, &size, &mutated))
		return;
	l.bo_handle = bo;
	l.offset = off;
	l.size = size;
	must = mutated ? FZ_ANY : fd == t->fd ? FZ_OK : FZ_ANY;
	switch (fz_below(t, 12)) {
	case 0: l.flags = 1u << fz_below(t, 32); must = FZ_FAIL; break;
	case 1: l.pad = (uint32_t)fz_rand(t) | 1; must = FZ_FAIL; break;
	case 2: l.offset = fz_below(t, 2) ? off + size + 4096 + 8 * fz_below(t, 512) :
			~0ull - 8 * fz_below(t, 512);	/* past the end, or wraps */
		must = FZ_FAIL; break;
	case 3: l.size = fz_near(t, size, 1); must = l.size == size ? must : FZ_FAIL; break;
	case 4: l.size = 0; must = FZ_FAIL; break;
	case 5: l.out_syncobj = (uint32_t)fz_below(t, 64) + 1000; must = FZ_FAIL; break;
	case 6: l.out_syncobj = t->syncs[fz_below(t, FZ_POOL)].h; must = FZ_ANY; break;
	case 7: { int v; l.bo_handle = fz_pick(t, t->bos, fd, &v); must = FZ_ANY; break; }
	}
	ret = fz_call(t, fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l, "IMAGE_LOAD", must);
	fz_gem_close(t, fd, bo, FZ_ANY);
	if (ret)
		return;
	if (fz_below(t, 2)) {
		pool_put(t, t->imgs, fd, l.image_handle, 0, 0);
		return;
	}
	/* Release at once: loads and releases race on the shared file. */
	fz_call(t, fd, DRM_IOCTL_CIM_IMAGE_RELEASE,
		&(struct drm_cim_image_release){ .image_handle = l.image_handle },
		"IMAGE_RELEASE", FZ_ANY);
	fz_stale_add(t, l.image_handle);
}

static void op_image_release(struct fz_thread *t)
{
	struct drm_cim_image_release r = { 0 };
	struct fz_handle *e = &t->imgs[fz_below(t, FZ_POOL)];
	int fd = t->shared_fd, must = FZ_ANY;

	/*
	 * Handles not ours go to the shared file only: on our own file they
	 * could drop the kit's image, whose handle a new load then reuses.
	 */
	r.image_handle = e->h;
	switch (fz_below(t, 8)) {
	case 0: r.pad = (uint32_t)fz_rand(t) | 1; must = FZ_FAIL;
		fd = e->h ? e->fd : fd; break;
	case 1: r.image_handle = t->stale[fz_below(t, FZ_POOL)]; break;
	case 2: r.image_handle = (uint32_t)fz_rand(t); break;
	case 3: break;	/* foreign: maybe our own file's handle */
	default:
		if (!e->h)
			break;
		fd = e->fd;
		if (fd == t->fd)
			must = FZ_OK;
		fz_call(t, fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r, "IMAGE_RELEASE",
			must);
		fz_stale_add(t, e->h);
		e->h = 0;
		return;
	}
	fz_call(t, fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r, "IMAGE_RELEASE", must);
}

static void kit_drop(struct fz_thread *t);

/* The thread's valid job: an image and BOs on its own file. */
static int kit_make(struct fz_thread *t)
{
	const struct vm_model *m;
	uint32_t bo;

	if (t->kit_ok)
		return 0;
	t->kit_model = (int)fz_below(t, FZ_MODELS);
	m = &fz_models[t->kit_model].m;
	/* Six ioctls through the suite's helpers, counted here. */
	t->n += 6;
	__atomic_add_fetch(&t->sh->ioctls, 6, __ATOMIC_RELAXED);
	bo = 0;
	if (vm_image_load(t->fd, m, &bo, &t->kit_img, 0)) {
		if (bo)
			fz_gem_close(t, t->fd, bo, FZ_ANY);
		return -1;
	}
	if (vm_bo_create(t->fd, (uint64_t)m->in_size * FZ_KIT_BATCH, &t->kit_in) ||
	    vm_bo_create(t->fd, (uint64_t)m->out_size * FZ_KIT_BATCH, &t->kit_out) ||
	    vm_bo_create(t->fd, 4096, &t->kit_res))
		return -1;
	fz_gem_close(t, t->fd, bo, FZ_OK);
	t->kit_ok = 1;
	return 0;
}

static void kit_drop(struct fz_thread *t)
{
	t->kit_ok = 0;
}

/* A valid job now and then checked bit-exact against the CPU reference. */
static void op_submit_valid(struct fz_thread *t)
{
	const struct vm_model *m;
	struct drm_cim_submit s = { 0 };
	struct drm_cim_bo_wait w = { 0 };
	int8_t *in, *out, ref[4096];
	uint32_t batch;
	int check;

	if (kit_make(t))
		return;
	m = &fz_models[t->kit_model].m;
	batch = 1 + (uint32_t)fz_below(t, FZ_KIT_BATCH);
	check = !fz_below(t, 16) && (uint64_t)m->out_size * batch <= sizeof(ref);
	s.image_handle = t->kit_img;
	s.in_handle = t->kit_in;
	s.out_handle = t->kit_out;
	s.batch = batch;
	s.priority = (uint32_t)fz_below(t, 2);
	if (fz_below(t, 2)) {
		s.result_handle = t->kit_res;
		s.result_offset = 8 * fz_below(t, 4096 / 8 - 4);
	}
	if (!fz_below(t, 8)) {
		s.flags = DRM_CIM_SUBMIT_EXIT_MARGIN;
		s.exit_margin = (uint32_t)fz_below(t, 300);
	}
	if (!fz_below(t, 10)) {
		s = (struct drm_cim_submit){ .flags = DRM_CIM_SUBMIT_NOP };
		check = 0;
	}
	if (!check) {
		fz_call(t, t->fd, DRM_IOCTL_CIM_SUBMIT, &s, "SUBMIT", FZ_OK);
		return;
	}
	in = vm_bo_map(t->fd, t->kit_in, (size_t)m->in_size * FZ_KIT_BATCH);
	out = vm_bo_map(t->fd, t->kit_out, (size_t)m->out_size * FZ_KIT_BATCH);
	if (!in || !out)
		goto out;
	/* Earlier jobs may still write out: wait before touching it. */
	w.handle = t->kit_out;
	w.timeout_ns = fz_now() + 60000000000ll;
	if (fz_call(t, t->fd, DRM_IOCTL_CIM_BO_WAIT, &w, "BO_WAIT", FZ_OK))
		goto out;
	vm_fill_random(in, (size_t)m->in_size * batch, (uint32_t)fz_rand(t));
	memset(out, 0x5a, (size_t)m->out_size * batch);
	if (fz_call(t, t->fd, DRM_IOCTL_CIM_SUBMIT, &s, "SUBMIT", FZ_OK))
		goto out;
	w.timeout_ns = fz_now() + 60000000000ll;
	if (fz_call(t, t->fd, DRM_IOCTL_CIM_BO_WAIT, &w, "BO_WAIT", FZ_OK))
		goto out;
	if (cim_ref_run_image(m->image, m->size, in, ref, batch) ||
	    memcmp(ref, out, (size_t)m->out_size * batch)) {
		__atomic_add_fetch(&t->sh->violations, 1, __ATOMIC_RELAXED);
		printf("  fuzz: thread %d: a valid job's output differs from the reference\n",
		       t->id);
	} else {
		__atomic_add_fetch(&t->sh->jobs_ok, 1, __ATOMIC_RELAXED);
	}
out:
	if (in)
		munmap(in, (size_t)m->in_size * FZ_KIT_BATCH);
	if (out)
		munmap(out, (size_t)m->out_size * FZ_KIT_BATCH);
}

/* What a range [off, off + len) in a BO of size end must give. */
static int fz_fits(uint64_t off, uint64_t len, uint64_t end)
{
	return off <= end && end - off >= len ? FZ_OK : FZ_FAIL;
}

/* A valid submission with one field broken, or random handles. */
static void op_submit_broken(struct fz_thread *t)
{
	static const uint64_t bad_ptr[] = { 0, 1, 4096, KADDR, ~0ull - 3 };
	const struct vm_model *m;
	struct drm_cim_submit s = { 0 };
	uint32_t syncs[4];
	int fd = t->fd, must = FZ_FAIL, v, i;
	uint64_t in_bytes, out_bytes;

	if (kit_make(t))
		return;
	m = &fz_models[t->kit_model].m;
	/* BOs are whole pages: their ends. */
	in_bytes = ((uint64_t)m->in_size * FZ_KIT_BATCH + 4095) & ~4095ull;
	out_bytes = ((uint64_t)m->out_size * FZ_KIT_BATCH + 4095) & ~4095ull;
	s.image_handle = t->kit_img;
	s.in_handle = t->kit_in;
	s.out_handle = t->kit_out;
	s.batch = 1 + (uint32_t)fz_below(t, FZ_KIT_BATCH);
	for (i = 0; i < 4; i++)
		syncs[i] = t->syncs[fz_below(t, FZ_POOL)].h;
	switch (fz_below(t, 22)) {
	case 0: s.flags = 1u << (2 + fz_below(t, 30)); break;
	case 1: s.exit_margin = 1 + (uint32_t)fz_below(t, 300); break;
	case 2: s.flags = DRM_CIM_SUBMIT_NOP; break;	/* NOP with fields */
	case 3: s.batch = 0; break;
	case 4: s.batch = 65536 + (uint32_t)fz_below(t, 1u << 31); break;
	case 5: s.priority = 2 + (uint32_t)fz_below(t, 1000); break;
	case 6: s.in_offset = fz_near(t, in_bytes, m->in_size);
		s.batch = FZ_KIT_BATCH;
		must = fz_fits(s.in_offset, (uint64_t)m->in_size * s.batch, in_bytes);
		break;
	case 7: s.out_offset = fz_near(t, out_bytes, m->out_size);
		s.batch = FZ_KIT_BATCH;
		must = fz_fits(s.out_offset, (uint64_t)m->out_size * s.batch, out_bytes);
		break;
	case 8: s.result_handle = t->kit_res;
		s.result_offset = 8 * fz_below(t, 512) + 1 + fz_below(t, 7);
		break;
	case 9: s.result_handle = t->kit_res;
		s.result_offset = fz_near(t, 4096, 32) & ~7ull;
		must = fz_fits(s.result_offset, 32, 4096);
		break;
	case 10: s.in_syncobj_count = 65 + (uint32_t)fz_below(t, 1000); break;
	case 11: s.in_syncobj_count = ~0u - (uint32_t)fz_below(t, 16); break;
	case 12: s.in_syncobj_count = 1 + (uint32_t)fz_below(t, 4);
		s.in_syncobjs = bad_ptr[fz_below(t, 5)];
		break;
	case 13: s.in_syncobj_count = 1 + (uint32_t)fz_below(t, 4);
		s.in_syncobjs = (uintptr_t)syncs;
		must = FZ_ANY;
		break;
	case 14: s.out_syncobj = (uint32_t)fz_rand(t) | 0x100000; break;
	case 15: s.out_syncobj = syncs[0]; must = FZ_ANY; break;
	case 16: s.image_handle = fz_pick(t, t->imgs, fd, &v); must = FZ_ANY; break;
	case 17: s.in_handle = fz_pick(t, t->bos, fd, &v); must = FZ_ANY; break;
	case 18: s.out_handle = fz_pick(t, t->bos, fd, &v); must = FZ_ANY; break;
	case 19: s.result_handle = fz_pick(t, t->bos, fd, &v);
		s.result_offset = 8 * fz_below(t, 1024); must = FZ_ANY; break;
	case 20: fd = t->shared_fd; must = FZ_ANY; break;	/* foreign handles */
	default: s.image_handle = t->stale[fz_below(t, FZ_POOL)];
		must = FZ_ANY; break;
	}
	fz_call(t, fd, DRM_IOCTL_CIM_SUBMIT, &s, "SUBMIT", must);
}

static void op_syncobj(struct fz_thread *t)
{
	struct drm_syncobj_create c = { 0 };
	struct drm_syncobj_destroy d = { 0 };
	struct drm_syncobj_wait w = { 0 };
	struct drm_syncobj_array a = { 0 };
	struct fz_handle *e = &t->syncs[fz_below(t, FZ_POOL)];
	uint32_t hs[8];
	int fd = fz_fd(t), i, must;

	switch (fz_below(t, 4)) {
	case 0:
		c.flags = fz_below(t, 2) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;
		must = fd == t->fd ? FZ_OK : FZ_ANY;
		if (!fz_below(t, 8)) {
			c.flags = 2u << fz_below(t, 30);
			must = FZ_FAIL;
		}
		if (fz_call(t, fd, DRM_IOCTL_SYNCOBJ_CREATE, &c, "SYNCOBJ_CREATE",
			    must))
			return;
		if (e->h) {
			d.handle = e->h;
			fz_call(t, e->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d,
				"SYNCOBJ_DESTROY", FZ_ANY);
		}
		*e = (struct fz_handle){ .fd = fd, .h = c.handle };
		return;
	case 1:
		d.handle = fz_below(t, 2) ? e->h : t->stale[fz_below(t, FZ_POOL)];
		if (fd == t->fd)	/* random handles only on the shared file */
			fd = t->shared_fd;
		fz_call(t, fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d, "SYNCOBJ_DESTROY",
			FZ_ANY);
		if (d.handle == e->h && e->fd == fd)
			e->h = 0;
		return;
	case 2:
		w.count_handles = 1 + (uint32_t)fz_below(t, 8);
		for (i = 0; i < 8; i++)
			hs[i] = t->syncs[fz_below(t, FZ_POOL)].h;
		w.handles = (uintptr_t)hs;
		w.timeout_nsec = fz_now() + (int64_t)fz_below(t, 2000000);
		w.flags = (uint32_t)fz_below(t, 4);
		fz_call(t, fd, DRM_IOCTL_SYNCOBJ_WAIT, &w, "SYNCOBJ_WAIT", FZ_ANY);
		return;
	default:
		a.count_handles = 1 + (uint32_t)fz_below(t, 8);
		for (i = 0; i < 8; i++)
			hs[i] = t->syncs[fz_below(t, FZ_POOL)].h;
		a.handles = (uintptr_t)hs;
		fz_call(t, fd, DRM_IOCTL_SYNCOBJ_RESET, &a, "SYNCOBJ_RESET", FZ_ANY);
		return;
	}
}

/* Random handles closed, only on the shared file (never our kit). */
static void op_gem_close(struct fz_thread *t)
{
	uint32_t h = fz_below(t, 2) ? t->stale[fz_below(t, FZ_POOL)] :
		     (uint32_t)fz_below(t, 64);

	fz_gem_close(t, t->shared_fd, h, FZ_ANY);
}

/* Jobs queued, then the file closed under them; a new file. */
static void op_close_mid_job(struct fz_thread *t)
{
	struct fz_handle *pools[] = { t->bos, t->imgs, t->syncs };
	int n = 1 + (int)fz_below(t, 4), i, j;

	for (i = 0; i < n; i++)
		op_submit_valid(t);
	close(t->fd);
	for (i = 0; i < 3; i++)
		for (j = 0; j < FZ_POOL; j++)
			if (pools[i][j].h && pools[i][j].fd == t->fd) {
				fz_stale_add(t, pools[i][j].h);
				pools[i][j].h = 0;
			}
	kit_drop(t);
	t->fd = vm_open_card();
}

/*
 * --core: any core DRM ioctl number with a random argument.  Off by
 * default while GET_UNIQUE/GET_MAGIC oops and huge syncobj counts WARN
 * (issue 15 item 1); waits get a zero timeout so that nothing blocks.
 */
static void op_core(struct fz_thread *t)
{
	uint64_t arg[16];
	unsigned int nr, size, dir;
	int i;

	nr = (unsigned int)fz_below(t, 0x40 + 0x33);
	if (nr >= 0x40)
		nr += 0xa0 - 0x40;
	for (i = 0; i < 16; i++)
		arg[i] = fz_below(t, 2) ? fz_below(t, 64) : fz_rand(t);
	if (nr == 0xc3 || nr == 0xca) {	/* SYNCOBJ_WAIT, TIMELINE_WAIT */
		arg[1] = 0;
		arg[2] = 0;
	}
	size = (unsigned int)fz_below(t, sizeof(arg) + 1);
	dir = (unsigned int)fz_below(t, 4);
	/*
	 * The fd exports (PRIME_HANDLE_TO_FD, SYNCOBJ_HANDLE_TO_FD) with a
	 * handle that exists make a new fd: read it back and close it, or
	 * a long run fills the fd table.
	 *
	 * Only on the shared file: GEM_CLOSE, SYNCOBJ_DESTROY or
	 * GEM_CHANGE_HANDLE with a small random handle would otherwise drop
	 * or rename the kit's BOs, and the kit's next valid SUBMIT, which
	 * must succeed, would fail with ENOENT (seed 0x87bfcaaa485949b3).
	 */
	if (nr == 0x2d || nr == 0xc1) {
		dir = _IOC_READ | _IOC_WRITE;
		size = size < 12 ? 12 : size;
		((int32_t *)arg)[2] = -1;
	}
	if (!fz_call(t, t->shared_fd, _IOC(dir, DRM_IOCTL_BASE, nr, size), arg,
		     "core ioctl", FZ_CORE) && (nr == 0x2d || nr == 0xc1) &&
	    ((int32_t *)arg)[2] >= 0)
		close(((int32_t *)arg)[2]);
}

void fz_step(struct fz_thread *t)
{
	unsigned int r;

	/*
	 * Each step's choices come from (seed, thread, step number) alone,
	 * so a seed gives every thread the same sequence of operations and
	 * field choices whatever the kernel answered before.
	 */
	t->rng = t->seed0 ^ (++t->step * 0xd1b54a32d192ed03ull);
	r = (unsigned int)fz_below(t, t->core ? 110 : 100);

	if (t->fd < 0)
		t->fd = vm_open_card();
	if (t->fd < 0)
		return;
	if (r < 8) op_query(t);
	else if (r < 18) op_bo_create(t);
	else if (r < 26) op_mmap(t);
	else if (r < 32) op_bo_wait(t);
	else if (r < 40) op_image_load(t);
	else if (r < 46) op_image_release(t);
	else if (r < 58) op_submit_valid(t);
	else if (r < 82) op_submit_broken(t);
	else if (r < 92) op_syncobj(t);
	else if (r < 98) op_gem_close(t);
	else if (r < 100) op_close_mid_job(t);
	else op_core(t);
}

void fz_thread_init(struct fz_thread *t)
{
	t->fd = vm_open_card();
}

void fz_thread_fini(struct fz_thread *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
