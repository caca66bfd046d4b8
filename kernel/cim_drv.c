// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * cim.ko: DRM accel driver for NOR-flash compute-in-memory cards.  This
 * file holds the DRM device, per-file contexts, the query ioctl and the
 * probe/remove shared by the PCI and platform glue.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"
#include "cim_bus.h"

static int cim_open(struct drm_device *drm, struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct drm_gpu_scheduler *sched = &cdev->sched;
	struct cim_file *cfile;
	int ret;

	cfile = cim_file_alloc(cdev);
	if (!cfile)
		return -ENOMEM;
	ret = drm_sched_entity_init(&cfile->entity[DRM_CIM_PRIO_NORMAL],
				    DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret)
		goto free;
	ret = drm_sched_entity_init(&cfile->entity[DRM_CIM_PRIO_HIGH],
				    DRM_SCHED_PRIORITY_HIGH, &sched, 1, NULL);
	if (ret) {
		drm_sched_entity_destroy(&cfile->entity[DRM_CIM_PRIO_NORMAL]);
		goto free;
	}
	file->driver_priv = cfile;
	mutex_lock(&cdev->files_lock);
	list_add_tail(&cfile->node, &cdev->files);
	mutex_unlock(&cdev->files_lock);
	return 0;
free:
	cim_file_put(cfile);
	return ret;
}

static void cim_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct cim_file *cfile = file->driver_priv;

	cim_file_entities_fini(cfile);
	/* What it left on the card is aborted there, not run for no one. */
	cim_hw_cancel_file(cfile->cdev, cfile);
	cim_file_images_fini(cfile);
	mutex_lock(&cfile->cdev->files_lock);
	list_del_init(&cfile->node);
	mutex_unlock(&cfile->cdev->files_lock);
	/* Jobs still on the card keep their queue's statistics alive. */
	cim_file_put(cfile);
}

static int cim_ioctl_query(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct drm_cim_query *args = data;
	struct cim_card_info *i = &cdev->info;
	struct drm_cim_device_info info = {
		.uapi_version = DRM_CIM_UAPI_VERSION,
		.fw_version = i->fw_version,
		.if_version = i->if_version,
		.hw_id = i->hw_id,
		.tiles = i->tiles,
		.tile_rows = i->tile_rows,
		.tile_cols = i->tile_cols,
		.cell_bits = i->cell_bits,
		.adc_bits = i->adc_bits,
		.act_bits = i->act_bits,
		.max_vector = i->max_vector,
		.max_images = i->max_images,
		.max_plan_bytes = i->plan_bytes,
	};

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->query == DRM_CIM_QUERY_IMAGES)
		return cim_catalog_query(cdev, args);
	if (args->query == DRM_CIM_QUERY_TILES)
		return cim_tiles_query(cdev, args);
	if (args->query != DRM_CIM_QUERY_DEVICE_INFO)
		return -EINVAL;
	/* Tiles of resident images no one uses are free for the taking. */
	info.free_tiles = cim_catalog_avail_tiles(cdev);
	if (args->size &&
	    copy_to_user(u64_to_user_ptr(args->data), &info,
			 min_t(u32, args->size, sizeof(info))))
		return -EFAULT;
	args->size = sizeof(info);
	return 0;
}

