// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The userspace card (cim_sim.h): power-on, the firmware thread (the
 * card MCU: it sleeps until the host rings, then drains the rings) and
 * power-off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim.h"
#include "../cim_fw_hal.h"

static void *sim_fw_thread(void *arg)
{
	struct cim_hal *h = arg;
	uint32_t ev;
	uint64_t t0;
	int busy;

	pthread_mutex_lock(&h->reg_lock);
	for (;;) {
		h->fw_waiting = 1;
		while (!h->events && !h->stop)
			pthread_cond_wait(&h->wake, &h->reg_lock);
		h->fw_waiting = 0;
		if (h->stop)
			break;
		ev = h->events;
		h->events = 0;
		/* a sleeping card's MCU is clock-gated: doorbells wait */
		if (!(ev & SIM_EV_RESET) &&
		    h->regs[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP)
			continue;
		pthread_mutex_unlock(&h->reg_lock);
		if (ev & SIM_EV_RESET) {
			pthread_mutex_lock(&h->reg_lock);
			h->reset_held = 0;	/* out of reset first */
			pthread_mutex_unlock(&h->reg_lock);
			cim_fw_reset(h->fw, h);
		}
		do {
			t0 = sim_now_ns();
			busy = cim_fw_poll(h->fw) > 0;
			pthread_mutex_lock(&h->reg_lock);
			h->busy_ns += sim_now_ns() - t0;
			busy = busy && !h->stop &&
			       !(h->events & SIM_EV_RESET);
			pthread_mutex_unlock(&h->reg_lock);
		} while (busy);
		pthread_mutex_lock(&h->reg_lock);
	}
	pthread_mutex_unlock(&h->reg_lock);
	return NULL;
}

static void sim_free(struct cim_hal *h)
{
	sim_mvm_fini(h);
	sim_colsum_fini(h);
	sim_lanes_fini(h);
	sim_flash_close(h);
	sim_dma_fini(h);
	if (h->irq_fd >= 0)
		close(h->irq_fd);
	free(h->act);
	free(h->fw);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->irq_lock);
	pthread_mutex_destroy(&h->layout_lock);
	pthread_mutex_destroy(&h->dma_lock);
	pthread_mutex_destroy(&h->reg_lock);
	free(h);
}

int cim_sim_create(const struct cim_sim_config *cfg, struct cim_sim **out)
{
	char *err = cfg ? cfg->errbuf : NULL;
	size_t errlen = cfg ? cfg->errbuf_len : 0;
	const char *path;
	struct cim_hal *h;
	uint64_t age_s;
	int ret;

	*out = NULL;
	if (!cfg || cfg->size < sizeof(*cfg))
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->irq_fd = -1;
	h->flash_fd = -1;
	pthread_mutex_init(&h->reg_lock, NULL);
	pthread_mutex_init(&h->dma_lock, NULL);
	pthread_mutex_init(&h->irq_lock, NULL);
	pthread_mutex_init(&h->layout_lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	ret = sim_config_params(cfg, h, &age_s, err, errlen);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	h->fw = calloc(1, sizeof(*h->fw));
	h->act = aligned_alloc(64, h->act_bytes);
	if (!h->fw || !h->act)
		goto fail;
	memset(h->act, 0, h->act_bytes);
	h->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->irq_fd < 0) {
		ret = -errno;
		goto fail;
	}
	path = cfg->flash_path ? cfg->flash_path : getenv("CIM_SIM_FLASH");
	ret = sim_flash_open(h, path, err, errlen);
	if (ret)
		goto fail;
	/* the card sat powered for age_s before anything */
	h->clock_ns += age_s * 1000000000ull;

	sim_regs_init(h);
	cim_fw_reset(h->fw, h);
	/* the card stayed powered: the firmware's slots are still there */
	if (h->flash_loaded && h->flash->slots_valid)
		memcpy(h->fw->slots, h->slots, sizeof(h->fw->slots));
	sim_pool_start(h);
	ret = -pthread_create(&h->thread, NULL, sim_fw_thread, h);
	if (ret) {
		sim_pool_stop(h);
		goto fail;
	}
	*out = (struct cim_sim *)h;
	return 0;
fail:
	sim_free(h);
	return ret;
}

void cim_sim_destroy(struct cim_sim *sim)
{
	struct cim_hal *h = (struct cim_hal *)sim;

	if (!h)
		return;
	pthread_mutex_lock(&h->reg_lock);
	h->stop = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->reg_lock);
	pthread_join(h->thread, NULL);
	sim_pool_stop(h);
	sim_flash_save(h);
	sim_free(h);
}

void cim_sim_get_info(struct cim_sim *sim, struct cim_sim_info *info)
{
	struct cim_hal *h = (struct cim_hal *)sim;

	memset(info, 0, sizeof(*info));
	snprintf(info->preset, sizeof(info->preset), "%s", h->preset);
	info->tiles = h->params.tiles;
	info->rows = h->params.rows;
	info->cols = h->params.cols;
	info->analog = h->params.analog;
	info->seed = h->params.seed;
	info->plan_bytes = h->plan_bytes;
	info->arena_bytes = h->act_bytes;
	info->threads = h->threads;
	info->persistent = h->flash_fd >= 0;
	info->flash_loaded = h->flash_loaded;
}

/* --- the rest of the firmware's HAL --------------------------------- */

uint8_t *cim_hal_act_mem(struct cim_hal *h, uint32_t *size)
{
	*size = h->act_bytes;
	return h->act;
}

void cim_hal_params(struct cim_hal *h, struct cim_card_params *p)
{
	*p = h->params;
}
