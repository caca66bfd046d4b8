// SPDX-License-Identifier: MIT
/*
 * cim-vmtest fuzz: the structured ioctl fuzzer (docs/testing.md).
 *
 *   cim-vmtest fuzz [--ioctls N] [--seed S] [--procs P] [--threads T]
 *                   [--core] [--race-images]
 *
 * P worker processes of T threads each make N ioctls in all (fuzz_ops.c):
 * every thread has its own file, the threads of a process share one
 * more, and handles travel between them.  Meanwhile victim processes
 * fuzz too and are killed with SIGKILL at random moments (mid-call).
 * The seed is printed; the same seed gives every thread the same
 * sequence of choices.  --core adds random core DRM ioctl numbers (off
 * by default; on in check.sh since cim.ko filters them, issue 15).
 * --race-images lets the threads of a process load and release images
 * on their shared file (off by default; on in check.sh since the image
 * user leak of issue 15 item 3 is gone).
 *
 * Then, with every file closed: no call broke its contract (fuzz_ops.c),
 * every worker exited cleanly, the card goes idle, every resident image
 * has 0 users, and a valid job runs bit-exact.  Prints PASS/FAIL lines
 * and "bench: fuzz_ioctls" / "bench: fuzz_ioctls_per_s".
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/cim_accel.h>
#include "fuzz.h"

struct fz_model fz_models[FZ_MODELS];

struct fz_opts {
	uint64_t ioctls, seed;
	int procs, threads, core, race_images;
};

static double fz_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;

	fz_thread_init(t);
	while (t->n < t->budget && !t->sh->stop)
		fz_step(t);
	fz_thread_fini(t);
	return NULL;
}

/* One fuzzing process: T threads; budget 0 runs until killed. */
static int fz_process(const struct fz_opts *o, struct fz_shared *sh,
		      int proc, uint64_t budget)
{
	struct fz_thread *ts = calloc(o->threads, sizeof(*ts));
	pthread_t *th = calloc(o->threads, sizeof(*th));
	int shared_fd = vm_open_card(), i;

	if (!ts || !th || shared_fd < 0)
		return 1;
	for (i = 0; i < o->threads; i++) {
		ts[i].seed0 = o->seed ^ ((uint64_t)proc << 32) ^ (uint64_t)i * 0x1000193;
		ts[i].id = proc * 100 + i;
		ts[i].core = o->core;
		ts[i].race_images = o->race_images;
		ts[i].shared_fd = shared_fd;
		ts[i].sh = sh;
		ts[i].budget = budget ? budget / o->threads +
			       (i == 0 ? budget % o->threads : 0) : ~0ull;
		if (pthread_create(&th[i], NULL, fz_thread_main, &ts[i]))
			return 1;
	}
	for (i = 0; i < o->threads; i++)
		pthread_join(th[i], NULL);
	close(shared_fd);
	return 0;
}

static int fz_parse(int argc, char **argv, struct fz_opts *o)
{
	int i;

	*o = (struct fz_opts){ .ioctls = 100000, .procs = 2, .threads = 3 };
	if (getentropy(&o->seed, sizeof(o->seed)))
		o->seed = (uint64_t)time(NULL);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--core"))
			o->core = 1;
		else if (!strcmp(argv[i], "--race-images"))
			o->race_images = 1;
		else if (i + 1 < argc && !strcmp(argv[i], "--ioctls"))
			o->ioctls = strtoull(argv[++i], NULL, 0);
		else if (i + 1 < argc && !strcmp(argv[i], "--seed"))
			o->seed = strtoull(argv[++i], NULL, 0);
		else if (i + 1 < argc && !strcmp(argv[i], "--procs"))
			o->procs = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--threads"))
			o->threads = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: cim-vmtest fuzz [--ioctls N] [--seed S] "
				"[--procs P] [--threads T] [--core] [--race-images]\n");
			return -1;
		}
	}
	return o->procs > 0 && o->threads > 0 && o->ioctls ? 0 : -1;
}

