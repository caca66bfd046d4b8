// SPDX-License-Identifier: MIT
/*
 * The userspace card as its driver sees it: one card per device spec in
 * the process, its boot handshake, the rings and the interrupt, and
 * cim_open("sim[:preset]") / cim_close().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "sim.h"
#include "../firmware/sim/cim_sim.h"

#define SIM_BOOT_TIMEOUT_NS	(10ll * 1000 * 1000 * 1000)
#define SIM_JOB_TIMEOUT_MS	10000	/* cim.ko's job_timeout_ms */
#define SIM_STARVED_TIMEOUTS	10	/* firmware busy, no progress */

static pthread_mutex_t cards_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sim_card *cards;

int cimi_is_sim(const char *spec)
{
	return !strncmp(spec, "sim", 3) && (!spec[3] || spec[3] == ':');
}

uint32_t sim_rd(struct sim_card *c, uint32_t reg)
{
	return cim_sim_reg_read(c->hw, reg);
}

void sim_wr(struct sim_card *c, uint32_t reg, uint32_t val)
{
	cim_sim_reg_write(c->hw, reg, val);
}

int sim_status_errno(uint32_t status)
{
	return cim_job_status_errno(status);
}

static void irq(void *ctx, uint32_t bits)
{
	struct sim_card *c = ctx;

	sim_wr(c, CIM_REG_IRQ_STATUS, bits);
	pthread_mutex_lock(&c->ring_mu);
	pthread_cond_broadcast(&c->ring_cond);
	pthread_mutex_unlock(&c->ring_mu);
}

