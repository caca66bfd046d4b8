// SPDX-License-Identifier: MIT
/*
 * Many threads on one file (issue 15 items 2 and 3).
 *
 * race_load_release_one_fd: in each of three processes, threads load the
 * same images on one fd while others release handles (their own, and
 * numbers that another thread is about to get) and submit on whatever
 * handle they pick; the third process closes its fd while its threads
 * are at it.  Once every file is closed, every image of the catalog has
 * 0 users (and the module unload that check.sh does later finds drm_mm
 * clean).  (The driver used to
 * reserve a handle, drop the lock and store the image later: a release
 * of the reserved number freed it, a second load got it too, and one of
 * the two images' users was never dropped.)
 *
 * race_load_evict_kill: the same with more image tiles than the card
 * has, so loads evict one another's unused images, and one of the three
 * processes killed with SIGKILL mid-call; after it every tile is free for
 * a load again and no image has a user.
 *
 * fence_order_threads_one_fd: 8 threads x 2000 jobs on one fd and one
 * priority, so one drm_sched entity and one fence context.  Every job's
 * out-fence is exported as a sync_file right after SUBMIT; its name
 * carries the fence's context and seqno ("driver-timeline<ctx>-<seqno>",
 * drivers/dma-buf/sync_file.c) and, once signalled, its fence info the
 * time it signalled.  A fence that signalled before a lower seqno of its
 * context is a job that ran before one armed ahead of it: the check sorts
 * every fence by seqno and requires the signal times not to go down.
 * (Kernels from about 6.17 name a signalled fence "detached-driver-...",
 * which no longer fits sync_file_info.name; there the name must be read
 * before the job ends, which this test does not guarantee.)
 *
 * close_with_queued_jobs: processes go (killed with SIGKILL while close()
 * waits for their jobs, or by a plain exit) with jobs still queued on
 * both of their entities while
 * another file keeps the scheduler busy.  drm_sched (6.12) could put a
 * dying entity back into its run queue's tree while popping a job, and
 * the driver then freed it there: the next pick walked freed memory (an
 * oops seen after fence_order_threads_one_fd).  The kernel log check of
 * run-vm.sh catches that; here every job of the surviving file must
 * still end without error and the card must take new work.
 */
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "vmtest.h"

/* ---- loads, releases, submits and closes ---------------------------- */

#define N_IMAGES	3
#define MAX_IMAGES	6
#define N_LOADERS	5
#define N_RELEASERS	2
#define LOAD_ROUNDS	600
#define EVICT_ROUNDS	200

struct race {
	int fd;
	int n_images;
	int evict;	/* more tiles than the card: ENOSPC, FAILED are fine */
	uint32_t img_bo[MAX_IMAGES];
	uint64_t img_size[MAX_IMAGES];
	uint32_t in_bo, out_bo;
	volatile uint32_t max_handle;
	volatile int stop;
	int close_early;	/* the fd is closed while threads use it */
	int errors;
	pthread_mutex_t lock;
};

static void race_error(struct race *r, const char *what, int ret)
{
	/* After the early close every call fails so: the thread stops. */
	if (r->close_early && ret == -EBADF) {
		r->stop = 1;
		return;
	}
	pthread_mutex_lock(&r->lock);
	if (r->errors++ < 5)
		printf("  %s: %d\n", what, ret);
	pthread_mutex_unlock(&r->lock);
}

static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void *loader(void *arg)
{
	struct race *r = arg;
	struct drm_cim_image_load l;
	struct drm_cim_image_release rel = { 0 };
	uint32_t seed = (uint32_t)(uintptr_t)&l, i;
	int ret;

	for (i = 0; i < (r->evict ? EVICT_ROUNDS : LOAD_ROUNDS) && !r->stop; i++) {
		memset(&l, 0, sizeof(l));
		l.bo_handle = r->img_bo[i % r->n_images];
		l.size = r->img_size[i % r->n_images];
		ret = vm_ioctl(r->fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l);
		if (ret == -ENOSPC && r->evict)
			continue;	/* every tile is in use right now */
		if (ret) {
			race_error(r, "IMAGE_LOAD", ret);
			continue;
		}
		if (l.image_handle > r->max_handle)
			r->max_handle = l.image_handle;
		/* Half of them go again at once (maybe already gone). */
		if (next_rand(&seed) & 1) {
			rel.image_handle = l.image_handle;
			ret = vm_ioctl(r->fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &rel);
			if (ret && ret != -ENOENT)
				race_error(r, "IMAGE_RELEASE (own)", ret);
		}
	}
	return NULL;
}