/* Workers run; victims come and go under SIGKILL until they finish. */
static int fz_run(const struct fz_opts *o, struct fz_shared *sh, int *kills)
{
	pid_t *w = calloc(o->procs, sizeof(*w));
	uint64_t r = o->seed ^ 0x6b696c6cull;
	int left = o->procs, bad = 0, i, st;
	pid_t v, p;

	for (i = 0; i < o->procs; i++) {
		w[i] = fork();
		if (w[i] == 0)
			_exit(fz_process(o, sh, i, o->ioctls / o->procs +
					 (i == 0 ? o->ioctls % o->procs : 0)));
	}
	while (left > 0) {
		fflush(stdout);
		v = fork();
		if (v == 0)
			_exit(fz_process(o, sh, 50 + *kills % 50, 0));
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		usleep(50000 + (r >> 33) % 400000);
		kill(v, SIGKILL);
		waitpid(v, &st, 0);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
			printf("  fuzz: victim %d ended with status 0x%x before its kill\n",
			       v, st);
			bad = 1;
		}
		(*kills)++;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			left--;
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				printf("  fuzz: worker %d ended with status 0x%x\n",
				       p, st);
				bad = 1;
			}
		}
	}
	free(w);
	return bad;
}

static int fz_query(int fd, uint32_t what, void *buf, uint32_t size)
{
	struct drm_cim_query q = { .query = what, .size = size,
				   .data = (uintptr_t)buf };

	return vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);
}

/* Every tile free again and no image with a user, once all files closed. */
static void fz_check_idle(int *pass, int *fail)
{
	static uint8_t buf[65536];
	struct drm_cim_device_info info = { 0 };
	struct drm_cim_images *im = (void *)buf;
	struct drm_cim_image_entry *e;
	int fd = vm_open_card(), i, ok = 0, users = 0;

	for (i = 0; fd >= 0 && i < 3000; i++) {
		if (fz_query(fd, DRM_CIM_QUERY_DEVICE_INFO, &info, sizeof(info)))
			break;
		if (info.free_tiles == info.tiles) {
			ok = 1;
			break;
		}
		usleep(10000);
	}
	if (!ok)
		printf("  fuzz: %u of %u tiles still held\n",
		       info.tiles - info.free_tiles, info.tiles);
	printf("%s fuzz_card_idle_after\n", ok ? "PASS" : "FAIL");
	ok ? (*pass)++ : (*fail)++;

	ok = fd >= 0 && !fz_query(fd, DRM_CIM_QUERY_IMAGES, buf, sizeof(buf));
	for (i = 0; ok && i < (int)im->count; i++) {
		e = (void *)(buf + im->header_size + (size_t)i * im->entry_size);
		if (e->users) {
			printf("  fuzz: image slot %u has %u users with no file open\n",
			       e->slot, e->users);
			users++;
		}
	}
	if (ok)
		printf("  fuzz: %u images resident, %llu programs, %llu hits, %llu evictions\n",
		       im->total, (unsigned long long)im->programs,
		       (unsigned long long)im->hits,
		       (unsigned long long)im->evictions);
	ok = ok && !users;
	printf("%s fuzz_image_users_zero\n", ok ? "PASS" : "FAIL");
	ok ? (*pass)++ : (*fail)++;
	if (fd >= 0)
		close(fd);
}

/* The card still computes: a valid job, bit-exact to the CPU reference. */
static int fz_job_ok(void)
{
	const struct vm_model *m = &fz_models[1].m;
	enum { B = 16 };
	struct drm_cim_submit s = { 0 };
	struct drm_cim_bo_wait w = { 0 };
	struct timespec ts;
	uint32_t bo, img, in, out;
	int8_t *pin, *pout, *ref = malloc((size_t)m->out_size * B);
	int fd = vm_open_card(), ok = 0;

	if (fd < 0 || !ref || vm_image_load(fd, m, &bo, &img, 0) ||
	    vm_bo_create(fd, (uint64_t)m->in_size * B, &in) ||
	    vm_bo_create(fd, (uint64_t)m->out_size * B, &out))
		goto out;
	pin = vm_bo_map(fd, in, (size_t)m->in_size * B);
	pout = vm_bo_map(fd, out, (size_t)m->out_size * B);
	if (!pin || !pout)
		goto out;
	vm_fill_random(pin, (size_t)m->in_size * B, 4242);
	memset(pout, 0x33, (size_t)m->out_size * B);
	s = (struct drm_cim_submit){ .image_handle = img, .in_handle = in,
				     .out_handle = out, .batch = B };
	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.handle = out;
	w.timeout_ns = (ts.tv_sec + 60) * 1000000000ll;
	if (vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s) ||
	    vm_ioctl(fd, DRM_IOCTL_CIM_BO_WAIT, &w) ||
	    cim_ref_run_image(m->image, m->size, pin, ref, B))
		goto out;
	ok = !memcmp(ref, pout, (size_t)m->out_size * B);
