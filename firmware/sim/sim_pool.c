// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Worker threads of the userspace card: the batch items of a RUN
 * (cim_hal_lanes(): the firmware core runs up to `threads` of them at
 * once, each in its own lane), or the column blocks of one large MVM,
 * are shared among the firmware thread and threads - 1 workers.  Each
 * item and each block writes its own outputs, so the results, and the
 * modeled time, do not depend on how many threads there are.  A job
 * posted while one is out (an MVM inside a lane) runs on its caller.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../cim_fw_hal.h"

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

static void sim_pool_post(struct sim_pool *p,
			  void (*fn)(void *arg, uint32_t chunk), void *arg,
			  uint32_t chunks);

void sim_pool_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t chunk),
		  void *arg, uint32_t chunks)
{
	struct sim_pool *p = &h->pool;
	uint32_t c;

	if (p->n && chunks >= 2) {
		pthread_mutex_lock(&p->lock);
		if (p->active) {
			pthread_mutex_unlock(&p->lock);
		} else {
			p->active = 1;
			sim_pool_post(p, fn, arg, chunks);
			return;
		}
	}
	for (c = 0; c < chunks; c++)
		fn(arg, c);
}

/* Run it on the workers and this thread; p->lock held, dropped. */
static void sim_pool_post(struct sim_pool *p,
			  void (*fn)(void *arg, uint32_t chunk), void *arg,
			  uint32_t chunks)
{
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
	p->active = 0;
	pthread_mutex_unlock(&p->lock);
}

/* --- the firmware's lanes (cim_fw_hal.h) ---------------------------- */

uint32_t cim_hal_lanes(struct cim_hal *h, uint32_t max, uint32_t bytes,
		       void **mem)
{
	uint32_t n = h->threads < max ? h->threads : max, k;

	/* an injected stuck cell is rewritten as the arrays are read */
	if (h->model.stuck_tile >= 0 || n > 8)
		n = 1;
	if (h->lane_bytes < bytes) {
		for (k = 1; k < 8; k++) {
			free(h->lane_mem[k]);
			h->lane_mem[k] = NULL;
		}
		h->lane_bytes = bytes;
	}
	for (k = 1; k < n; k++) {
		if (!h->lane_mem[k])
			h->lane_mem[k] = aligned_alloc(64, (bytes + 63) &
						       ~(size_t)63);
		if (!h->lane_mem[k])
			break;
		mem[k] = h->lane_mem[k];
	}
	return k < n ? k : n;
}

void cim_hal_lanes_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t k),
		       void *arg, uint32_t n)
{
	sim_pool_run(h, fn, arg, n);
}

void sim_lanes_fini(struct cim_hal *h)
{
	uint32_t k;

	for (k = 1; k < 8; k++)
		free(h->lane_mem[k]);
}