static int wait_status(struct sim_card *c, uint32_t want)
{
	uint64_t end = cimi_now_ns() + SIM_BOOT_TIMEOUT_NS;
	struct timespec pause = { 0, 100000 };
	uint32_t st;

	for (;;) {
		st = sim_rd(c, CIM_REG_STATUS);
		if (st & CIM_STATUS_ERROR)
			return -EIO;
		if (st & want)
			return 0;
		if (cimi_now_ns() > end)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

/* Boot handshake over fresh rings; with reset, the card forgets its slots. */
static int hw_start(struct sim_card *c, int reset)
{
	uint64_t sq = (uintptr_t)c->sq->p, cq = (uintptr_t)c->cq->p;
	int ret;

	if (reset) {
		sim_wr(c, CIM_REG_CTRL, 0);
		sim_wr(c, CIM_REG_IRQ_MASK, 0);
		sim_wr(c, CIM_REG_RESET, CIM_RESET_MAGIC);
		ret = wait_status(c, CIM_STATUS_BOOTING);
		if (ret)
			return ret;
	}
	memset(c->sq->p, 0, SIM_RING_ENTRIES * sizeof(struct cim_desc));
	memset(c->cq->p, 0, SIM_RING_ENTRIES * sizeof(struct cim_cpl));
	c->sq_pos = 0;
	c->cq_pos = 0;
	sim_wr(c, CIM_REG_SQ_BASE_LO, (uint32_t)sq);
	sim_wr(c, CIM_REG_SQ_BASE_HI, (uint32_t)(sq >> 32));
	sim_wr(c, CIM_REG_SQ_ENTRIES, SIM_RING_ENTRIES);
	sim_wr(c, CIM_REG_SQ_TAIL, 0);
	sim_wr(c, CIM_REG_CQ_BASE_LO, (uint32_t)cq);
	sim_wr(c, CIM_REG_CQ_BASE_HI, (uint32_t)(cq >> 32));
	sim_wr(c, CIM_REG_CQ_ENTRIES, SIM_RING_ENTRIES);
	sim_wr(c, CIM_REG_CQ_HEAD, 0);
	sim_wr(c, CIM_REG_HOST_VERSION, CIM_IF_VERSION);
	sim_wr(c, CIM_REG_IRQ_STATUS, ~0u);
	sim_wr(c, CIM_REG_IRQ_MASK, CIM_IRQ_CPL | CIM_IRQ_ERROR);
	sim_wr(c, CIM_REG_CTRL, CIM_CTRL_ENABLE);
	ret = wait_status(c, CIM_STATUS_READY);
	if (ret)
		return ret;
	if (sim_rd(c, CIM_REG_IF_VERSION) >> 16 != CIM_IF_VERSION_MAJOR)
		return -EPROTO;
	return 0;
}

/*
 * A descriptor the card has held for the job timeout without its
 * PROGRESS register moving is hung (cim.ko's rule: a long job that makes
 * progress is never reset).  now: the time of this check.
 */
static int hung(struct sim_card *c, uint64_t now, uint32_t *progress,
		uint64_t *moved_ns)
{
	uint32_t p = sim_rd(c, CIM_REG_PROGRESS);

	if (p != *progress) {
		*progress = p;
		*moved_ns = now;
		return 0;
	}
	if (!c->job_timeout_ns || now - *moved_ns < c->job_timeout_ns)
		return 0;
	/*
	 * The firmware thread is a host thread: on a loaded host it may not
	 * run for a while, and a job at work would look hung.  A hung
	 * firmware went back to sleep (cim_sim_fw_idle()); one still at work
	 * or not yet woken is given SIM_STARVED_TIMEOUTS timeouts (a
	 * firmware that spins without progress is hung too, only later).
	 */
	return cim_sim_fw_idle(c->hw) ||
	       now - *moved_ns >= SIM_STARVED_TIMEOUTS * c->job_timeout_ns;
}

int sim_exec(struct sim_card *c, struct cim_desc *desc, struct cim_cpl *cpl)
{
	struct cim_desc *sq = c->sq->p;
	struct cim_cpl *cq = c->cq->p;
	uint64_t tag, moved_ns, now;
	struct timespec ts;
	uint32_t progress;
	int ret = 0, err;

	pthread_mutex_lock(&c->exec_mu);
	pthread_mutex_lock(&c->ring_mu);
	if (c->stopping || c->dead) {
		ret = c->stopping ? -ECANCELED : -EIO;
		goto out;
	}
	tag = ++c->next_tag;
	sq[c->sq_pos] = *desc;
	sq[c->sq_pos].tag = tag;
	c->sq_pos = (c->sq_pos + 1) % SIM_RING_ENTRIES;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	progress = sim_rd(c, CIM_REG_PROGRESS);
	moved_ns = cimi_now_ns();
	sim_wr(c, CIM_REG_SQ_TAIL, c->sq_pos);
	for (;;) {
		if (sim_rd(c, CIM_REG_STATUS) & CIM_STATUS_ERROR) {
			ret = -EIO;
			break;
		}
		if (sim_rd(c, CIM_REG_CQ_TAIL) != c->cq_pos) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			*cpl = cq[c->cq_pos];
			c->cq_pos = (c->cq_pos + 1) % SIM_RING_ENTRIES;
			sim_wr(c, CIM_REG_CQ_HEAD, c->cq_pos);
			if (cpl->tag == tag)
				break;
			continue;	/* not ours: cannot happen, one at a time */
		}
		if (c->stopping) {
			ret = -ECANCELED;
			break;
		}
		now = cimi_now_ns();
		if (hung(c, now, &progress, &moved_ns)) {
			ret = -ETIMEDOUT;
			break;
		}
		/*
		 * The interrupt wakes us; the timeout only guards a lost one
		 * and looks at the card's progress.
		 */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&c->ring_cond, &c->ring_mu, &ts);
	}
	if (ret == -EIO || ret == -ETIMEDOUT) {
		/*
		 * The firmware died (FAULT_CRASH) or hung: reset the card, as
		 * cim.ko's recovery; the job fails (-ETIMEDOUT for a hang), and
		 * the worker puts the card's images back (sim_catalog_restore()).
		 * After the reset the card touches none of the job's buffers.
		 */
		c->resets++;
		c->jobs_timed_out += ret == -ETIMEDOUT;
		c->need_restore = 1;
		/*
		 * Not under ring_mu: the firmware thread takes it in irq() to
		 * wake us, and may be on its way there from the crash's own
		 * interrupt; holding it, the boot handshake below waited for a
		 * firmware thread that waited for us, until the boot timeout
		 * failed the reset.  exec_mu keeps every other descriptor off
		 * the rings meanwhile.
		 */
		pthread_mutex_unlock(&c->ring_mu);
		err = hw_start(c, 1);
		pthread_mutex_lock(&c->ring_mu);
		if (err)
			c->dead = 1;
	}
out:
	pthread_mutex_unlock(&c->ring_mu);
	pthread_mutex_unlock(&c->exec_mu);
	if (!ret) {
		uint64_t one = 1;

		if (write(c->evfd, &one, sizeof(one)) < 0)
			ret = 0;	/* only a poll hint */
	}
	return ret;
}