/* Releases numbers around the newest handle: some not yet returned. */
static void *releaser(void *arg)
{
	struct race *r = arg;
	struct drm_cim_image_release rel = { 0 };
	uint32_t seed = (uint32_t)(uintptr_t)&rel;
	int ret;

	while (!r->stop) {
		rel.image_handle = r->max_handle + 1 - (next_rand(&seed) % 8);
		if (!rel.image_handle)
			continue;
		ret = vm_ioctl(r->fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &rel);
		if (ret && ret != -ENOENT)
			race_error(r, "IMAGE_RELEASE", ret);
	}
	return NULL;
}

/* RUN jobs on whatever handle is newest: they hold image references. */
static void *submitter(void *arg)
{
	struct race *r = arg;
	struct drm_cim_submit sub;
	uint32_t sync;
	int ret;

	if (drmSyncobjCreate(r->fd, 0, &sync)) {
		race_error(r, "SYNCOBJ_CREATE", -errno);
		return NULL;
	}
	while (!r->stop) {
		memset(&sub, 0, sizeof(sub));
		sub.out_syncobj = sync;
		sub.image_handle = r->max_handle;
		sub.in_handle = r->in_bo;
		sub.out_handle = r->out_bo;
		sub.batch = 1;
		ret = vm_ioctl(r->fd, DRM_IOCTL_CIM_SUBMIT, &sub);
		/* a PROGRAM a killed process left unfinished: image failed */
		if (ret == -ENOEXEC && r->evict)
			continue;
		if (ret && ret != -ENOENT)
			race_error(r, "SUBMIT", ret);
		/* One job at a time: the test is about references, not load. */
		if (!ret)
			drmSyncobjWait(r->fd, &sync, 1, INT64_MAX, 0, NULL);
	}
	drmSyncobjDestroy(r->fd, sync);
	return NULL;
}

/*
 * One process: its own fd, images, threads; returns its error count.
 * With close_early the main thread closes the fd while the others still
 * load, release and submit on it.
 */
static int race_one_process(const struct vm_model *m, int n_images,
			    int close_early, int evict)
{
	pthread_t t[N_LOADERS + N_RELEASERS + 1];
	struct race r;
	void *p;
	int i, n = 0;

	memset(&r, 0, sizeof(r));
	r.close_early = close_early;
	r.n_images = n_images;
	r.evict = evict;
	pthread_mutex_init(&r.lock, NULL);
	r.fd = vm_open_card();
	if (r.fd < 0)
		return 1;
	for (i = 0; i < n_images; i++) {
		if (vm_bo_create(r.fd, m[i].size, &r.img_bo[i]))
			return 1;
		p = vm_bo_map(r.fd, r.img_bo[i], m[i].size);
		if (!p)
			return 1;
		memcpy(p, m[i].image, m[i].size);
		r.img_size[i] = m[i].size;
	}
	if (vm_bo_create(r.fd, 4096, &r.in_bo) ||
	    vm_bo_create(r.fd, 4096, &r.out_bo))
		return 1;
	for (i = 0; i < N_LOADERS; i++)
		pthread_create(&t[n++], NULL, loader, &r);
	for (i = 0; i < N_RELEASERS; i++)
		pthread_create(&t[n++], NULL, releaser, &r);
	pthread_create(&t[n++], NULL, submitter, &r);
	if (close_early) {
		usleep(200000);
		close(r.fd);
	}
	for (i = 0; i < N_LOADERS; i++)
		pthread_join(t[i], NULL);
	r.stop = 1;
	for (i = N_LOADERS; i < n; i++)
		pthread_join(t[i], NULL);
	/* Close with handles still open: the file's close drops them. */
	if (!close_early)
		close(r.fd);
	return r.errors;
}