out:
	free(ref);
	if (fd >= 0)
		close(fd);
	return ok;
}

static const char *fz_errname(int e)
{
	static char b[16];

	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case ERANGE: return "ERANGE";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case EBADMSG: return "EBADMSG";
	case ETIME: return "ETIME";
	case ENOTTY: return "ENOTTY";
	case E2BIG: return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	}
	snprintf(b, sizeof(b), "errno%d", e);
	return b;
}

int vm_fuzz(int argc, char **argv)
{
	static const uint32_t d0[] = { 64, 64 }, d1[] = { 200, 120, 50 },
			      d2[] = { 96, 256, 32 };
	static const uint32_t *dims[FZ_MODELS] = { d0, d1, d2 };
	static const int layers[FZ_MODELS] = { 1, 2, 2 };
	struct fz_shared *sh;
	struct fz_opts o;
	int pass = 0, fail = 0, kills = 0, i, bad;
	double t0, dt;

	if (fz_parse(argc, argv, &o))
		return 2;
	for (i = 0; i < FZ_MODELS; i++)
		if (vm_model_build(dims[i], layers[i], 77 + i, 256, 256,
				   &fz_models[i].m))
			return 1;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	memset(sh, 0, sizeof(*sh));
	printf("fuzz: seed 0x%llx ioctls %llu procs %d threads %d core %d race_images %d "
	       "(same sequence: cim-vmtest fuzz --seed 0x%llx --procs %d --threads %d%s%s)\n",
	       (unsigned long long)o.seed, (unsigned long long)o.ioctls,
	       o.procs, o.threads, o.core, o.race_images,
	       (unsigned long long)o.seed, o.procs, o.threads,
	       o.core ? " --core" : "", o.race_images ? " --race-images" : "");
	fflush(stdout);
	t0 = fz_secs();
	bad = fz_run(&o, sh, &kills);
	dt = fz_secs() - t0;

	printf("  fuzz: %llu ioctls in %.1f s, %d victims killed, %llu valid jobs checked bit-exact\n",
	       (unsigned long long)sh->ioctls, dt, kills,
	       (unsigned long long)sh->jobs_ok);
	printf("  fuzz: results:");
	for (i = 0; i < 160; i++)
		if (sh->by_errno[i])
			printf(" %s %llu", i == 159 ? "other" : fz_errname(i),
			       (unsigned long long)sh->by_errno[i]);
	printf("\n");
	printf("%s fuzz_workers_exit_clean\n", bad ? "FAIL" : "PASS");
	bad ? fail++ : pass++;
	bad = sh->ioctls < o.ioctls;
	printf("%s fuzz_ran_%llu_ioctls\n", bad ? "FAIL" : "PASS",
	       (unsigned long long)o.ioctls);
	bad ? fail++ : pass++;
	bad = sh->violations != 0;
	if (bad)
		printf("  fuzz: %llu calls broke their contract\n",
		       (unsigned long long)sh->violations);
	printf("%s fuzz_no_contract_violation\n", bad ? "FAIL" : "PASS");
	bad ? fail++ : pass++;
	bad = sh->jobs_ok == 0;
	printf("%s fuzz_valid_jobs_bit_exact_during\n", bad ? "FAIL" : "PASS");
	bad ? fail++ : pass++;
	fz_check_idle(&pass, &fail);
	bad = !fz_job_ok();
	printf("%s fuzz_card_usable_bit_exact_after\n", bad ? "FAIL" : "PASS");
	bad ? fail++ : pass++;
	printf("bench: fuzz_ioctls %llu ioctls\n", (unsigned long long)sh->ioctls);
	printf("bench: fuzz_ioctls_per_s %.0f ioctls/s\n", sh->ioctls / dt);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