int sim_card_read(struct sim_card *c, uint32_t opcode, uint32_t slot,
		  void *out, uint32_t len)
{
	struct cim_desc d = { .opcode = opcode, .slot = slot };
	struct sim_buf *b = sim_buf_new(c, len);
	struct cim_cpl cpl;
	int ret;

	if (!b)
		return -ENOMEM;
	d.dst = sim_ref(b, 0, len);
	ret = sim_exec(c, &d, &cpl);
	if (!ret)
		ret = sim_status_errno(cpl.status);
	if (!ret)
		memcpy(out, b->p, len);
	if (ret != -ECANCELED)
		sim_buf_put(c, b);	/* else the card may still write it: leak */
	return ret;
}

static void read_info(struct sim_card *c)
{
	struct cim_info *i = &c->info;

	memset(i, 0, sizeof(*i));
	i->uapi_version = DRM_CIM_UAPI_VERSION;
	i->hw_id = sim_rd(c, CIM_REG_ID);
	i->tiles = sim_rd(c, CIM_REG_TILES);
	i->tile_rows = sim_rd(c, CIM_REG_TILE_ROWS);
	i->tile_cols = sim_rd(c, CIM_REG_TILE_COLS);
	i->cell_bits = sim_rd(c, CIM_REG_CELL_BITS);
	i->adc_bits = sim_rd(c, CIM_REG_ADC_BITS);
	i->act_bits = sim_rd(c, CIM_REG_ACT_BITS);
	i->max_vector = sim_rd(c, CIM_REG_MAX_VECTOR);
	i->max_images = sim_rd(c, CIM_REG_MAX_IMAGES);
	i->max_plan_bytes = sim_rd(c, CIM_REG_PLAN_BYTES);
	i->query_size = sizeof(struct drm_cim_device_info);
	c->arena_bytes = sim_rd(c, CIM_REG_ARENA_BYTES);
	if (i->max_images > SIM_MAX_SLOTS)
		i->max_images = SIM_MAX_SLOTS;
}

static void card_free(struct sim_card *c)
{
	if (c->worker_up)
		sim_worker_stop(c);
	/*
	 * Power the card off before freeing what it may still be reading (a
	 * hung job's buffers); its slots stay in its flash.
	 */
	if (c->hw) {
		cim_sim_set_irq_handler(c->hw, NULL, NULL);
		cim_sim_destroy(c->hw);
		c->hw = NULL;
	}
	sim_jobs_free_zombies(c);
	sim_catalog_free(c);
	sim_buf_put(c, c->sq);
	sim_buf_put(c, c->cq);
	if (c->evfd >= 0)
		close(c->evfd);
	pthread_cond_destroy(&c->ring_cond);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->ring_mu);
	pthread_mutex_destroy(&c->exec_mu);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/*
 * How long a job may hold the card without progress before it is reset:
 * CIM_SIM_JOB_TIMEOUT_MS (0: never), else cim.ko's job_timeout_ms default.
 */
static uint64_t job_timeout_ns(void)
{
	const char *e = getenv("CIM_SIM_JOB_TIMEOUT_MS");
	unsigned long long ms = SIM_JOB_TIMEOUT_MS;
	char *end;

	if (e && *e) {
		ms = strtoull(e, &end, 10);
		if (*end)
			ms = SIM_JOB_TIMEOUT_MS;
	}
	return ms * 1000000ull;
}

static void init_locks(struct sim_card *c)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->exec_mu, NULL);
	pthread_mutex_init(&c->ring_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_cond_init(&c->ring_cond, &ca);
	pthread_condattr_destroy(&ca);
}

