// SPDX-License-Identifier: MIT
/*
 * Resident images and wear levelling: a second load of the same bytes
 * programs nothing, processes share the programmed copy, unused images
 * are evicted least recently used first, images survive a reload of
 * cim.ko (persist_pre / persist_post around it, driven by check.sh), and
 * tiles wear evenly.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "vmtest.h"

#define MAX_IMAGES	64
#define MAX_TILES	1024
#define PERSIST_FILE	"/tmp/cim-persist"

struct catalog {
	int n;
	struct cim_resident_image img[MAX_IMAGES];
	struct cim_catalog_stats st;
};

static int catalog_read(struct cim_dev *dev, struct catalog *c)
{
	c->n = cim_resident_images(dev, c->img, MAX_IMAGES, &c->st);
	return c->n < 0 ? c->n : 0;
}

/* The catalog entry holding these bytes, by our own digest of them. */
static const struct cim_resident_image *catalog_find(const struct catalog *c,
						     const struct vm_model *m)
{
	uint8_t d[32];
	int i;

	vm_sha256(m->image, m->size, d);
	for (i = 0; i < c->n; i++)
		if (!memcmp(c->img[i].sha256, d, 32) && c->img[i].size == m->size)
			return &c->img[i];
	return NULL;
}

static int wear_read(struct cim_dev *dev, struct cim_tile_wear *w)
{
	return cim_tiles_wear(dev, w, MAX_TILES);
}

/*
 * A one-layer model 256 -> 128 * tiles: exactly @tiles tiles on 256x256
 * (with fewer rows than the array, the mapper stacks column blocks on
 * one array: staircase packing).
 * vm_model_build() uses seed | 1: give distinct models odd seeds.
 */
static int model_tiles(uint32_t tiles, uint32_t seed, struct vm_model *m)
{
	uint32_t dims[2] = { 256, 128 * tiles };

	return vm_model_build(dims, 1, seed, 256, 256, m);
}

/* Run a batch through a loaded image; 0 if bit-exact to the reference. */
static int run_check(struct cim_dev *dev, struct cim_image *img,
		     const struct vm_model *m, uint32_t seed)
{
	enum { BATCH = 3 };
	int8_t *in = malloc(BATCH * m->in_size);
	int8_t *out = malloc(BATCH * m->out_size);
	int8_t *ref = malloc(BATCH * m->out_size);
	int ret;

	vm_fill_random(in, BATCH * m->in_size, seed);
	ret = cim_infer(dev, img, in, out, BATCH, NULL);
	if (!ret)
		ret = cim_ref_run_image(m->image, m->size, in, ref, BATCH);
	if (!ret && memcmp(out, ref, BATCH * m->out_size))
		ret = -EBADMSG;
	free(in);
	free(out);
	free(ref);
	return ret;
}

/* Raw load with an out-syncobj: is the programming fence already signalled? */
static int load_raw_signalled(const struct vm_model *m, int *signalled)
{
	uint32_t bo, img, sync;
	int fd = vm_open_card(), ret;

	if (fd < 0)
		return -ENODEV;
	ret = drmSyncobjCreate(fd, 0, &sync);
	if (!ret)
		ret = vm_image_load(fd, m, &bo, &img, sync);
	/* timeout 0: a deadline in the past only polls */
	if (!ret)
		*signalled = drmSyncobjWait(fd, &sync, 1, 0, 0, NULL) == 0;
	close(fd);
	return ret;
}