/* Users of every catalog entry; -1 if the query fails. */
static int catalog_users(int fd, uint32_t *users, int max)
{
	uint8_t buf[4096];
	struct drm_cim_images *h = (void *)buf;
	struct drm_cim_image_entry *e;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_IMAGES,
				   .size = sizeof(buf), .data = (uintptr_t)buf };
	uint32_t i;

	if (vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q))
		return -1;
	for (i = 0; i < h->count && (int)i < max; i++) {
		e = (void *)(buf + h->header_size + i * h->entry_size);
		users[i] = e->users;
	}
	return (int)i;
}

static void race_load_release_one_fd(void)
{
	static const uint32_t dims[N_IMAGES][2] = {
		{ 64, 48 }, { 48, 64 }, { 96, 32 },
	};
	struct vm_model m[N_IMAGES];
	uint32_t users[64];
	int i, n, st, fd, bad = 0;
	pid_t pid[3];

	for (i = 0; i < N_IMAGES; i++)
		CHECK_EQ(vm_model_build(dims[i], 1, 300 + i, 256, 256, &m[i]), 0);
	/*
	 * Three processes at once, each with its racing threads on one fd;
	 * the third closes its fd under its threads' feet.
	 */
	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(race_one_process(m, N_IMAGES, i == 2, 0) ? 1 : 0);
		CHECK(pid[i] > 0);
	}
	for (i = 0; i < 3; i++) {
		CHECK_EQ(waitpid(pid[i], &st, 0), pid[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	CHECK_EQ(bad, 0);
	/* Every file is closed (and its jobs retire): no image has a user. */
	fd = vm_open_card();
	CHECK(fd >= 0);
	n = catalog_users(fd, users, 64);
	CHECK(n >= N_IMAGES);
	for (i = 0; i < n; i++) {
		if (users[i])
			printf("  catalog entry %d: %u users\n", i, users[i]);
		CHECK_EQ(users[i], 0);
	}
	close(fd);
	for (i = 0; i < N_IMAGES; i++)
		vm_model_free(&m[i]);
}

/* The catalog's eviction count so far; -1 if the query fails. */
static long long catalog_evictions(int fd)
{
	uint8_t buf[4096];
	struct drm_cim_images *h = (void *)buf;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_IMAGES,
				   .size = sizeof(buf), .data = (uintptr_t)buf };

	return vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q) ? -1 : (long long)h->evictions;
}

/* Tiles a load can get now (free, or held by unused images); -1 on error. */
static int avail_tiles(int fd, uint32_t *tiles)
{
	struct drm_cim_device_info info = { 0 };
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO,
				   .size = sizeof(info), .data = (uintptr_t)&info };

	if (vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q))
		return -1;
	*tiles = info.tiles;
	return (int)info.free_tiles;
}

/*
 * The same race with more image tiles than the card has (13 of 8), so
 * loads evict one another's unused images and some get ENOSPC, while a
 * third process is killed with SIGKILL mid-call (its unfinished
 * PROGRAMs are cancelled, their images fail).  Once every file is
 * closed: no image has a user, every tile can be had again, and a
 * seven-tile load succeeds.  The module unload of check.sh then finds
 * drm_mm clean (run-vm.sh fails on the core's "not clean" warning).
 */
