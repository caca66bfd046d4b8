// SPDX-License-Identifier: MIT
/*
 * Helpers for the tests of recovery, scheduling and the admin interfaces:
 * sysfs, debugfs and hwmon files, fence errors, a job runner that checks
 * outputs against the CPU reference.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "vmtest.h"
#include "admin.h"

int64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

const char *vm_dev_path(const char *attr)
{
	static char path[4][256];
	static int n;

	n = (n + 1) & 3;
	snprintf(path[n], sizeof(path[n]), "/sys/class/accel/accel0/device/%s",
		 attr);
	return path[n];
}

const char *vm_dbg_path(const char *file)
{
	static char path[4][256];
	static int n;

	n = (n + 1) & 3;
	snprintf(path[n], sizeof(path[n]), "/sys/kernel/debug/accel/0/%s",
		 file);
	return path[n];
}

int vm_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, got = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	if (n < 0 && got == 0)
		return -errno;
	buf[got] = 0;
	return (int)got;
}

int vm_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

long long vm_read_num(const char *path)
{
	char buf[64];

	if (vm_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

int vm_wait_runtime_status(const char *want, int ms)
{
	size_t n = strlen(want);
	char buf[32];

	for (; ms > 0; ms -= 10) {
		if (vm_read_file(vm_dev_path("power/runtime_status"), buf,
				 sizeof(buf)) > 0 &&
		    !strncmp(buf, want, n) && (!buf[n] || buf[n] == '\n'))
			return 0;
		usleep(10000);
	}
	return -1;
}

int vm_hwmon_path(const char *file, char *out, size_t len)
{
	const char *dir = vm_dev_path("hwmon");
	struct dirent *e;
	DIR *d = opendir(dir);
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "hwmon", 5))
			continue;
		snprintf(out, len, "%s/%s/%s", dir, e->d_name, file);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

int vm_fence_error(int fd, uint32_t syncobj)
{
	struct sync_file_info info = { 0 };
	int sfd, ret;

	if (drmSyncobjExportSyncFile(fd, syncobj, &sfd))
		return -errno;
	ret = ioctl(sfd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
	close(sfd);
	if (ret)
		return ret;
	return info.status < 0 ? info.status : 0;
}

int vm_wait_fence(int fd, uint32_t syncobj, int64_t timeout_ns)
{
	int ret = drmSyncobjWait(fd, &syncobj, 1, vm_now_ns() + timeout_ns,
				 0, NULL);

	return ret ? -ETIME : vm_fence_error(fd, syncobj);
}

int vm_fence_done(int fd, uint32_t syncobj)
{
	return drmSyncobjWait(fd, &syncobj, 1, 0, 0, NULL) == 0;
}

/* One layer, one tile of the small card: eight contexts fit at once. */
static const uint32_t vm_ctx_dims[] = { 224, 120 };

int vm_ctx_open(struct vm_ctx *c, uint32_t slots, uint32_t max_batch,
		uint32_t seed)
{
	uint32_t i, in_sz, out_sz;

	memset(c, 0, sizeof(*c));
	c->fd = vm_open_card();
	c->slots = slots;
	c->max_batch = max_batch;
	c->seed = seed;
	if (c->fd < 0 || slots > VM_CTX_MAX_SLOTS)
		return -1;
	if (vm_model_build(vm_ctx_dims, 1, seed, 256, 256, &c->m))
		return -1;
	if (drmSyncobjCreate(c->fd, 0, &c->prog_sync) ||
	    vm_image_load(c->fd, &c->m, &c->img_bo, &c->img, c->prog_sync))
		return -1;
	if (vm_wait_fence(c->fd, c->prog_sync, 30000000000ll))
		return -1;
	in_sz = max_batch * c->m.in_size;
	out_sz = max_batch * c->m.out_size;
	for (i = 0; i < slots; i++) {
		struct vm_slot *s = &c->s[i];

		if (vm_bo_create(c->fd, in_sz, &s->in) ||
		    vm_bo_create(c->fd, out_sz, &s->out) ||
		    drmSyncobjCreate(c->fd, 0, &s->sync))
			return -1;
		s->pin = vm_bo_map(c->fd, s->in, in_sz);
		s->pout = vm_bo_map(c->fd, s->out, out_sz);
		s->ref = malloc(out_sz);
		if (!s->pin || !s->pout || !s->ref)
			return -1;
	}
	return 0;
}

void vm_ctx_close(struct vm_ctx *c)
{
	uint32_t i;

	for (i = 0; i < c->slots; i++)
		free(c->s[i].ref);
	vm_model_free(&c->m);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int vm_ctx_submit(struct vm_ctx *c, uint32_t slot, uint32_t batch,
		  uint32_t prio)
{
	struct vm_slot *s = &c->s[slot];
	struct drm_cim_submit sub = {
		.image_handle = c->img, .in_handle = s->in,
		.out_handle = s->out, .batch = batch, .priority = prio,
		.out_syncobj = s->sync,
	};

	vm_fill_random(s->pin, (size_t)batch * c->m.in_size,
		       c->seed * 7919 + ++c->n);
	memset(s->pout, 0x5a, (size_t)batch * c->m.out_size);
	s->batch = batch;
	s->busy = 1;
	return vm_ioctl(c->fd, DRM_IOCTL_CIM_SUBMIT, &sub);
}

int vm_ctx_wait(struct vm_ctx *c, uint32_t slot, int64_t timeout_ns)
{
	struct vm_slot *s = &c->s[slot];
	int ret = vm_wait_fence(c->fd, s->sync, timeout_ns);

	s->busy = 0;
	if (ret)
		return ret;
	/* The card only reads the input: the reference is computed now. */
	if (cim_ref_run_image(c->m.image, c->m.size, s->pin, s->ref, s->batch))
		return -EINVAL;
	if (memcmp(s->pout, s->ref, (size_t)s->batch * c->m.out_size))
		return VM_MISMATCH;
	return 0;
}

/* When the fence behind a signalled syncobj signalled (CLOCK_MONOTONIC). */
int64_t vm_fence_time(int fd, uint32_t syncobj)
{
	struct sync_fence_info fi = { 0 };
	struct sync_file_info info = { .num_fences = 1,
				       .sync_fence_info = (uintptr_t)&fi };
	int sfd, ret;

	if (drmSyncobjExportSyncFile(fd, syncobj, &sfd))
		return -1;
	ret = ioctl(sfd, SYNC_IOC_FILE_INFO, &info);
	close(sfd);
	if (ret || info.status != 1)
		return -1;
	return (int64_t)fi.timestamp_ns;
}