static void resident_reuse_programs_nothing(void)
{
	static const uint32_t dims[] = { 64, 200, 64 };
	struct cim_tile_wear w0[MAX_TILES], w1[MAX_TILES], w2[MAX_TILES];
	const struct cim_resident_image *e;
	struct catalog c0, c1, c2;
	struct cim_image_props props;
	struct cim_image *img;
	struct cim_dev *dev;
	struct vm_model m;
	uint64_t sum0 = 0, sum1 = 0;
	int i, n, signalled = 0;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(dims, 2, 501, 256, 256, &m), 0);
	CHECK_EQ(catalog_read(dev, &c0), 0);
	CHECK(catalog_find(&c0, &m) == NULL);
	n = wear_read(dev, w0);
	CHECK_EQ(n, 8);

	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	cim_image_get_props(img, &props);
	CHECK_EQ(catalog_read(dev, &c1), 0);
	CHECK_EQ(c1.st.programs, c0.st.programs + 1);
	e = catalog_find(&c1, &m);
	CHECK(e != NULL);	/* the kernel's digest is the SHA-256 of the bytes */
	CHECK_EQ(e->users, 1);
	CHECK_EQ(e->state, CIM_RESIDENT_READY);
	CHECK_EQ(e->tiles, props.tiles);
	CHECK_EQ(wear_read(dev, w1), n);
	for (i = 0; i < n; i++) {
		sum0 += w0[i].pe_cycles;
		sum1 += w1[i].pe_cycles;
	}
	CHECK_EQ(sum1 - sum0, props.tiles);	/* one cycle per tile programmed */
	cim_image_free(img);

	/* Unused now, but still programmed. */
	CHECK_EQ(catalog_read(dev, &c2), 0);
	e = catalog_find(&c2, &m);
	CHECK(e != NULL);
	CHECK_EQ(e->users, 0);

	/* Same bytes again, from another file: no PROGRAM, fence already done. */
	CHECK_EQ(load_raw_signalled(&m, &signalled), 0);
	CHECK(signalled);
	CHECK_EQ(catalog_read(dev, &c2), 0);
	CHECK_EQ(c2.st.programs, c1.st.programs);
	CHECK_EQ(c2.st.hits, c1.st.hits + 1);
	CHECK_EQ(wear_read(dev, w2), n);
	CHECK_EQ(memcmp(w1, w2, n * sizeof(w1[0])), 0);

	/* And it computes the right thing without having been programmed again. */
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	CHECK_EQ(run_check(dev, img, &m, 5), 0);
	cim_image_free(img);
	CHECK_EQ(catalog_read(dev, &c2), 0);
	CHECK_EQ(c2.st.programs, c1.st.programs);
	vm_model_free(&m);
	cim_close(dev);
}

static void resident_shared_by_two_processes(void)
{
	static const uint32_t dims[] = { 64, 96, 64 };
	int loaded[2], go[2], i, st;
	const struct cim_resident_image *e;
	struct catalog c0, c1;
	struct cim_dev *dev;
	struct vm_model m;
	pid_t pids[2];
	char b;

	CHECK_EQ(pipe(loaded), 0);
	CHECK_EQ(pipe(go), 0);
	CHECK_EQ(vm_model_build(dims, 2, 502, 256, 256, &m), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(catalog_read(dev, &c0), 0);
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			struct cim_image *img;
			struct cim_dev *d;
			int ret = cim_open(NULL, &d);

			if (!ret)
				ret = cim_image_load(d, m.image, m.size, &img);
			b = ret ? 'x' : 'l';
			if (write(loaded[1], &b, 1) != 1 || ret ||
			    read(go[0], &b, 1) != 1)
				_exit(1);
			ret = run_check(d, img, &m, 50 + i);
			cim_image_free(img);
			cim_close(d);
			_exit(ret ? 1 : 0);
		}
	}
	for (i = 0; i < 2; i++) {
		CHECK_EQ(read(loaded[0], &b, 1), 1);
		CHECK_EQ(b, 'l');
	}
	/* Both hold a handle on one programmed copy. */
	CHECK_EQ(catalog_read(dev, &c1), 0);
	e = catalog_find(&c1, &m);
	CHECK(e != NULL);
	CHECK_EQ(e->users, 2);
	CHECK_EQ(c1.st.programs, c0.st.programs + 1);
	CHECK_EQ(c1.st.hits, c0.st.hits + 1);
	CHECK_EQ(write(go[1], "gg", 2), 2);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(waitpid(pids[i], &st, 0), pids[i]);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 0);
	}
	CHECK_EQ(catalog_read(dev, &c1), 0);
	e = catalog_find(&c1, &m);
	CHECK(e != NULL);
	CHECK_EQ(e->users, 0);
	vm_model_free(&m);
	cim_close(dev);
}

