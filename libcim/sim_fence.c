// SPDX-License-Identifier: MIT
/*
 * Fences and syncobjs of the userspace card.  A fence signals once, with
 * an error or 0; a syncobj holds at most one fence.  cim_job_fence_fd()
 * exports a fence as an eventfd that poll() finds readable once it has
 * signaled: we keep a dup of each exported eventfd and write to it then,
 * so the caller may close theirs whenever it likes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "sim.h"

struct sim_fence *sim_fence_new(void)
{
	struct sim_fence *f = calloc(1, sizeof(*f));

	if (f)
		f->refs = 1;
	return f;
}

struct sim_fence *sim_fence_get(struct sim_fence *f)
{
	if (f)
		f->refs++;
	return f;
}

void sim_fence_put(struct sim_fence *f)
{
	int i;

	if (!f || --f->refs)
		return;
	for (i = 0; i < f->n_efds; i++)
		close(f->efds[i]);
	free(f->efds);
	free(f);
}

static void efd_poke(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		return;	/* the counter cannot overflow from 0; nothing to do */
}

void sim_fence_signal(struct sim_card *c, struct sim_fence *f, int error)
{
	int i;

	if (f->signaled)
		return;
	f->signaled = 1;
	f->error = error;
	for (i = 0; i < f->n_efds; i++) {
		efd_poke(f->efds[i]);
		close(f->efds[i]);
	}
	f->n_efds = 0;
	pthread_cond_broadcast(&c->cond);
}

int sim_syncobj_create(struct cim_dev *dev, uint32_t *handle)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_fence **slot = calloc(1, sizeof(*slot));
	int ret;

	/* The table holds a pointer to the syncobj: its fence, or NULL. */
	if (!slot)
		return -ENOMEM;
	pthread_mutex_lock(&sf->card->lock);
	ret = sim_table_add(&sf->syncobjs, slot, handle);
	pthread_mutex_unlock(&sf->card->lock);
	if (ret)
		free(slot);
	return ret;
}

void sim_syncobj_destroy(struct cim_dev *dev, uint32_t handle)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_fence **slot;

	pthread_mutex_lock(&sf->card->lock);
	slot = sim_table_del(&sf->syncobjs, handle);
	if (slot)
		sim_fence_put(*slot);
	pthread_mutex_unlock(&sf->card->lock);
	free(slot);
}

int sim_syncobj_replace(struct sim_file *sf, uint32_t handle,
			struct sim_fence *f)
{
	struct sim_fence **slot = sim_table_get(&sf->syncobjs, handle);

	if (!slot)
		return -ENOENT;
	sim_fence_put(*slot);
	*slot = sim_fence_get(f);
	return 0;
}

int sim_syncobj_export(struct cim_dev *dev, uint32_t handle)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_fence **slot, *f;
	int fd, ours = -1, *grown, ret;

	pthread_mutex_lock(&sf->card->lock);
	slot = sim_table_get(&sf->syncobjs, handle);
	f = slot ? *slot : NULL;
	if (!slot || !f) {
		ret = slot ? -EINVAL : -ENOENT;
		goto out;
	}
	fd = eventfd(f->signaled ? 1 : 0, EFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (!f->signaled) {
		ours = dup(fd);
		grown = ours < 0 ? NULL :
			realloc(f->efds, (f->n_efds + 1) * sizeof(*grown));
		if (!grown) {
			ret = ours < 0 ? -errno : -ENOMEM;
			if (ours >= 0)
				close(ours);
			close(fd);
			goto out;
		}
		f->efds = grown;
		f->efds[f->n_efds++] = ours;
	}
	ret = fd;
out:
	pthread_mutex_unlock(&sf->card->lock);
	return ret;
}

static void to_timespec(int64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
}

int sim_fence_wait(struct cim_dev *dev, uint32_t syncobj, int64_t deadline,
		   int *fence_err)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_card *c = sf->card;
	struct sim_fence **slot, *f;
	struct timespec ts;
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	slot = sim_table_get(&sf->syncobjs, syncobj);
	f = slot ? sim_fence_get(*slot) : NULL;
	if (!f) {
		pthread_mutex_unlock(&c->lock);
		return slot ? -EINVAL : -ENOENT;
	}
	to_timespec(deadline, &ts);
	while (!f->signaled && !ret) {
		if (deadline == INT64_MAX)
			pthread_cond_wait(&c->cond, &c->lock);
		else if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) ==
			 ETIMEDOUT && !f->signaled)
			ret = -ETIME;
	}
	if (!ret)
		*fence_err = f->error;
	sim_fence_put(f);
	pthread_mutex_unlock(&c->lock);
	return ret;
}