static void race_load_evict_kill(void)
{
	static const uint32_t d3[] = { 256, 256, 256, 64 }, d2[] = { 256, 256, 48 },
			      d1[] = { 200, 96 }, big[] = { 256, 256, 256, 256, 120 };
	static const uint32_t *dims[MAX_IMAGES] = { d3, d3, d2, d2, d2, d1 };
	static const int layers[MAX_IMAGES] = { 3, 3, 2, 2, 2, 1 };
	struct vm_model m[MAX_IMAGES], bm;
	uint32_t users[64], tiles = 0, bo, img;
	int i, n, st, fd, bad = 0, avail = -1, tries;
	long long ev0, ev;
	pid_t pid[3];

	fd = vm_open_card();
	CHECK(fd >= 0);
	ev0 = catalog_evictions(fd);
	close(fd);
	for (i = 0; i < MAX_IMAGES; i++)
		CHECK_EQ(vm_model_build(dims[i], layers[i], 400 + i, 256, 256,
					&m[i]), 0);
	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(race_one_process(m, MAX_IMAGES, 0, 1) ? 1 : 0);
		CHECK(pid[i] > 0);
	}
	usleep(300000);
	kill(pid[2], SIGKILL);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(waitpid(pid[i], &st, 0), pid[i]);
		if (i < 2 && (!WIFEXITED(st) || WEXITSTATUS(st)))
			bad++;
	}
	CHECK_EQ(bad, 0);
	fd = vm_open_card();
	CHECK(fd >= 0);
	/* Jobs of the closed files retire on their own: give them time. */
	for (tries = 0; tries < 500; tries++) {
		avail = avail_tiles(fd, &tiles);
		if (avail < 0 || (uint32_t)avail == tiles)
			break;
		usleep(10000);
	}
	ev = catalog_evictions(fd);
	printf("  %lld evictions; %d of %u tiles available after %d waits of 10 ms\n",
	       ev - ev0, avail, tiles, tries);
	/* the race this is about: loads did evict one another's images */
	CHECK(ev0 >= 0 && ev > ev0);
	CHECK(tiles > 0);
	CHECK_EQ(avail, (int)tiles);
	n = catalog_users(fd, users, 64);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		if (users[i])
			printf("  catalog entry %d: %u users\n", i, users[i]);
		CHECK_EQ(users[i], 0);
	}
	CHECK_EQ(vm_model_build(big, 4, 410, 256, 256, &bm), 0);
	CHECK_EQ(vm_image_load(fd, &bm, &bo, &img, 0), 0);
	vm_model_free(&bm);
	close(fd);
	for (i = 0; i < MAX_IMAGES; i++)
		vm_model_free(&m[i]);
}

/* ---- fence order on one entity --------------------------------------- */

#define FO_THREADS	8
#define FO_WINDOW	32

struct fo_rec {
	uint64_t ctx;
	int64_t seqno;
	uint64_t ts;
};

struct fo {
	int fd;
	uint32_t jobs;
	struct fo_rec *rec;	/* FO_THREADS * jobs */
	int errors;
	pthread_mutex_t lock;
};

struct fo_thread {
	struct fo *fo;
	int idx;
};

static void fo_error(struct fo *f, const char *what, int ret)
{
	pthread_mutex_lock(&f->lock);
	if (f->errors++ < 5)
		printf("  %s: %d\n", what, ret);
	pthread_mutex_unlock(&f->lock);
}

/* "drm_sched-cim<ctx>-<seqno>": the two numbers at the end. */
static int fo_parse_name(const char *name, uint64_t *ctx, int64_t *seqno)
{
	const char *dash = strrchr(name, '-'), *d;

	if (!dash || dash == name || !dash[1])
		return -1;
	*seqno = strtoll(dash + 1, NULL, 10);
	d = dash;
	while (d > name && d[-1] >= '0' && d[-1] <= '9')
		d--;
	if (d == dash)
		return -1;
	*ctx = strtoull(d, NULL, 10);
	return 0;
}