static uint64_t programs(struct cim_dev *dev)
{
	struct catalog c;

	return catalog_read(dev, &c) ? ~0ull : c.st.programs;
}

static void resident_lru_eviction(void)
{
	struct cim_image *x1, *x2, *y, *i1;
	struct vm_model mx1, mx2, my;
	struct catalog c0, c;
	struct cim_info info;
	struct cim_dev *dev;
	uint64_t p;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(model_tiles(4, 611, &mx1), 0);
	CHECK_EQ(model_tiles(4, 621, &mx2), 0);
	CHECK_EQ(model_tiles(4, 631, &my), 0);
	CHECK_EQ(catalog_read(dev, &c0), 0);

	/* Fill the card: whatever else was resident makes room. */
	CHECK_EQ(cim_image_load(dev, mx1.image, mx1.size, &x1), 0);
	CHECK_EQ(cim_image_load(dev, mx2.image, mx2.size, &x2), 0);
	CHECK_EQ(cim_query(dev, &info), 0);
	CHECK_EQ(info.free_tiles, 0);
	CHECK_EQ(catalog_read(dev, &c), 0);
	CHECK_EQ(c.n, 2);
	/* Both in use: a third image finds no room. */
	CHECK_EQ(cim_image_load(dev, my.image, my.size, &y), -ENOSPC);
	cim_image_free(x1);
	cim_image_free(x2);
	CHECK_EQ(cim_query(dev, &info), 0);
	CHECK_EQ(info.free_tiles, 8);	/* unused resident tiles count as free */

	/* Use X1 again (no programming): X2 is now the least recently used. */
	p = programs(dev);
	CHECK_EQ(cim_image_load(dev, mx1.image, mx1.size, &i1), 0);
	cim_image_free(i1);
	CHECK_EQ(programs(dev), p);

	CHECK_EQ(cim_image_load(dev, my.image, my.size, &y), 0);
	CHECK_EQ(programs(dev), p + 1);
	CHECK_EQ(catalog_read(dev, &c), 0);
	CHECK(catalog_find(&c, &mx1) != NULL);	/* MRU stayed */
	CHECK(catalog_find(&c, &mx2) == NULL);	/* LRU went */
	CHECK(catalog_find(&c, &my) != NULL);
	CHECK(c.st.evictions > c0.st.evictions);
	CHECK_EQ(catalog_find(&c, &my)->users, 1);
	cim_image_free(y);

	/* X1 runs without programming; X2 has to be programmed again. */
	CHECK_EQ(cim_image_load(dev, mx1.image, mx1.size, &i1), 0);
	CHECK_EQ(programs(dev), p + 1);
	CHECK_EQ(run_check(dev, i1, &mx1, 7), 0);
	cim_image_free(i1);
	CHECK_EQ(cim_image_load(dev, mx2.image, mx2.size, &x2), 0);
	CHECK_EQ(programs(dev), p + 2);
	CHECK_EQ(run_check(dev, x2, &mx2, 8), 0);
	cim_image_free(x2);
	vm_model_free(&mx1);
	vm_model_free(&mx2);
	vm_model_free(&my);
	cim_close(dev);
}

struct wear_fig {
	uint32_t min, max;
	uint64_t sum;
};

static struct wear_fig wear_figures(const uint32_t *pe, int n)
{
	struct wear_fig f = { UINT32_MAX, 0, 0 };
	int i;

	for (i = 0; i < n; i++) {
		f.min = pe[i] < f.min ? pe[i] : f.min;
		f.max = pe[i] > f.max ? pe[i] : f.max;
		f.sum += pe[i];
	}
	return f;
}

static void print_wear(const char *what, struct wear_fig f, int n)
{
	double mean = (double)f.sum / n;

	printf("  wear %s: P/E min %u max %u mean %.2f max/mean %.3f\n", what,
	       f.min, f.max, mean, mean ? f.max / mean : 0.0);
}

/*
 * Many load/evict cycles of images of 1 to 5 tiles.  Each load must land
 * on the least-worn tiles it could have had, and in the end the tiles
 * must have worn evenly: max / mean P/E <= 1.2.
 */