static const struct drm_ioctl_desc cim_ioctls[] = {
	DRM_IOCTL_DEF_DRV(CIM_QUERY, cim_ioctl_query, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_BO_CREATE, cim_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_BO_MMAP_OFFSET, cim_ioctl_bo_mmap_offset, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_BO_WAIT, cim_ioctl_bo_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_IMAGE_LOAD, cim_ioctl_image_load, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_IMAGE_RELEASE, cim_ioctl_image_release, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_SUBMIT, cim_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_CANCEL, cim_ioctl_cancel, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(CIM_CALIBRATE, cim_ioctl_calibrate, DRM_RENDER_ALLOW),
};

static const struct drm_driver cim_drm_driver = {
	.driver_features = CIM_DRIVER_NODE | DRIVER_GEM | DRIVER_SYNCOBJ,
	.open = cim_open,
	.postclose = cim_postclose,
	.gem_create_object = cim_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls = cim_ioctls,
	.num_ioctls = ARRAY_SIZE(cim_ioctls),
	.fops = &cim_fops,
	.name = CIM_DRIVER_NAME,
	.desc = "NOR-flash compute-in-memory card",
	.major = 1,
	.minor = 2,	/* 1: DRM_IOCTL_CIM_CANCEL, 2: DRM_IOCTL_CIM_CALIBRATE */
};

static void cim_drmm_sched_fini(struct drm_device *drm, void *arg)
{
	cim_sched_fini(arg);
}

int cim_device_probe(struct device *dev, struct regmap *regs, int irq)
{
	struct cim_device *cdev;
	int ret;

	cdev = devm_drm_dev_alloc(dev, &cim_drm_driver, struct cim_device, drm);
	if (IS_ERR(cdev))
		return PTR_ERR(cdev);
	cdev->dev = dev;
	cdev->regs = regs;
	cdev->irq = irq;
	spin_lock_init(&cdev->ring_lock);
	INIT_LIST_HEAD(&cdev->inflight);
	INIT_LIST_HEAD(&cdev->images);
	ret = drmm_mutex_init(&cdev->drm, &cdev->alloc_lock);
	if (ret)
		return ret;
	dev_set_drvdata(dev, cdev);
	/* recovery, queues, telemetry (cim_reset.c, cim_queue.c, ...) */
	INIT_LIST_HEAD(&cdev->files);
	ret = drmm_mutex_init(&cdev->drm, &cdev->files_lock);
	if (!ret)
		ret = drmm_mutex_init(&cdev->drm, &cdev->tel_lock);
	if (!ret)
		ret = cim_reset_init(cdev);
	if (ret)
		return ret;

	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	ret = cim_hw_init(cdev);
	if (ret)
		return ret;
	ret = cim_knobs_init(cdev);
	if (ret)
		goto stop_hw;
	ret = cim_catalog_init(cdev);
	if (ret)
		goto stop_hw;
	ret = cim_analog_init(cdev);
	if (ret)
		goto stop_hw;
	ret = devm_request_irq(dev, irq, cim_hw_irq, 0, CIM_DRIVER_NAME, cdev);
	if (ret)
		goto stop_hw;
	ret = cim_sched_init(cdev);
	if (ret)
		goto stop_hw;
	ret = drmm_add_action_or_reset(&cdev->drm, cim_drmm_sched_fini, cdev);
	if (ret)
		goto stop_hw;
	ret = cim_pm_init(cdev);
	if (!ret)
		ret = cim_sysfs_init(cdev);
	if (!ret)
		ret = cim_hwmon_init(cdev);
	if (ret)
		goto stop_hw;
	/*
	 * Images an earlier driver instance left programmed are ours again
	 * (after runtime PM is up: the card commands take a PM reference).
	 */
	ret = cim_catalog_restore(cdev);
	if (ret)
		dev_warn(cdev->dev, "cannot read the card's image slots (%d): starting with an empty catalog\n",
			 ret);
	cim_debugfs_init(cdev);
	ret = drm_dev_register(&cdev->drm, 0);
	if (ret)
		goto stop_hw;
	cim_debugfs_register(cdev);
	return 0;
stop_hw:
	cim_hw_fini(cdev);
	return ret;
}

/*
 * The card goes away (unbind, module unload, hot unplug).  Open files keep
 * the DRM device alive; their ioctls fail with -ENODEV from here on.
 */
void cim_device_remove(struct device *dev)
{
	struct cim_device *cdev = dev_get_drvdata(dev);

	pm_runtime_get_sync(dev);	/* the card must be awake to stop it */
	cim_debugfs_unregister(cdev);
	drm_dev_unplug(&cdev->drm);
	/* Let the card finish what it holds, then stop it and fail the rest. */
	cim_sched_drain(cdev, cim_job_timeout());
	cim_hw_fini(cdev);
	cim_reset_fini(cdev);
	cim_job_fail_inflight(cdev, -ENODEV);
	cim_sched_drain(cdev, HZ);
	pm_runtime_put_noidle(dev);
}

static int __init cim_init(void)
{
	int ret;

	ret = platform_driver_register(&cim_platform_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&cim_pci_driver);
	if (ret)
		platform_driver_unregister(&cim_platform_driver);
	return ret;
}

static void __exit cim_exit(void)
{
	pci_unregister_driver(&cim_pci_driver);
	platform_driver_unregister(&cim_platform_driver);
}

module_init(cim_init);
module_exit(cim_exit);

MODULE_DESCRIPTION("DRM accel driver for NOR-flash compute-in-memory cards");
MODULE_LICENSE("GPL");