static void *fo_worker(void *arg)
{
	struct fo_thread *th = arg;
	struct fo *f = th->fo;
	struct fo_rec *rec = f->rec + (size_t)th->idx * f->jobs;
	uint32_t sync[FO_WINDOW];
	int sfd[FO_WINDOW];
	struct sync_file_info info;
	struct sync_fence_info fi;
	struct drm_cim_submit sub;
	struct pollfd pfd;
	uint32_t done = 0, k, n;
	int ret;

	for (k = 0; k < FO_WINDOW; k++)
		if (drmSyncobjCreate(f->fd, 0, &sync[k])) {
			fo_error(f, "SYNCOBJ_CREATE", -errno);
			return NULL;
		}
	while (done < f->jobs) {
		n = f->jobs - done < FO_WINDOW ? f->jobs - done : FO_WINDOW;
		for (k = 0; k < n; k++) {
			memset(&sub, 0, sizeof(sub));
			sub.flags = DRM_CIM_SUBMIT_NOP;
			sub.out_syncobj = sync[k];
			ret = vm_ioctl(f->fd, DRM_IOCTL_CIM_SUBMIT, &sub);
			if (ret) {
				fo_error(f, "SUBMIT", ret);
				return NULL;
			}
			/* The fence this submit made, before anyone replaces it. */
			ret = drmSyncobjExportSyncFile(f->fd, sync[k], &sfd[k]);
			if (ret) {
				fo_error(f, "export sync_file", ret);
				return NULL;
			}
			memset(&info, 0, sizeof(info));
			if (ioctl(sfd[k], SYNC_IOC_FILE_INFO, &info) ||
			    fo_parse_name(info.name, &rec[done + k].ctx,
					  &rec[done + k].seqno)) {
				fo_error(f, "sync_file name", -errno);
				return NULL;
			}
		}
		for (k = 0; k < n; k++) {
			pfd.fd = sfd[k];
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 60000) != 1) {
				fo_error(f, "fence did not signal", k);
				return NULL;
			}
			memset(&info, 0, sizeof(info));
			memset(&fi, 0, sizeof(fi));
			info.num_fences = 1;
			info.sync_fence_info = (uintptr_t)&fi;
			if (ioctl(sfd[k], SYNC_IOC_FILE_INFO, &info) ||
			    fi.status != 1) {
				fo_error(f, "fence info", fi.status);
				return NULL;
			}
			rec[done + k].ts = fi.timestamp_ns;
			close(sfd[k]);
		}
		done += n;
	}
	for (k = 0; k < FO_WINDOW; k++)
		drmSyncobjDestroy(f->fd, sync[k]);
	return NULL;
}

static int fo_cmp(const void *a, const void *b)
{
	const struct fo_rec *x = a, *y = b;

	return x->seqno < y->seqno ? -1 : x->seqno > y->seqno;
}

/* Fences signalled before a lower seqno of the same context. */
static uint32_t fo_inversions(struct fo_rec *rec, size_t n)
{
	uint64_t latest = 0;
	uint32_t bad = 0;
	size_t i;

	qsort(rec, n, sizeof(*rec), fo_cmp);
	for (i = 0; i < n; i++) {
		if (rec[i].ts < latest) {
			if (bad < 5)
				printf("  seqno %lld signalled %llu ns before a lower seqno\n",
				       (long long)rec[i].seqno,
				       (unsigned long long)(latest - rec[i].ts));
			bad++;
		}
		if (rec[i].ts > latest)
			latest = rec[i].ts;
	}
	return bad;
}