static void wear_levelling(void)
{
	enum { CYCLES = 150 };
	static const uint32_t sizes[] = { 3, 1, 5, 2, 4, 2, 1, 3 };
	struct cim_tile_wear before[MAX_TILES], after[MAX_TILES];
	uint32_t pe0[MAX_TILES], pe[MAX_TILES], delta[MAX_TILES];
	const struct cim_resident_image *e;
	struct wear_fig all, cyc;
	struct cim_image *img;
	struct cim_dev *dev;
	struct vm_model m;
	struct catalog c;
	uint32_t chosen_max, other_min;
	uint64_t programs_before;
	int n, i, t;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	programs_before = programs(dev);
	n = wear_read(dev, before);
	CHECK_EQ(n, 8);
	for (t = 0; t < n; t++)
		pe0[t] = before[t].pe_cycles;
	for (i = 0; i < CYCLES; i++) {
		CHECK_EQ(model_tiles(sizes[i % 8], 7001 + 2 * i, &m), 0);
		CHECK_EQ(wear_read(dev, before), n);
		CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
		CHECK_EQ(wear_read(dev, after), n);
		CHECK_EQ(catalog_read(dev, &c), 0);
		e = catalog_find(&c, &m);
		CHECK(e != NULL);
		CHECK_EQ(c.st.programs, programs_before + i + 1);	/* all distinct */
		/* Chosen tiles were no more worn than any tile left free. */
		chosen_max = 0;
		other_min = UINT32_MAX;
		for (t = 0; t < n; t++) {
			if (after[t].slot == (int32_t)e->slot) {
				CHECK_EQ(after[t].pe_cycles, before[t].pe_cycles + 1);
				if (before[t].pe_cycles > chosen_max)
					chosen_max = before[t].pe_cycles;
			} else if (after[t].slot < 0 &&
				   before[t].pe_cycles < other_min) {
				other_min = before[t].pe_cycles;
			}
		}
		CHECK(chosen_max <= other_min);
		cim_image_free(img);
		vm_model_free(&m);
	}
	CHECK_EQ(wear_read(dev, after), n);
	for (t = 0; t < n; t++) {
		pe[t] = after[t].pe_cycles;
		delta[t] = pe[t] - pe0[t];
	}
	all = wear_figures(pe, n);
	cyc = wear_figures(delta, n);
	printf("  wear levelling: %d load/evict cycles over %d tiles\n", CYCLES, n);
	print_wear("since card power-on", all, n);
	print_wear("these cycles", cyc, n);
	/* max / mean <= 1.2, in integers */
	CHECK(all.sum > 0 && (uint64_t)all.max * n * 10 <= all.sum * 12);
	CHECK(cyc.sum > 0 && (uint64_t)cyc.max * n * 10 <= cyc.sum * 12);
	cim_close(dev);
}

/* Before `rmmod cim; insmod cim.ko`: leave an image resident, note the wear. */
static const uint32_t persist_dims[] = { 64, 300, 64 };

static void persist_pre(void)
{
	struct cim_tile_wear w[MAX_TILES];
	struct cim_image *img;
	struct cim_dev *dev;
	struct vm_model m;
	struct catalog c;
	FILE *f;
	int n, t;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(persist_dims, 2, 777, 256, 256, &m), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	CHECK_EQ(run_check(dev, img, &m, 9), 0);
	cim_image_free(img);
	CHECK_EQ(catalog_read(dev, &c), 0);
	CHECK(catalog_find(&c, &m) != NULL);
	n = wear_read(dev, w);
	CHECK(n > 0);
	f = fopen(PERSIST_FILE, "w");
	CHECK(f != NULL);
	fprintf(f, "%d\n", n);
	for (t = 0; t < n; t++)
		fprintf(f, "%u\n", w[t].pe_cycles);
	fclose(f);
	vm_model_free(&m);
	cim_close(dev);
}