static int card_new(const char *spec, struct sim_card **out)
{
	struct cim_sim_config cfg;
	char why[CIMI_ERR_LEN] = "";
	struct sim_card *c;
	uint32_t t;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->spec, sizeof(c->spec), "%s", spec);
	init_locks(c);
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	cim_sim_config_init(&cfg);
	cfg.errbuf = why;
	cfg.errbuf_len = sizeof(why);
	ret = cim_sim_config_parse(&cfg, c->spec);
	if (ret)
		snprintf(why, sizeof(why),
			 "unknown preset (sim, sim:m1076, sim:small; options as sim:small,key=value)");
	else
		ret = cim_sim_create(&cfg, &c->hw);
	if (ret) {
		cimi_set_error(NULL, "cannot start the userspace card \"%s\": %s",
			       spec, *why ? why : strerror(-ret));
		c->hw = NULL;
		goto fail;
	}
	ret = -ENODEV;
	if (c->evfd < 0 || sim_rd(c, CIM_REG_ID) != CIM_HW_ID) {
		cimi_set_error(NULL, "userspace card \"%s\": not a CIM card", spec);
		goto fail;
	}
	read_info(c);
	if (!c->info.tiles || c->info.tiles > SIM_MAX_TILES ||
	    !c->info.max_images) {
		cimi_set_error(NULL, "userspace card \"%s\": impossible geometry (%u tiles)",
			       spec, c->info.tiles);
		goto fail;
	}
	c->analog = sim_rd(c, CIM_REG_ANALOG) == 1;
	c->job_timeout_ns = job_timeout_ns();
	c->free_tiles = c->info.tiles;
	c->sq = sim_buf_new(c, SIM_RING_ENTRIES * sizeof(struct cim_desc));
	c->cq = sim_buf_new(c, SIM_RING_ENTRIES * sizeof(struct cim_cpl));
	if (!c->sq || !c->cq) {
		ret = -ENOMEM;
		goto fail;
	}
	cim_sim_set_irq_handler(c->hw, irq, c);
	ret = hw_start(c, 0);
	if (ret) {
		cimi_set_error(NULL, "userspace card \"%s\": boot handshake failed: %s",
			       spec, strerror(-ret));
		goto fail;
	}
	c->info.fw_version = sim_rd(c, CIM_REG_FW_VERSION);
	c->info.if_version = sim_rd(c, CIM_REG_IF_VERSION);
	ret = sim_catalog_rebuild(c);
	if (!ret)
		ret = sim_worker_start(c);
	if (ret) {
		cimi_set_error(NULL, "userspace card \"%s\": cannot start: %s",
			       spec, strerror(-ret));
		goto fail;
	}
	for (t = 0; t < c->info.tiles; t++)
		c->free_tiles -= c->tile_used[t];
	*out = c;
	return 0;
fail:
	card_free(c);
	return ret;
}

static void card_put(struct sim_card *c)
{
	struct sim_card **p;

	pthread_mutex_lock(&cards_mu);
	if (--c->users) {
		pthread_mutex_unlock(&cards_mu);
		return;
	}
	for (p = &cards; *p != c; p = &(*p)->next)
		;
	*p = c->next;
	pthread_mutex_unlock(&cards_mu);
	card_free(c);
}

int cimi_sim_open(const char *spec, struct cim_dev **out)
{
	char msg[CIMI_ERR_LEN];
	struct sim_file *sf;
	struct sim_card *c;
	struct cim_dev *dev;
	int ret = 0;

	pthread_mutex_lock(&cards_mu);
	for (c = cards; c && strcmp(c->spec, spec); c = c->next)
		;
	if (!c) {
		ret = card_new(spec, &c);
		if (!ret) {
			c->next = cards;
			cards = c;
		}
	}
	if (!ret)
		c->users++;
	pthread_mutex_unlock(&cards_mu);
	if (ret)
		return ret;

	ret = cim_check_versions(&c->info, msg, sizeof(msg));
	if (ret) {
		cimi_set_error(NULL, "%s: %s", spec, msg);
		card_put(c);
		return ret;
	}
	sf = calloc(1, sizeof(*sf));
	dev = sf ? cimi_dev_new(&cimi_sim_backend, c->evfd, spec, &c->info) :
		   NULL;
	if (!dev) {
		free(sf);
		card_put(c);
		return -ENOMEM;
	}
	sf->card = c;
	dev->priv = sf;
	*out = dev;
	return 0;
}

/* The backend's close: what the device still holds goes, then the card. */
void sim_dev_close(struct cim_dev *dev);
void sim_dev_close(struct cim_dev *dev)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_card *c = sf->card;
	uint32_t h;

	pthread_mutex_lock(&c->lock);
	sim_images_drop_file(sf);
	for (h = 1; h <= sf->bos.n; h++) {
		struct sim_buf *b = sim_table_del(&sf->bos, h);

		if (b)
			sim_buf_put(c, b);
	}
	for (h = 1; h <= sf->syncobjs.n; h++) {
		struct sim_fence **slot = sim_table_del(&sf->syncobjs, h);

		if (slot) {
			sim_fence_put(*slot);
			free(slot);
		}
	}
	pthread_mutex_unlock(&c->lock);
	free(sf->bos.v);
	free(sf->syncobjs.v);
	free(sf->images.v);
	free(sf);
	card_put(c);
}