static void fence_order_threads_one_fd(void)
{
	struct fo_thread th[FO_THREADS];
	pthread_t t[FO_THREADS];
	const char *env = getenv("CIM_VMTEST_FENCE_JOBS");
	struct timespec t0, t1;
	struct fo f;
	size_t i, n;

	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&f.lock, NULL);
	f.jobs = env ? (uint32_t)atoi(env) : 2000;
	n = (size_t)FO_THREADS * f.jobs;
	f.rec = calloc(n, sizeof(*f.rec));
	f.fd = vm_open_card();
	CHECK(f.rec && f.fd >= 0 && f.jobs > 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < FO_THREADS; i++) {
		th[i].fo = &f;
		th[i].idx = (int)i;
		pthread_create(&t[i], NULL, fo_worker, &th[i]);
	}
	for (i = 0; i < FO_THREADS; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ(f.errors, 0);
	/* One entity: one context, every seqno once. */
	for (i = 1; i < n; i++)
		CHECK_EQ(f.rec[i].ctx, f.rec[0].ctx);
	printf("  %zu fences on context %llu, %d threads x %u jobs in %.1f s\n",
	       n, (unsigned long long)f.rec[0].ctx, FO_THREADS, f.jobs,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK_EQ(fo_inversions(f.rec, n), 0);
	for (i = 1; i < n; i++)
		CHECK(f.rec[i].seqno == f.rec[i - 1].seqno + 1);
	free(f.rec);
	close(f.fd);
}

/* ---- files closed with jobs queued ----------------------------------- */

#define CQ_ROUNDS	160
#define CQ_JOBS		300

struct cq_busy {
	int fd;
	volatile int stop;
	uint32_t jobs;
	int errors;
};

/* Keeps another entity's jobs going through the scheduler. */
static void *cq_busy_worker(void *arg)
{
	struct cq_busy *b = arg;
	struct drm_cim_submit sub;
	uint32_t sync;
	int ret;

	if (drmSyncobjCreate(b->fd, 0, &sync)) {
		b->errors++;
		return NULL;
	}
	while (!b->stop) {
		memset(&sub, 0, sizeof(sub));
		sub.flags = DRM_CIM_SUBMIT_NOP;
		sub.out_syncobj = sync;
		ret = vm_ioctl(b->fd, DRM_IOCTL_CIM_SUBMIT, &sub);
		if (!ret && (b->jobs++ & 7) == 7)
			ret = drmSyncobjWait(b->fd, &sync, 1, INT64_MAX, 0, NULL);
		if (ret) {
			if (b->errors++ < 3)
				printf("  busy file: %d\n", ret);
			break;
		}
	}
	ret = drmSyncobjWait(b->fd, &sync, 1, INT64_MAX, 0, NULL);
	if (ret)
		b->errors++;
	drmSyncobjDestroy(b->fd, sync);
	return NULL;
}

/*
 * A child: many NOP jobs on both priorities (the scheduler pops them as
 * fast as it can), then gone with some still queued.
 */
static void cq_child(int round, int ready)
{
	struct drm_cim_submit sub;
	int fd = vm_open_card(), i;

	if (fd < 0)
		_exit(2);
	for (i = 0; i < CQ_JOBS; i++) {
		memset(&sub, 0, sizeof(sub));
		sub.flags = DRM_CIM_SUBMIT_NOP;
		sub.priority = (i & 1) ? DRM_CIM_PRIO_HIGH : DRM_CIM_PRIO_NORMAL;
		if (vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub))
			_exit(3);
	}
	/* most rounds: killed while close() waits for the queued jobs */
	if (round % 4) {
		if (write(ready, "r", 1) != 1)
			_exit(4);
		close(fd);
	}
	_exit(0);
}

static void close_with_queued_jobs(void)
{
	struct drm_cim_submit sub;
	struct cq_busy b;
	pthread_t t;
	uint32_t sync;
	int round, status, killed = 0, ready[2];
	pid_t pid;
	char c;

	memset(&b, 0, sizeof(b));
	b.fd = vm_open_card();
	CHECK(b.fd >= 0);
	CHECK_EQ(pthread_create(&t, NULL, cq_busy_worker, &b), 0);
	for (round = 0; round < CQ_ROUNDS; round++) {
		CHECK_EQ(pipe(ready), 0);
		pid = fork();
		if (pid == 0) {
			close(ready[0]);
			cq_child(round, ready[1]);
		}
		CHECK(pid > 0);
		close(ready[1]);
		if (read(ready[0], &c, 1) == 1) {
			usleep(200 * (round % 5));
			kill(pid, SIGKILL);
		}
		close(ready[0]);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
		else
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	b.stop = 1;
	pthread_join(t, NULL);
	printf("  %d processes gone with %d jobs submitted (%d killed), %u jobs on the busy file\n",
	       CQ_ROUNDS, CQ_JOBS, killed, b.jobs);
	CHECK_EQ(b.errors, 0);
	/* a child whose jobs all ran before the kill exits by itself */
	CHECK(killed > 0);
	CHECK(b.jobs > 0);
	/* The card still takes and finishes work. */
	CHECK_EQ(drmSyncobjCreate(b.fd, 0, &sync), 0);
	memset(&sub, 0, sizeof(sub));
	sub.flags = DRM_CIM_SUBMIT_NOP;
	sub.out_syncobj = sync;
	CHECK_EQ(vm_ioctl(b.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(drmSyncobjWait(b.fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	drmSyncobjDestroy(b.fd, sync);
	close(b.fd);
}

const struct vm_test vm_race_tests[] = {
	{ "race_load_release_one_fd", race_load_release_one_fd },
	{ "race_load_evict_kill", race_load_evict_kill },
	{ "fence_order_threads_one_fd", fence_order_threads_one_fd },
	{ "close_with_queued_jobs", close_with_queued_jobs },
	{ NULL, NULL },
};