/* After the reload: found resident, nothing programmed, P/E unchanged. */
static void persist_post(void)
{
	struct cim_tile_wear w[MAX_TILES];
	const struct cim_resident_image *e;
	struct cim_image *img;
	struct cim_dev *dev;
	struct vm_model m;
	struct catalog c;
	unsigned int pe;
	int n, t, saved, signalled = 0;
	FILE *f;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(persist_dims, 2, 777, 256, 256, &m), 0);
	CHECK_EQ(catalog_read(dev, &c), 0);
	CHECK(c.st.adopted >= 1);
	CHECK_EQ(c.st.programs, 0);
	e = catalog_find(&c, &m);
	CHECK(e != NULL);
	CHECK_EQ(e->state, CIM_RESIDENT_READY);
	CHECK_EQ(e->users, 0);

	/* The driver read the card's counts back: the same as before. */
	n = wear_read(dev, w);
	f = fopen(PERSIST_FILE, "r");
	CHECK(f != NULL);
	CHECK_EQ(fscanf(f, "%d", &saved), 1);
	CHECK_EQ(saved, n);
	for (t = 0; t < n; t++) {
		CHECK_EQ(fscanf(f, "%u", &pe), 1);
		CHECK_EQ(w[t].pe_cycles, pe);
	}
	fclose(f);

	CHECK_EQ(load_raw_signalled(&m, &signalled), 0);
	CHECK(signalled);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	CHECK_EQ(run_check(dev, img, &m, 10), 0);
	cim_image_free(img);
	CHECK_EQ(catalog_read(dev, &c), 0);
	CHECK_EQ(c.st.programs, 0);
	CHECK_EQ(c.st.hits, 2);
	CHECK_EQ(wear_read(dev, w), n);
	f = fopen(PERSIST_FILE, "r");
	CHECK(f != NULL);
	CHECK_EQ(fscanf(f, "%d", &saved), 1);
	for (t = 0; t < n; t++) {
		CHECK_EQ(fscanf(f, "%u", &pe), 1);
		CHECK_EQ(w[t].pe_cycles, pe);
	}
	fclose(f);
	vm_model_free(&m);
	cim_close(dev);
}

/* The query's size negotiation and its rejections. */
static void resident_query_negotiates_size(void)
{
	struct drm_cim_images h;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_IMAGES };
	struct drm_cim_tiles th;
	uint8_t buf[4096];
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	CHECK(q.size >= sizeof(h));
	CHECK_EQ((q.size - sizeof(h)) % sizeof(struct drm_cim_image_entry), 0);
	/* Room for the header only: no entries written, total still told. */
	memset(buf, 0xa5, sizeof(buf));
	q.size = sizeof(h);
	q.data = (uintptr_t)buf;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	memcpy(&h, buf, sizeof(h));
	CHECK_EQ(h.header_size, sizeof(h));
	CHECK_EQ(h.entry_size, sizeof(struct drm_cim_image_entry));
	CHECK_EQ(h.count, 0);
	CHECK_EQ(buf[sizeof(h)], 0xa5);
	CHECK_EQ(q.size, sizeof(h) + h.total * sizeof(struct drm_cim_image_entry));

	q = (struct drm_cim_query){ .query = DRM_CIM_QUERY_TILES,
				    .size = sizeof(buf),
				    .data = (uintptr_t)buf };
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	memcpy(&th, buf, sizeof(th));
	CHECK_EQ(th.total, 8);
	CHECK_EQ(th.count, 8);
	CHECK_EQ(q.size, sizeof(th) + 8 * sizeof(struct drm_cim_tile_entry));
	CHECK(th.pe_min <= th.pe_max);
	q.data = 16;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EFAULT);
	q.data = (uintptr_t)buf;
	q.flags = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EINVAL);
	close(fd);
}

const struct vm_test vm_resident_tests[] = {
	{ "resident_query_negotiates_size", resident_query_negotiates_size },
	{ "resident_reuse_programs_nothing", resident_reuse_programs_nothing },
	{ "resident_shared_by_two_processes", resident_shared_by_two_processes },
	{ "resident_lru_eviction", resident_lru_eviction },
	{ "wear_levelling", wear_levelling },
	{ NULL, NULL },
};

const struct vm_test vm_persist_pre_tests[] = {
	{ "persist_pre", persist_pre },
	{ NULL, NULL },
};

const struct vm_test vm_persist_post_tests[] = {
	{ "persist_post", persist_post },
	{ NULL, NULL },
};
