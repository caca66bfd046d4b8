// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Worker threads of the userspace card: the column blocks of one large
 * MVM are shared among the firmware thread and threads - 1 workers.
 * Each block writes its own columns, so the sums, and the modeled time,
 * do not depend on how many threads there are.
 */
#include <unistd.h>

#include "sim.h"

static void sim_pool_take(struct sim_pool *p)
{
	uint32_t c;

	while ((c = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) <
	       p->chunks)
		p->fn(p->arg, c);
}

static void *sim_pool_worker(void *arg)
{
	struct sim_pool *p = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->gen == seen && !p->stop)
			pthread_cond_wait(&p->go, &p->lock);
		if (p->stop)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->lock);
		sim_pool_take(p);
		pthread_mutex_lock(&p->lock);
		if (!--p->pending)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int sim_pool_start(struct cim_hal *h)
{
	struct sim_pool *p = &h->pool;
	long cpus;
	uint32_t want;

	if (!h->threads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		h->threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (uint32_t)cpus;
	}
	if (h->threads > 8)
		h->threads = 8;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	for (want = h->threads - 1; p->n < want; p->n++)
		if (pthread_create(&p->th[p->n], NULL, sim_pool_worker, p))
			break;
	return 0;
}

void sim_pool_stop(struct cim_hal *h)
{
	struct sim_pool *p = &h->pool;
	uint32_t i;

	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	p->n = 0;
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->go);
	pthread_mutex_destroy(&p->lock);
}

void sim_pool_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t chunk),
		  void *arg, uint32_t chunks)
{
	struct sim_pool *p = &h->pool;
	uint32_t c;

	if (!p->n || chunks < 2) {
		for (c = 0; c < chunks; c++)
			fn(arg, c);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->arg = arg;
	p->chunks = chunks;
	p->next = 0;
	p->pending = p->n;
	p->gen++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
	sim_pool_take(p);
	pthread_mutex_lock(&p->lock);
	while (p->pending)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
